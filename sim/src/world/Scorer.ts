import type { Scenario } from '../scenario/ScenarioSchema.js';
import { OccupancyGrid, type PlanShape } from '../expert/OccupancyGrid.js';
import { pathLength, planPath } from '../expert/planPath.js';
import { pointInPolygon, polygonCircleDistance, polygonDistance, rectCorners } from './geometry2d.js';
import type { World } from './World.js';

/** CARLA leaderboard infraction penalties (multiplicative). */
export const PENALTY = { collision: 0.5, keepOut: 0.8 } as const;
/** A new contact with the same object within this long is the same collision. */
const COLLISION_DEBOUNCE_SEC = 1.0;

export interface ScoreSnapshot {
  collisions: number;
  /** null when there is nothing in the world to be near. */
  minClearance: number | null;
  routeCompletion: number;
  timeToGoal: number | null;
  infractions: number;
  drivingScore: number;
  goalReached: boolean;
}

/**
 * Scores a run on ground truth, every physics step: collisions (new contacts per object), minimum
 * clearance between footprint and any solid, keep-out zone entries, route completion along the
 * shortest route planned at the start, and the CARLA driving score = completion × Π penalties.
 */
export class Scorer {
  collisions = 0;
  /** New contacts with `soft` solids (not collisions). */
  softTouches = 0;
  minClearance = Infinity;
  infractions = 0;
  timeToGoal: number | null = null;
  private progress = 0;
  readonly route: Float64Array;
  readonly routeLength: number;
  private readonly cumulative: Float64Array;
  private readonly lastContact: Float64Array;
  private readonly inZone: Uint8Array;
  private readonly corners = new Float64Array(8);

  constructor(private readonly world: World, private readonly scenario: Scenario, private readonly footprint: { length: number; width: number }) {
    this.lastContact = new Float64Array(world.solids.length).fill(-Infinity);
    this.inZone = new Uint8Array(world.zones.length);
    const start = { x: scenario.robot.start.position[0], y: scenario.robot.start.position[1] };
    const goal = { x: scenario.goal.position[0], y: scenario.goal.position[1] };
    const shapes: PlanShape[] = world.solids.slice(0, world.staticCount).map((s) => ({ shape: s.shape, x: s.x, y: s.y, yaw: s.yaw, hx: s.hx, hy: s.hy }));
    const bounds = planningBounds(scenario);
    const grid = new OccupancyGrid({ ...bounds, resolution: 0.1 }, shapes, world.zones.map((z) => z.polygon));
    const route = planPath(grid, start, goal, { inflation: Math.hypot(footprint.length, footprint.width) / 2, comfort: 0, comfortWeight: 0 });
    this.route = route ?? new Float64Array([start.x, start.y, goal.x, goal.y]);
    this.routeLength = Math.max(1e-6, pathLength(this.route));
    this.cumulative = new Float64Array(this.route.length / 2);
    for (let i = 1; i < this.cumulative.length; i++) {
      this.cumulative[i] = this.cumulative[i - 1]! + Math.hypot(this.route[2 * i]! - this.route[2 * i - 2]!, this.route[2 * i + 1]! - this.route[2 * i - 1]!);
    }
  }

  /** Updates the score after a physics step at time t with the robot at (x, y, yaw) touching `contactSolids`. */
  update(t: number, pose: { x: number; y: number; yaw: number }, contactSolids: ArrayLike<number>, contactCount: number): void {
    for (let c = 0; c < contactCount; c++) {
      const s = contactSolids[c] as number;
      if (s < 0) continue;
      if (t - this.lastContact[s]! > COLLISION_DEBOUNCE_SEC) {
        // Brushing a soft obstacle (a curtain, foam) is how a robot finds it, not a crash: counted apart.
        if (this.world.solids[s]!.material === 'soft') this.softTouches++;
        else this.collisions++;
      }
      this.lastContact[s] = t;
    }
    const corners = rectCorners(pose.x, pose.y, pose.yaw, this.footprint.length / 2, this.footprint.width / 2, this.corners);
    for (const s of this.world.solids) {
      const d = s.shape === 'circle' ? polygonCircleDistance(corners, s.x, s.y, s.hx) : polygonDistance(corners, s.corners);
      if (d < this.minClearance) this.minClearance = d;
    }
    this.world.zones.forEach((zone, i) => {
      let inside = pointInPolygon(pose.x, pose.y, zone.polygon);
      for (let k = 0; k < 4 && !inside; k++) inside = pointInPolygon(corners[2 * k]!, corners[2 * k + 1]!, zone.polygon);
      for (let k = 0; k < zone.polygon.length && !inside; k += 2) inside = pointInPolygon(zone.polygon[k]!, zone.polygon[k + 1]!, corners);
      if (inside && this.inZone[i] === 0) this.infractions++;
      this.inZone[i] = inside ? 1 : 0;
    });
    this.progress = Math.max(this.progress, this.project(pose.x, pose.y));
    const goal = this.scenario.goal;
    if (this.timeToGoal === null && Math.hypot(pose.x - goal.position[0], pose.y - goal.position[1]) <= goal.tolerance) {
      this.timeToGoal = t;
      this.progress = this.routeLength;
    }
  }

  snapshot(): ScoreSnapshot {
    const routeCompletion = Math.min(1, this.progress / this.routeLength);
    return {
      collisions: this.collisions,
      minClearance: Number.isFinite(this.minClearance) ? this.minClearance : null,
      routeCompletion,
      timeToGoal: this.timeToGoal,
      infractions: this.infractions,
      drivingScore: routeCompletion * PENALTY.collision ** this.collisions * PENALTY.keepOut ** this.infractions,
      goalReached: this.timeToGoal !== null,
    };
  }

  /** Arc length of the route point nearest (x, y), only counting points within 1.5 m (no shortcuts through walls). */
  private project(x: number, y: number): number {
    let best = 0;
    let bestD = 1.5;
    for (let i = 1; i < this.cumulative.length; i++) {
      const ax = this.route[2 * i - 2]!;
      const ay = this.route[2 * i - 1]!;
      const bx = this.route[2 * i]!;
      const by = this.route[2 * i + 1]!;
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const f = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
      const d = Math.hypot(ax + f * dx - x, ay + f * dy - y);
      if (d < bestD) {
        bestD = d;
        best = this.cumulative[i - 1]! + f * Math.sqrt(len2);
      }
    }
    return best;
  }
}

/** Grid bounds covering the world (and, for open worlds, some margin). */
export function planningBounds(scenario: Scenario): { minX: number; minY: number; maxX: number; maxY: number } {
  const [sx, sy] = scenario.world.size;
  const margin = scenario.world.open ? 2 : 0;
  return { minX: -sx / 2 - margin, minY: -sy / 2 - margin, maxX: sx / 2 + margin, maxY: sy / 2 + margin };
}
