import type { CostGrid } from './CostGrid.js';

export interface AStarOptions {
  /** Cells closer than this to an obstacle are not entered, m (the robot's radius: inflation). */
  robotRadius: number;
  /** Within this distance beyond `robotRadius` a cell costs extra, so routes keep to the middle of passages, m. */
  comfort: number;
  /** Extra cost per metre at the inflation edge (falls linearly to 0 at `robotRadius + comfort`). */
  comfortWeight: number;
  /** Start or goal inside the inflation snaps to the nearest free cell within this, m. */
  snapRadius: number;
}

export const DEFAULT_ASTAR_OPTIONS: Readonly<AStarOptions> = Object.freeze({ robotRadius: 0.3, comfort: 0.5, comfortWeight: 3, snapRadius: 0.6 });

/** Why planning gave no path. */
export type PlanFailure = 'start_outside_grid' | 'goal_outside_grid' | 'start_blocked' | 'goal_blocked' | 'no_path';

/**
 * A* over a CostGrid's distance field, 8-connected: cost = length × (1 + proximity penalty), cells within
 * `robotRadius` of an obstacle excluded, heuristic = straight-line distance (admissible, so paths are the
 * cheapest). Every buffer is sized once for the grid and reused (a generation counter instead of clearing),
 * so replanning at a few Hz allocates nothing.
 */
export class AStarPlanner {
  readonly options: AStarOptions;
  private readonly g: Float64Array;
  private readonly parent: Int32Array;
  private readonly seen: Uint32Array;
  private readonly closed: Uint32Array;
  private generation = 0;
  private readonly heapKeys: Int32Array;
  private readonly heapPrio: Float64Array;
  private heapSize = 0;
  /** The last path, as odom x y pairs from start to goal: `path[0 .. 2 * length)`. */
  readonly path: Float64Array;
  length = 0;
  private readonly cellScratch: Int32Array;
  private readonly point = { x: 0, y: 0 };

  constructor(
    readonly grid: CostGrid,
    options: Partial<AStarOptions> = {},
  ) {
    this.options = { ...DEFAULT_ASTAR_OPTIONS, ...options };
    const n = grid.cells * grid.cells;
    this.g = new Float64Array(n);
    this.parent = new Int32Array(n);
    this.seen = new Uint32Array(n);
    this.closed = new Uint32Array(n);
    this.heapKeys = new Int32Array(n * 8 + 8);
    this.heapPrio = new Float64Array(n * 8 + 8);
    this.path = new Float64Array(n * 2);
    this.cellScratch = new Int32Array(n);
  }

  /** Whether cell `k` may be entered (outside the inflation). Uses the grid's last `updateDistances`. */
  free(k: number): boolean {
    return this.grid.distance[k]! >= this.options.robotRadius;
  }

  /**
   * Plans from (sx, sy) to (gx, gy) in odom on the grid's current distance field. On success the path is in
   * `path` / `length` (the exact goal is the last point when its cell is free) and undefined is returned.
   */
  plan(sx: number, sy: number, gx: number, gy: number): PlanFailure | undefined {
    this.length = 0;
    const grid = this.grid;
    const n = grid.cells;
    const res = grid.options.resolution;
    const startCell = grid.cellOf(sx, sy);
    if (startCell < 0) return 'start_outside_grid';
    const goalCell = grid.cellOf(gx, gy);
    if (goalCell < 0) return 'goal_outside_grid';
    const snapCells = Math.ceil(this.options.snapRadius / res);
    const start = this.nearestFree(startCell, snapCells);
    if (start < 0) return 'start_blocked';
    const goal = this.nearestFree(goalCell, snapCells);
    if (goal < 0) return 'goal_blocked';

    const gen = ++this.generation;
    const { g, parent, seen, closed } = this;
    const goalX = goal % n;
    const goalY = (goal - goalX) / n;
    const { robotRadius, comfort, comfortWeight } = this.options;
    const distance = grid.distance;
    this.heapSize = 0;
    g[start] = 0;
    parent[start] = -1;
    seen[start] = gen;
    this.push(start, heuristic(start % n, Math.floor(start / n), goalX, goalY) * res);
    let found = false;
    while (this.heapSize > 0) {
      const k = this.pop();
      if (k === goal) {
        found = true;
        break;
      }
      if (closed[k] === gen) continue;
      closed[k] = gen;
      const x = k % n;
      const y = (k - x) / n;
      const gk = g[k]!;
      for (let d = 0; d < 8; d++) {
        const nx = x + DX[d]!;
        const ny = y + DY[d]!;
        if (nx < 0 || ny < 0 || nx >= n || ny >= n) continue;
        const m = ny * n + nx;
        if (closed[m] === gen) continue;
        const clearance = distance[m]!;
        if (clearance < robotRadius) continue;
        const excess = clearance - robotRadius;
        const penalty = excess < comfort ? (comfortWeight * (comfort - excess)) / comfort : 0;
        const cost = gk + (d < 4 ? res : res * Math.SQRT2) * (1 + penalty);
        if (seen[m] !== gen || cost < g[m]!) {
          seen[m] = gen;
          g[m] = cost;
          parent[m] = k;
          this.push(m, cost + heuristic(nx, ny, goalX, goalY) * res);
        }
      }
    }
    if (!found) return 'no_path';

    let count = 0;
    for (let k = goal; k >= 0; k = parent[k]!) this.cellScratch[count++] = k;
    const p = this.point;
    for (let i = 0; i < count; i++) {
      grid.centre(this.cellScratch[count - 1 - i]!, p);
      this.path[2 * i] = p.x;
      this.path[2 * i + 1] = p.y;
    }
    if (goalCell === goal) {
      this.path[2 * count - 2] = gx;
      this.path[2 * count - 1] = gy;
    }
    this.length = count;
    return undefined;
  }

  /** Nearest cell to `cell` (Chebyshev rings out to `maxRing`) the robot may occupy, or −1. */
  private nearestFree(cell: number, maxRing: number): number {
    if (this.free(cell)) return cell;
    const n = this.grid.cells;
    const cx = cell % n;
    const cy = (cell - cx) / n;
    for (let r = 1; r <= maxRing; r++) {
      let best = -1;
      let bestD = Infinity;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) !== r) continue;
          const x = cx + dx;
          const y = cy + dy;
          if (x < 0 || y < 0 || x >= n || y >= n) continue;
          const k = y * n + x;
          const d = dx * dx + dy * dy;
          if (d < bestD && this.free(k)) {
            best = k;
            bestD = d;
          }
        }
      }
      if (best >= 0) return best;
    }
    return -1;
  }

  private push(key: number, priority: number): void {
    const keys = this.heapKeys;
    const prio = this.heapPrio;
    if (this.heapSize >= keys.length) return; // cannot happen: at most 8 pushes per closed cell
    let i = this.heapSize++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (prio[p]! <= priority) break;
      keys[i] = keys[p]!;
      prio[i] = prio[p]!;
      i = p;
    }
    keys[i] = key;
    prio[i] = priority;
  }

  private pop(): number {
    const keys = this.heapKeys;
    const prio = this.heapPrio;
    const top = keys[0]!;
    const size = --this.heapSize;
    const lastKey = keys[size]!;
    const lastPrio = prio[size]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && prio[c + 1]! < prio[c]!) c++;
      if (prio[c]! >= lastPrio) break;
      keys[i] = keys[c]!;
      prio[i] = prio[c]!;
      i = c;
    }
    keys[i] = lastKey;
    prio[i] = lastPrio;
    return top;
  }
}

const DX = [1, -1, 0, 0, 1, 1, -1, -1];
const DY = [0, 0, 1, -1, 1, -1, 1, -1];

/** Octile distance in cells: exact on an 8-connected grid without obstacles, so admissible. */
function heuristic(x: number, y: number, gx: number, gy: number): number {
  const dx = Math.abs(x - gx);
  const dy = Math.abs(y - gy);
  return Math.max(dx, dy) + (Math.SQRT2 - 1) * Math.min(dx, dy);
}
