import { Subscription } from 'rxjs';
import { defineNode, double, type PoseStamped, type SceneObject, type WorldState } from '@sensorium/core';
import { OccupancyGrid, type PlanShape } from './OccupancyGrid.js';
import { planPath } from './planPath.js';

const parameters = {
  rate: double(20, { min: 1, max: 200, description: 'control rate, Hz' }),
  max_speed: double(0.8, { min: 0.05, max: 5, description: 'm/s' }),
  max_yaw_rate: double(1.5, { min: 0.1, max: 10, description: 'rad/s' }),
  lookahead: double(0.7, { min: 0.1, max: 5, description: 'pure pursuit lookahead, m' }),
  inflation: double(0.48, { min: 0.05, max: 3, description: 'planning clearance from obstacle centre line of the robot, m' }),
  resolution: double(0.1, { min: 0.02, max: 1, description: 'grid cell, m' }),
  mover_horizon: double(3.0, { min: 0, max: 10, description: 'look-ahead time for movers, s' }),
  mover_margin: double(0.6, { min: 0, max: 5, description: 'clearance kept from movers (centre to robot centre minus radii), m' }),
  goal_tolerance: double(0.25, { min: 0.01, max: 5, description: 'stop this close to the goal, m' }),
};

/** Half-diagonal of the 0.5 × 0.4 m footprint. */
const ROBOT_RADIUS = 0.32;

interface MoverTrack {
  x: number;
  y: number;
  vx: number;
  vy: number;
  r: number;
  t: number;
  /** Last time it was seen moving. */
  movedAt: number;
  yaw: number;
  hx: number;
  hy: number;
}

/**
 * The privileged expert (exec `expert_controller`): plans on ground truth (`sim/world`) with A* on an
 * occupancy grid and follows the plan with pure pursuit; it slows for, and waits on, movers predicted to
 * cross its way. It drives scenarios until the learned stack exists and is its teacher.
 */
export const expertControllerNode = defineNode({
  exec: 'expert_controller',
  description: 'Privileged expert driver: A* on the ground-truth map + pure pursuit, yields to movers',
  parameters,
  inputs: [
    { topic: 'sim/world', type: 'sensorium_msgs/msg/WorldState', qos: 'latched' },
    { topic: 'goal_pose', type: 'geometry_msgs/msg/PoseStamped', qos: 'latched' },
  ],
  outputs: [{ topic: 'cmd_vel', type: 'geometry_msgs/msg/Twist', qos: 'default' }],
  configure(ctx) {
    const p = ctx.params;
    let world: WorldState | undefined;
    let goal: PoseStamped | undefined;
    let path: Float64Array | undefined;
    let planFor: PoseStamped | undefined;
    let grid: OccupancyGrid | undefined;
    let index = 0;
    const movers = new Map<string, MoverTrack>();
    const cmd = ctx.advertise('cmd_vel', 'geometry_msgs/msg/Twist');

    let stationaryKey = '';
    const replan = (robot: SceneObject): void => {
      if (world === undefined || goal === undefined) return;
      grid = buildGrid(world, goal, p.resolution, stationaryMovers());
      path = planPath(grid, robot.pose.position, goal.pose.position, { inflation: p.inflation, comfort: 1.0, comfortWeight: 3 });
      planFor = goal;
      index = 0;
      ctx.diagnostics.count('plans');
    };

    const control = (): void => {
      const robot = world?.objects.find((o) => o.shape === 'robot');
      if (robot === undefined || goal === undefined) return;
      // A mover that has stopped is an obstacle like any other: plan around it instead of waiting.
      const key = stationaryMovers()
        .map((m) => `${m.x.toFixed(1)},${m.y.toFixed(1)}`)
        .join(';');
      if (path === undefined || planFor !== goal || key !== stationaryKey) {
        stationaryKey = key;
        replan(robot);
      }
      const x = robot.pose.position.x;
      const y = robot.pose.position.y;
      const yaw = yawOf(robot.pose.orientation);
      const gx = goal.pose.position.x;
      const gy = goal.pose.position.y;
      const toGoal = Math.hypot(gx - x, gy - y);
      if (path === undefined || toGoal < p.goal_tolerance) {
        cmd.publish(twist(0, 0));
        return;
      }
      // Pure pursuit: advance along the path to the closest point, then aim `lookahead` beyond it.
      let best = Infinity;
      for (let i = index; i < Math.min(path.length / 2, index + 40); i++) {
        const d = Math.hypot(path[2 * i]! - x, path[2 * i + 1]! - y);
        if (d < best) {
          best = d;
          index = i;
        }
      }
      let target = index;
      while (target < path.length / 2 - 1 && Math.hypot(path[2 * target]! - x, path[2 * target + 1]! - y) < p.lookahead) target++;
      const tx = path[2 * target]!;
      const ty = path[2 * target + 1]!;
      const alpha = wrap(Math.atan2(ty - y, tx - x) - yaw);
      let v: number;
      let w: number;
      if (Math.abs(alpha) > 0.9) {
        v = 0;
        w = Math.sign(alpha) * p.max_yaw_rate;
      } else {
        v = p.max_speed * Math.max(0.2, 1 - Math.abs(alpha) / 1.2);
        v = Math.min(v, 0.3 + 0.6 * toGoal);
        const clearance = grid?.clearanceAt(x, y) ?? 1;
        if (clearance < p.inflation + 0.15) v = Math.min(v, 0.35);
        const L = Math.max(0.2, Math.hypot(tx - x, ty - y));
        w = Math.max(-p.max_yaw_rate, Math.min(p.max_yaw_rate, (2 * Math.max(v, 0.3) * Math.sin(alpha)) / L));
      }
      v *= moverScale(x, y, yaw, v);
      cmd.publish(twist(v, w));
    };

    /**
     * 1 (drive on) or 0 (wait). A mover predicted to come within the margin of where the robot will be is a
     * conflict; the robot then waits — unless waiting here is itself in the mover's way (the robot is already
     * in its lane), in which case driving on clears the lane soonest.
     */
    const moverScale = (x: number, y: number, yaw: number, _v: number): number => {
      const c = Math.cos(yaw);
      const s = Math.sin(yaw);
      let conflict = false;
      let stopSafe = true;
      for (const m of movers.values()) {
        if (isStationary(m)) continue;
        for (let tau = 0; tau <= p.mover_horizon; tau += 0.1) {
          const mx = m.x + m.vx * tau;
          const my = m.y + m.vy * tau;
          const rx = x + c * p.max_speed * tau;
          const ry = y + s * p.max_speed * tau;
          const ahead = (mx - x) * c + (my - y) * s;
          if (ahead > 0 && Math.hypot(mx - rx, my - ry) - m.r - ROBOT_RADIUS < p.mover_margin) conflict = true;
          if (Math.hypot(mx - x, my - y) - m.r - ROBOT_RADIUS < 0.2) stopSafe = false;
        }
      }
      return conflict && stopSafe ? 0 : 1;
    };

    const isStationary = (m: MoverTrack) => m.t - m.movedAt > 0.5;
    const stationaryMovers = () => [...movers.values()].filter(isStationary);

    return {
      activate() {
        const subscription = new Subscription();
        subscription.add(
          ctx.subscribe('sim/world', 'sensorium_msgs/msg/WorldState').subscribe((w) => {
            const t = w.header.stamp.sec + w.header.stamp.nanosec * 1e-9;
            for (const o of w.objects) {
              if (o.shape !== 'mover') continue;
              const prev = movers.get(o.id);
              const dt = prev === undefined ? 0 : t - prev.t;
              const vx = prev !== undefined && dt > 0 ? (o.pose.position.x - prev.x) / dt : 0;
              const vy = prev !== undefined && dt > 0 ? (o.pose.position.y - prev.y) / dt : 0;
              const moving = prev === undefined || Math.hypot(vx, vy) > 0.05;
              movers.set(o.id, {
                x: o.pose.position.x,
                y: o.pose.position.y,
                vx,
                vy,
                r: Math.hypot(o.size.x, o.size.y) / 2,
                t,
                movedAt: moving ? t : prev.movedAt,
                yaw: yawOf(o.pose.orientation),
                hx: o.size.x / 2,
                hy: o.size.y / 2,
              });
            }
            world = w;
          }),
        );
        subscription.add(ctx.subscribe('goal_pose', 'geometry_msgs/msg/PoseStamped').subscribe((g) => (goal = g)));
        subscription.add(ctx.clock.interval(1 / p.rate).subscribe(() => control()));
        return subscription;
      },
    };
  },
});

function buildGrid(world: WorldState, goal: PoseStamped, resolution: number, stopped: readonly MoverTrack[]): OccupancyGrid {
  const shapes: PlanShape[] = stopped.map((m) => ({ shape: 'rect', x: m.x, y: m.y, yaw: m.yaw, hx: m.hx, hy: m.hy }));
  const zones: Float32Array[] = [];
  let minX = goal.pose.position.x;
  let maxX = minX;
  let minY = goal.pose.position.y;
  let maxY = minY;
  for (const o of world.objects) {
    const px = o.pose.position.x;
    const py = o.pose.position.y;
    if (o.shape === 'zone') {
      zones.push(o.polygon);
      continue;
    }
    minX = Math.min(minX, px);
    maxX = Math.max(maxX, px);
    minY = Math.min(minY, py);
    maxY = Math.max(maxY, py);
    if (o.shape === 'box' || o.shape === 'wall') shapes.push({ shape: 'rect', x: px, y: py, yaw: yawOf(o.pose.orientation), hx: o.size.x / 2, hy: o.size.y / 2 });
    else if (o.shape === 'cylinder') shapes.push({ shape: 'circle', x: px, y: py, yaw: 0, hx: o.size.x / 2, hy: o.size.x / 2 });
  }
  const margin = 3;
  return new OccupancyGrid({ minX: minX - margin, minY: minY - margin, maxX: maxX + margin, maxY: maxY + margin, resolution }, shapes, zones);
}

function yawOf(q: { x: number; y: number; z: number; w: number }): number {
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
}

function wrap(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}

function twist(v: number, w: number) {
  return { linear: { x: v, y: 0, z: 0 }, angular: { x: 0, y: 0, z: w } };
}
