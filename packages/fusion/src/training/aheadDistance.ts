import type { SceneObject } from '@sensorium/core';

/** Robot footprint half extents (DESIGN: 0.5 × 0.4 m), the same the scenario runner measures from. */
const HALF_LENGTH = 0.25;
const HALF_WIDTH = 0.2;

export interface RobotPose {
  x: number;
  y: number;
  yaw: number;
}

/**
 * The scenario runner's "obstacle ahead" distance from ground truth: over solids whose centre bears within
 * ±45° of the heading, the smallest gap between the robot's footprint and the solid's plan-view outline
 * (rectangle, or circle for cylinders). Labels made with it agree with what `metrics.gating` counts as an
 * onset; a centre-distance approximation was off by metres for long walls.
 */
export function aheadDistance(robot: RobotPose, solids: readonly SceneObject[], coneHalfAngle = Math.PI / 4): number {
  const c = Math.cos(robot.yaw);
  const s = Math.sin(robot.yaw);
  let best = Infinity;
  for (const o of solids) {
    const dx = o.pose.position.x - robot.x;
    const dy = o.pose.position.y - robot.y;
    const bx = c * dx + s * dy;
    const by = -s * dx + c * dy;
    if (Math.abs(Math.atan2(by, bx)) > coneHalfAngle) continue;
    best = Math.min(best, footprintGap(bx, by, o, robot.yaw));
  }
  return best;
}

const corners = new Float64Array(8);

/** Gap between the footprint (axis-aligned at the origin) and a solid centred at (bx, by) in base_link. */
function footprintGap(bx: number, by: number, o: SceneObject, robotYaw: number): number {
  if (o.shape === 'cylinder') return Math.max(0, pointBoxDistance(bx, by) - o.size.x / 2);
  const q = o.pose.orientation;
  const yaw = Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z)) - robotYaw;
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  const hx = o.size.x / 2;
  const hy = o.size.y / 2;
  for (let k = 0; k < 4; k++) {
    const sx = k === 0 || k === 3 ? hx : -hx;
    const sy = k < 2 ? hy : -hy;
    corners[2 * k] = bx + c * sx - s * sy;
    corners[2 * k + 1] = by + s * sx + c * sy;
  }
  // Overlap: the origin inside the solid, or a solid corner inside the footprint, or edges crossing.
  let best = Infinity;
  for (let k = 0; k < 4; k++) best = Math.min(best, pointBoxDistance(corners[2 * k]!, corners[2 * k + 1]!));
  const fx = [HALF_LENGTH, -HALF_LENGTH, -HALF_LENGTH, HALF_LENGTH];
  const fy = [HALF_WIDTH, HALF_WIDTH, -HALF_WIDTH, -HALF_WIDTH];
  for (let k = 0; k < 4; k++) best = Math.min(best, pointRectDistance(fx[k]!, fy[k]!, bx, by, c, s, hx, hy));
  if (best > 0 && segmentsCross()) return 0;
  return best;
}

/** Distance from a point to the footprint box (0 inside). */
function pointBoxDistance(x: number, y: number): number {
  return Math.hypot(Math.max(0, Math.abs(x) - HALF_LENGTH), Math.max(0, Math.abs(y) - HALF_WIDTH));
}

/** Distance from a point to a rotated rectangle (centre, cos/sin of its yaw, half extents; 0 inside). */
function pointRectDistance(x: number, y: number, cx: number, cy: number, c: number, s: number, hx: number, hy: number): number {
  const dx = x - cx;
  const dy = y - cy;
  const u = c * dx + s * dy;
  const v = -s * dx + c * dy;
  return Math.hypot(Math.max(0, Math.abs(u) - hx), Math.max(0, Math.abs(v) - hy));
}

/** Whether an edge of the solid (in `corners`) crosses an edge of the footprint (a thin wall across it). */
function segmentsCross(): boolean {
  const fx = [HALF_LENGTH, -HALF_LENGTH, -HALF_LENGTH, HALF_LENGTH];
  const fy = [HALF_WIDTH, HALF_WIDTH, -HALF_WIDTH, -HALF_WIDTH];
  for (let i = 0; i < 4; i++) {
    const ax = corners[2 * i]!;
    const ay = corners[2 * i + 1]!;
    const bx = corners[(2 * i + 2) % 8]!;
    const by = corners[(2 * i + 3) % 8]!;
    for (let j = 0; j < 4; j++) {
      if (cross(ax, ay, bx, by, fx[j]!, fy[j]!, fx[(j + 1) % 4]!, fy[(j + 1) % 4]!)) return true;
    }
  }
  return false;
}

function cross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  const d2 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  const d3 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
  const d4 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
  return d1 * d2 < 0 && d3 * d4 < 0;
}
