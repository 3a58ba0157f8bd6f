import { AStarPlanner, type AStarOptions, type PlanFailure } from './AStarPlanner.js';
import { CostGrid, type CostGridOptions } from './CostGrid.js';
import { carrotOnPath } from './carrotOnPath.js';
import { nearestPathPoint } from './nearestPathPoint.js';

export interface PathPlannerOptions {
  grid: Partial<CostGridOptions>;
  astar: Partial<AStarOptions>;
  /** Map bounds `[xmin, ymin, xmax, ymax]` in the goal's frame; goals outside are rejected. Empty = unbounded. */
  mapBounds: readonly number[];
  /** LiDAR pose on base_link: x ahead, z above the floor, m. */
  lidarX: number;
  lidarHeight: number;
  /** Returns between these heights above the floor are obstacles; lower ones are floor and clear rays, m. */
  minObstacleHeight: number;
  maxObstacleHeight: number;
  /** Returns farther than this neither mark nor clear, m. */
  rangeMax: number;
  /** A touch contact marks a segment this wide, `contactDistance` from base_link along its bearing, m. */
  contactWidth: number;
  contactDistance: number;
  /** Touch marks last this long, s (the LiDAR never sees what only touch finds, so nothing else clears them). */
  contactMemory: number;
  /** Camera obstacle-ahead score at or above this marks a segment `visionDistance` ahead, `visionWidth` wide, m. */
  visionThreshold: number;
  visionDistance: number;
  visionWidth: number;
  visionMemory: number;
  /** Half-angle of the cone (rad) in which a LiDAR obstacle explains the camera's score (no vision mark then). */
  visionConeHalfAngle: number;
  /** How far that cone reaches, m: a wall the LiDAR sees 4 m off is what the camera scores, not something 1 m ahead. */
  visionLidarRange: number;
  /** Camera frames in a row (each within `visionFrameGap` s of the last) that must score ≥ the threshold before a mark. */
  visionFrames: number;
  visionFrameGap: number;
  /**
   * The gate's vision weight (`fusion/gating`) must be at least this, and younger than `gateTimeout`, for a
   * camera score to mark: the learned gate decides how much the camera counts. 0 = the camera counts without it.
   */
  visionMinWeight: number;
  gateTimeout: number;
  /** Keep-out layer: a floor-mark point (hazard paint the camera sees) marks its cell lethal for this long, s. */
  floorMarkMemory: number;
  /** Floor-mark points farther than this from base_link are ignored (floor projection errors grow with range), m. */
  floorMarkRange: number;
  /**
   * Floor-mark points not at least this much nearer than the nearest LiDAR obstacle on their bearing are
   * ignored, m: the camera cannot see the floor behind an obstacle, so a point there is a coloured obstacle
   * face projected onto the floor plane (a red box would leave a keep-out shadow behind it), and one at the
   * obstacle's foot is the obstacle itself (an orange pedestrian would leave a lethal trail where it walked).
   */
  floorMarkOcclusion: number;
  /**
   * A cell becomes keep-out after this many camera frames saw paint in it, each within `floorMarkWindow` s of
   * the previous: camera noise (a per-pixel noise fault) scatters single marks that never repeat.
   */
  floorMarkFrames: number;
  floorMarkWindow: number;
  /** Carrot distance along the path, m. */
  lookahead: number;
  /**
   * Route hysteresis: a replan keeps the current path while it is still free and leads to the same goal, unless
   * the new one is shorter by more than this fraction (0 = always take the new one). Without it, a route around
   * a walking pedestrian flips sides from one replan to the next and the robot turns back and forth in its way.
   */
  switchGain: number;
}

export const DEFAULT_PATH_PLANNER_OPTIONS: Readonly<PathPlannerOptions> = Object.freeze({
  grid: {},
  astar: {},
  mapBounds: [],
  lidarX: 0.1,
  lidarHeight: 0.45,
  minObstacleHeight: 0.1,
  maxObstacleHeight: 2.0,
  rangeMax: 8,
  contactWidth: 1.2,
  contactDistance: 0.35,
  contactMemory: 60,
  visionThreshold: 0.9,
  visionDistance: 1.0,
  visionWidth: 0.6,
  visionMemory: 5,
  visionConeHalfAngle: 0.6,
  visionLidarRange: 5,
  visionFrames: 2,
  visionFrameGap: 0.25,
  visionMinWeight: 0,
  gateTimeout: 0.5,
  floorMarkMemory: 600,
  floorMarkRange: 6,
  floorMarkOcclusion: 0.15,
  floorMarkFrames: 3,
  floorMarkWindow: 0.25,
  lookahead: 1.0,
  switchGain: 0.2,
});

/** Result of a replan. */
export type PlanStatus = 'planned' | 'no_goal' | 'no_pose' | PlanFailure;

/** What a camera obstacle-ahead score did: marked, or why not. */
export type VisionOutcome = 'marked' | 'no_pose' | 'below_threshold' | 'gated' | 'lidar_explains';

const BINS = 360;

/**
 * The planner node's logic, without transport: the robot pose (odom), a rolling CostGrid fed by LiDAR
 * points, touch contacts and the camera's obstacle-ahead score, A* from the robot to the goal, and the
 * carrot `lookahead` metres along the path that the policy steers to.
 */
export class PathPlanner {
  readonly options: PathPlannerOptions;
  readonly grid: CostGrid;
  readonly astar: AStarPlanner;
  /** The goal in odom, refreshed by `moveGoal` whenever map→odom changes. */
  private goal: { x: number; y: number } | undefined;
  readonly pose = { x: 0, y: 0, yaw: 0 };
  private havePose = false;
  private readonly hitRange = new Float32Array(BINS);
  private readonly clearRange = new Float32Array(BINS);
  /** Azimuth (lidar_link) of the return that set each bin's reach: rays clear along real bearings, not bin centres. */
  private readonly hitAngle = new Float32Array(BINS);
  private readonly clearAngle = new Float32Array(BINS);
  readonly carrot = { x: 0, y: 0 };
  private readonly p0 = { x: 0, y: 0 };
  /** The path being followed (odom x y pairs from the point nearest the robot), kept across a replan; allocated once. */
  private readonly kept: Float64Array;
  private readonly keptGoal = { x: Number.NaN, y: Number.NaN };
  private readonly nearestScratch = { d2: 0 };
  /** LiDAR origin (odom) and yaw of the last scan, whose per-bin obstacle ranges occlude floor marks. */
  private readonly scanOrigin = { x: 0, y: 0, yaw: 0, valid: false };
  private visionWeight = 0;
  private visionRun = 0;
  private visionLast = -Infinity;
  private gateTime = -Infinity;

  constructor(options: Partial<PathPlannerOptions> = {}) {
    this.options = { ...DEFAULT_PATH_PLANNER_OPTIONS, ...options };
    this.grid = new CostGrid(this.options.grid);
    this.astar = new AStarPlanner(this.grid, this.options.astar);
    this.kept = new Float64Array(this.astar.path.length);
  }

  /** The robot's pose in odom. The grid window follows it. */
  setPose(x: number, y: number, yaw: number): void {
    this.pose.x = x;
    this.pose.y = y;
    this.pose.yaw = yaw;
    if (!this.havePose) {
      this.havePose = true;
      this.grid.recentre(x, y);
    }
  }

  get hasGoal(): boolean {
    return this.goal !== undefined;
  }

  get goalInOdom(): { x: number; y: number } | undefined {
    return this.goal;
  }

  /** The goal's odom position changed (a newer map→odom): the next replan goes there. */
  moveGoal(x: number, y: number): void {
    if (this.goal === undefined || !Number.isFinite(x) || !Number.isFinite(y)) return;
    this.goal.x = x;
    this.goal.y = y;
  }

  clearGoal(): void {
    this.goal = undefined;
    this.astar.length = 0;
  }

  /**
   * Sets the goal: (mapX, mapY) in its own frame for the bounds check, (x, y) in odom. Returns a rejection
   * message (and keeps no goal) when it is outside the map or in an occupied cell.
   */
  setGoal(mapX: number, mapY: number, frame: string, x: number, y: number, nowSec: number): string | undefined {
    this.clearGoal();
    if (!Number.isFinite(x) || !Number.isFinite(y)) return `goal (${mapX}, ${mapY}) is not finite`;
    const b = this.options.mapBounds;
    if (b.length === 4 && (mapX < b[0]! || mapY < b[1]! || mapX > b[2]! || mapY > b[3]!)) {
      return `goal (${mapX.toFixed(2)}, ${mapY.toFixed(2)}) in ${frame} is outside the map [${b.join(', ')}]`;
    }
    const k = this.grid.cellOf(x, y);
    if (k >= 0 && this.grid.occupied(k, nowSec)) {
      return `goal (${mapX.toFixed(2)}, ${mapY.toFixed(2)}) in ${frame} is inside an obstacle (occupied cell of the planner's grid)`;
    }
    this.goal = { x, y };
    return undefined;
  }

  /**
   * One LiDAR scan in lidar_link (`count` points, xyz arrays), taken at the current pose: returns between
   * the obstacle heights mark their cells; per 1° azimuth bin, the ray up to the nearest obstacle (or the
   * farthest floor return) clears the cells before it.
   */
  insertScan(xs: ArrayLike<number>, ys: ArrayLike<number>, zs: ArrayLike<number>, count: number): void {
    const o = this.options;
    if (!this.havePose) return;
    this.hitRange.fill(Infinity);
    this.clearRange.fill(0);
    const c = Math.cos(this.pose.yaw);
    const s = Math.sin(this.pose.yaw);
    const ox = this.pose.x + c * o.lidarX;
    const oy = this.pose.y + s * o.lidarX;
    this.scanOrigin.x = ox;
    this.scanOrigin.y = oy;
    this.scanOrigin.yaw = this.pose.yaw;
    this.scanOrigin.valid = true;
    const grid = this.grid;
    for (let i = 0; i < count; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      const z = zs[i]! + o.lidarHeight;
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
      const r = Math.hypot(x, y);
      if (r > o.rangeMax || r < 1e-3) continue;
      const azimuth = Math.atan2(y, x);
      let bin = Math.floor(((azimuth + Math.PI) / (2 * Math.PI)) * BINS);
      if (bin >= BINS) bin = BINS - 1;
      if (z >= o.minObstacleHeight && z <= o.maxObstacleHeight) {
        if (r < this.hitRange[bin]!) {
          this.hitRange[bin] = r;
          this.hitAngle[bin] = azimuth;
        }
      } else if (z < o.minObstacleHeight && r > this.clearRange[bin]!) {
        this.clearRange[bin] = r;
        this.clearAngle[bin] = azimuth;
      }
    }
    const res = grid.options.resolution;
    for (let bin = 0; bin < BINS; bin++) {
      const hit = this.hitRange[bin]!;
      const blocked = Number.isFinite(hit);
      const reach = blocked ? hit - res : this.clearRange[bin]!;
      if (reach <= res) continue;
      const a = (blocked ? this.hitAngle[bin]! : this.clearAngle[bin]!) + this.pose.yaw;
      grid.clearRay(ox, oy, ox + reach * Math.cos(a), oy + reach * Math.sin(a));
    }
    for (let i = 0; i < count; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      const z = zs[i]! + o.lidarHeight;
      if (!(z >= o.minObstacleHeight && z <= o.maxObstacleHeight)) continue;
      const r = Math.hypot(x, y);
      if (!(r <= o.rangeMax)) continue;
      grid.hit(ox + c * x - s * y, oy + s * x + c * y);
    }
  }

  /** A touch contact at `bearing` (base_link, rad): marks the segment ahead of the bumper there. */
  contact(bearing: number, nowSec: number): void {
    if (!this.havePose) return;
    const o = this.options;
    this.markAcross(bearing, o.contactDistance, o.contactWidth, nowSec + o.contactMemory);
  }

  /** The gate's newest vision weight (`fusion/gating`), at clock time `nowSec`. */
  gate(visionWeight: number, nowSec: number): void {
    this.visionWeight = Number.isFinite(visionWeight) ? visionWeight : 0;
    this.gateTime = nowSec;
  }

  /** Whether the camera counts now: a fresh gate weight at or above `visionMinWeight` (always when that is 0). */
  visionTrusted(nowSec: number): boolean {
    const o = this.options;
    if (o.visionMinWeight <= 0) return true;
    return nowSec - this.gateTime <= o.gateTimeout && this.visionWeight >= o.visionMinWeight;
  }

  /**
   * The camera's obstacle-ahead probability: at or above the threshold (`visionFrames` frames in a row) the
   * segment ahead is marked — only while
   * the gate trusts the camera (a dark or frozen camera, or fixed equal weights, count for nothing) and unless
   * the LiDAR already holds an obstacle in the camera's cone ahead (up to `visionLidarRange`): the camera's
   * score says "something ahead", not where, so it only adds what the LiDAR misses (glass, black surfaces).
   */
  vision(score: number, nowSec: number): VisionOutcome {
    const o = this.options;
    if (!this.havePose) return 'no_pose';
    if (!(score >= o.visionThreshold)) {
      this.visionRun = 0;
      return 'below_threshold';
    }
    this.visionRun = nowSec - this.visionLast <= o.visionFrameGap ? this.visionRun + 1 : 1;
    this.visionLast = nowSec;
    if (this.visionRun < o.visionFrames) return 'below_threshold';
    if (!this.visionTrusted(nowSec)) return 'gated';
    if (this.lidarSeesAhead(Math.max(o.visionLidarRange, o.visionDistance + 0.5), o.visionConeHalfAngle)) return 'lidar_explains';
    this.markAcross(0, o.visionDistance, o.visionWidth, nowSec + o.visionMemory);
    return 'marked';
  }

  /**
   * Keep-out layer: points on the floor (base_link x y, `count` of them) where the camera frame stamped
   * `frameSec` sees hazard paint, taken at the current pose. A cell seen in `floorMarkFrames` frames in a row
   * is marked lethal for `floorMarkMemory`: marks are not LiDAR occupancy, so rays (the LiDAR sees bare floor
   * there) never clear them; inflation keeps the robot's footprint out. Points at or behind a LiDAR obstacle
   * are left out (`floorMarkOcclusion`). Returns how many points fell in a marked cell.
   */
  floorMarks(xs: ArrayLike<number>, ys: ArrayLike<number>, count: number, nowSec: number, frameSec = nowSec): number {
    if (!this.havePose) return 0;
    const o = this.options;
    const c = Math.cos(this.pose.yaw);
    const s = Math.sin(this.pose.yaw);
    const until = nowSec + o.floorMarkMemory;
    const range2 = o.floorMarkRange * o.floorMarkRange;
    const grid = this.grid;
    let marked = 0;
    for (let i = 0; i < count; i++) {
      const x = xs[i]!;
      const y = ys[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y) || x * x + y * y > range2) continue;
      const px = this.pose.x + c * x - s * y;
      const py = this.pose.y + s * x + c * y;
      if (this.occludedByLidar(px, py)) continue;
      if (grid.paint(px, py, frameSec, until, o.floorMarkFrames, o.floorMarkWindow)) marked++;
    }
    return marked;
  }

  /** Updates the distance field and plans from the robot to the goal; on success the carrot is set. */
  replan(nowSec: number): PlanStatus {
    if (this.goal === undefined) return 'no_goal';
    if (!this.havePose) return 'no_pose';
    // The window leans towards the goal (its centre up to a quarter side from the robot, moved when an eighth
    // off), and a goal beyond it is planned to on the window's edge: a rolling window plans as far as it sees.
    const grid = this.grid;
    const res = grid.options.resolution;
    const side = grid.cells * res;
    const q = side / 4;
    const { x, y } = this.pose;
    grid.recentre(x + clamp(this.goal.x - x, -q, q), y + clamp(this.goal.y - y, -q, q), side / 8);
    grid.updateDistances(nowSec);
    const gx = clamp(this.goal.x, grid.originX + res, grid.originX + side - res);
    const gy = clamp(this.goal.y, grid.originY + res, grid.originY + side - res);
    // Route hysteresis: remember the current path (from the robot on) while it is still free for the same goal.
    const keptLength = this.options.switchGain > 0 && Math.hypot(gx - this.keptGoal.x, gy - this.keptGoal.y) < 0.3 ? this.keepFreePath() : 0;
    const failure = this.astar.plan(x, y, gx, gy);
    if (keptLength > 0) {
      const kept = pathLength(this.kept, keptLength);
      if (failure !== undefined || pathLength(this.astar.path, this.astar.length) > (1 - this.options.switchGain) * kept) {
        this.astar.path.set(this.kept.subarray(0, 2 * keptLength));
        this.astar.length = keptLength;
        this.updateCarrot();
        return 'planned';
      }
    }
    if (failure !== undefined) {
      this.keptGoal.x = Number.NaN;
      return failure;
    }
    this.keptGoal.x = gx;
    this.keptGoal.y = gy;
    this.updateCarrot();
    return 'planned';
  }

  /**
   * Copies the last path from the point nearest the robot into `kept` when the robot is within a metre of it
   * and every point beyond 0.4 m from the robot is still outside the inflation; returns its point count (0: not kept).
   */
  private keepFreePath(): number {
    const path = this.astar.path;
    const n = this.astar.length;
    if (n < 2) return 0;
    const { x, y } = this.pose;
    const nearest = nearestPathPoint(path, n, x, y, this.nearestScratch);
    if (this.nearestScratch.d2 > 1) return 0;
    for (let i = nearest; i < n; i++) {
      const px = path[2 * i]!;
      const py = path[2 * i + 1]!;
      if ((px - x) ** 2 + (py - y) ** 2 < 0.16) continue;
      const k = this.grid.cellOf(px, py);
      if (k < 0 || !this.astar.free(k)) return 0;
    }
    const count = n - nearest;
    if (count < 2) return 0;
    this.kept.set(path.subarray(2 * nearest, 2 * n));
    return count;
  }

  /** Moves the carrot along the last path for the current pose (between replans); false without a path. */
  updateCarrot(): boolean {
    return carrotOnPath(this.astar.path, this.astar.length, this.pose.x, this.pose.y, this.options.lookahead, this.carrot);
  }

  /** Whether the last LiDAR scan saw an obstacle on the bearing of odom point (px, py) (±1 bin) less than `floorMarkOcclusion` beyond it. */
  private occludedByLidar(px: number, py: number): boolean {
    const origin = this.scanOrigin;
    if (!origin.valid) return false;
    const dx = px - origin.x;
    const dy = py - origin.y;
    const r = Math.hypot(dx, dy);
    let a = Math.atan2(dy, dx) - origin.yaw;
    a = Math.atan2(Math.sin(a), Math.cos(a));
    const bin = Math.min(BINS - 1, Math.floor(((a + Math.PI) / (2 * Math.PI)) * BINS));
    const limit = r + this.options.floorMarkOcclusion;
    for (let d = -1; d <= 1; d++) {
      if (this.hitRange[(bin + d + BINS) % BINS]! < limit) return true;
    }
    return false;
  }

  /**
   * Whether a LiDAR-occupied cell lies in the cone ahead (half-angle `halfAngle`, from 0.3 m to `range`):
   * whatever the camera sees there, the LiDAR has already put in the grid.
   */
  private lidarSeesAhead(range: number, halfAngle: number): boolean {
    const grid = this.grid;
    const res = grid.options.resolution;
    const step = res / range;
    for (let a = -halfAngle; a <= halfAngle; a += step) {
      const c = Math.cos(this.pose.yaw + a);
      const s = Math.sin(this.pose.yaw + a);
      for (let r = 0.3; r <= range; r += res) {
        const k = grid.cellOf(this.pose.x + c * r, this.pose.y + s * r);
        if (k >= 0 && grid.occupancy[k]! >= 0.5) return true;
      }
    }
    return false;
  }

  /** Marks a segment `width` wide, centred `distance` from base_link along `bearing` and across it. */
  private markAcross(bearing: number, distance: number, width: number, untilSec: number): void {
    const a = this.pose.yaw + bearing;
    const cx = this.pose.x + distance * Math.cos(a);
    const cy = this.pose.y + distance * Math.sin(a);
    const px = -Math.sin(a) * (width / 2);
    const py = Math.cos(a) * (width / 2);
    this.grid.mark(cx - px, cy - py, cx + px, cy + py, untilSec);
    // Two cells deep, so the mark survives the chamfer distance being read at cell centres.
    const r = this.grid.options.resolution;
    const dx = Math.cos(a) * r;
    const dy = Math.sin(a) * r;
    this.grid.mark(cx - px + dx, cy - py + dy, cx + px + dx, cy + py + dy, untilSec);
    this.p0.x = cx;
    this.p0.y = cy;
  }
}

/** Length of a path of `count` odom x y pairs, m. */
function pathLength(xy: Float64Array, count: number): number {
  let sum = 0;
  for (let i = 1; i < count; i++) sum += Math.hypot(xy[2 * i]! - xy[2 * i - 2]!, xy[2 * i + 1]! - xy[2 * i - 1]!);
  return sum;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
