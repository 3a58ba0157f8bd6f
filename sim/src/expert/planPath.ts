import type { OccupancyGrid } from './OccupancyGrid.js';

export interface PlanOptions {
  /** Cells closer than this to an obstacle are not entered (robot half-diagonal + margin). */
  inflation: number;
  /** Extra cost per metre driven inside `comfort` of an obstacle, so paths keep to the middle. */
  comfort: number;
  comfortWeight: number;
}

/**
 * A* on the grid, 8-connected, cost = length × (1 + proximity penalty). Start and goal snap to the
 * nearest free cell. Returns the path as flattened x y waypoints (cell centres), or undefined.
 */
export function planPath(grid: OccupancyGrid, from: { x: number; y: number }, to: { x: number; y: number }, options: PlanOptions): Float64Array | undefined {
  const n = grid.width * grid.height;
  const free = (k: number) => grid.distance[k]! >= options.inflation;
  const start = nearestFree(grid, grid.cellOf(from.x, from.y), free);
  const goal = nearestFree(grid, grid.cellOf(to.x, to.y), free);
  if (start < 0 || goal < 0) return undefined;
  const g = new Float64Array(n).fill(Infinity);
  const parent = new Int32Array(n).fill(-1);
  const closed = new Uint8Array(n);
  const heap = new MinHeap(n);
  const gx = goal % grid.width;
  const gy = (goal - gx) / grid.width;
  const res = grid.options.resolution;
  const h = (k: number) => {
    const x = k % grid.width;
    const y = (k - x) / grid.width;
    return Math.hypot(x - gx, y - gy) * res;
  };
  g[start] = 0;
  heap.push(start, h(start));
  const dxs = [1, -1, 0, 0, 1, 1, -1, -1];
  const dys = [0, 0, 1, -1, 1, -1, 1, -1];
  while (heap.size > 0) {
    const k = heap.pop();
    if (k === goal) break;
    if (closed[k]) continue;
    closed[k] = 1;
    const x = k % grid.width;
    const y = (k - x) / grid.width;
    for (let d = 0; d < 8; d++) {
      const nx = x + dxs[d]!;
      const ny = y + dys[d]!;
      if (nx < 0 || ny < 0 || nx >= grid.width || ny >= grid.height) continue;
      const m = ny * grid.width + nx;
      if (closed[m] || !free(m)) continue;
      const clearance = grid.distance[m]!;
      const penalty = clearance < options.comfort ? options.comfortWeight * (options.comfort - clearance) : 0;
      const cost = g[k]! + (d < 4 ? res : res * Math.SQRT2) * (1 + penalty);
      if (cost < g[m]!) {
        g[m] = cost;
        parent[m] = k;
        heap.push(m, cost + h(m));
      }
    }
  }
  if (!Number.isFinite(g[goal]!)) return undefined;
  const cells: number[] = [];
  for (let k = goal; k >= 0; k = parent[k]!) cells.push(k);
  cells.reverse();
  const out = new Float64Array(cells.length * 2);
  const p = { x: 0, y: 0 };
  cells.forEach((k, i) => {
    grid.centre(k, p);
    out[2 * i] = p.x;
    out[2 * i + 1] = p.y;
  });
  // The exact goal is the last waypoint when it is free, so the robot stops on it rather than a cell centre.
  const goalCell = grid.cellOf(to.x, to.y);
  if (goalCell >= 0 && free(goalCell)) {
    out[out.length - 2] = to.x;
    out[out.length - 1] = to.y;
  }
  return out;
}

/** Length of a flattened polyline. */
export function pathLength(path: ArrayLike<number>): number {
  let length = 0;
  for (let i = 2; i < path.length; i += 2) length += Math.hypot((path[i] as number) - (path[i - 2] as number), (path[i + 1] as number) - (path[i - 1] as number));
  return length;
}

function nearestFree(grid: OccupancyGrid, cell: number, free: (k: number) => boolean): number {
  if (cell < 0) return -1;
  if (free(cell)) return cell;
  const cx = cell % grid.width;
  const cy = (cell - cx) / grid.width;
  for (let r = 1; r < 30; r++) {
    let best = -1;
    let bestD = Infinity;
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== r) continue;
        const x = cx + dx;
        const y = cy + dy;
        if (x < 0 || y < 0 || x >= grid.width || y >= grid.height) continue;
        const k = y * grid.width + x;
        const d = dx * dx + dy * dy;
        if (free(k) && d < bestD) {
          best = k;
          bestD = d;
        }
      }
    }
    if (best >= 0) return best;
  }
  return -1;
}

class MinHeap {
  private readonly keys: Int32Array;
  private readonly prio: Float64Array;
  size = 0;
  constructor(capacity: number) {
    this.keys = new Int32Array(capacity * 8 + 8);
    this.prio = new Float64Array(capacity * 8 + 8);
  }
  push(key: number, priority: number): void {
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.prio[p]! <= priority) break;
      this.keys[i] = this.keys[p]!;
      this.prio[i] = this.prio[p]!;
      i = p;
    }
    this.keys[i] = key;
    this.prio[i] = priority;
  }
  pop(): number {
    const top = this.keys[0]!;
    const lastKey = this.keys[--this.size]!;
    const lastPrio = this.prio[this.size]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.size) break;
      if (c + 1 < this.size && this.prio[c + 1]! < this.prio[c]!) c++;
      if (this.prio[c]! >= lastPrio) break;
      this.keys[i] = this.keys[c]!;
      this.prio[i] = this.prio[c]!;
      i = c;
    }
    this.keys[i] = lastKey;
    this.prio[i] = lastPrio;
    return top;
  }
}
