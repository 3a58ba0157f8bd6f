export interface CostGridOptions {
  /** Side of the square window, m. */
  size: number;
  /** Cell side, m. */
  resolution: number;
  /** Distances are computed up to this (m); farther cells read `maxDistance`. */
  maxDistance: number;
  /** Each ray passing through a cell lowers its LiDAR occupancy by this (a hit sets it to 1; ≥ 0.5 is occupied). */
  clearStep: number;
}

export const DEFAULT_COST_GRID_OPTIONS: Readonly<CostGridOptions> = Object.freeze({ size: 24, resolution: 0.1, maxDistance: 1.5, clearStep: 0.34 });

/**
 * A rolling occupancy grid in `odom` (Nav2's costmap in miniature), square and centred near the robot.
 *
 * Two layers feed it: a **LiDAR layer** (`hit` sets a cell's occupancy to 1, every ray that passes through
 * it lowers it by `clearStep`, so a moved obstacle fades after a couple of scans) and a **mark layer**
 * (`mark`: obstacles only touch or the camera find, e.g. a soft curtain or glass, which the LiDAR would
 * otherwise clear; each mark expires at a given time instead). `updateDistances` then gives, per cell, the
 * distance to the nearest occupied cell (chamfer transform, capped at `maxDistance`): the planner inflates
 * by thresholding it and adds a cost near obstacles. Memory is allocated once; `recentre` shifts the
 * window by whole cells when the robot nears its edge (what falls off is forgotten).
 */
export class CostGrid {
  readonly options: CostGridOptions;
  /** Cells per side. */
  readonly cells: number;
  /** Odom coordinates of the window's lower-left corner. */
  originX: number;
  originY: number;
  readonly occupancy: Float32Array;
  readonly markUntil: Float64Array;
  readonly distance: Float32Array;
  /** Keep-out evidence: camera frames in a row (gaps ≤ a window) that saw hazard paint in the cell, and the last one's time. */
  readonly paintHits: Uint8Array;
  readonly paintLast: Float64Array;
  private readonly scratchOccupancy: Float32Array;
  private readonly scratchMarks: Float64Array;
  private readonly scratchHits: Uint8Array;

  constructor(options: Partial<CostGridOptions> = {}, centreX = 0, centreY = 0) {
    this.options = { ...DEFAULT_COST_GRID_OPTIONS, ...options };
    this.cells = Math.max(4, Math.round(this.options.size / this.options.resolution));
    const n = this.cells * this.cells;
    this.occupancy = new Float32Array(n);
    this.markUntil = new Float64Array(n).fill(-Infinity);
    this.distance = new Float32Array(n).fill(this.options.maxDistance);
    this.paintHits = new Uint8Array(n);
    this.paintLast = new Float64Array(n).fill(-Infinity);
    this.scratchOccupancy = new Float32Array(n);
    this.scratchMarks = new Float64Array(n);
    this.scratchHits = new Uint8Array(n);
    const half = (this.cells * this.options.resolution) / 2;
    this.originX = snap(centreX - half, this.options.resolution);
    this.originY = snap(centreY - half, this.options.resolution);
  }

  /** Cell index of an odom point, or −1 outside the window. */
  cellOf(x: number, y: number): number {
    const r = this.options.resolution;
    const cx = Math.floor((x - this.originX) / r);
    const cy = Math.floor((y - this.originY) / r);
    if (cx < 0 || cy < 0 || cx >= this.cells || cy >= this.cells) return -1;
    return cy * this.cells + cx;
  }

  /** Centre of cell `k` in odom, into `out`. */
  centre(k: number, out: { x: number; y: number }): { x: number; y: number } {
    const cx = k % this.cells;
    const cy = (k - cx) / this.cells;
    out.x = this.originX + (cx + 0.5) * this.options.resolution;
    out.y = this.originY + (cy + 0.5) * this.options.resolution;
    return out;
  }

  /** A LiDAR return at an odom point: the cell is occupied. */
  hit(x: number, y: number): void {
    const k = this.cellOf(x, y);
    if (k >= 0) this.occupancy[k] = 1;
  }

  /** A ray from (x0, y0) that travelled freely to (x1, y1): lowers the occupancy of the cells it crossed. */
  clearRay(x0: number, y0: number, x1: number, y1: number): void {
    const r = this.options.resolution;
    const length = Math.hypot(x1 - x0, y1 - y0);
    const steps = Math.floor(length / (r * 0.5));
    if (steps === 0) return;
    const sx = (x1 - x0) / steps;
    const sy = (y1 - y0) / steps;
    const step = this.options.clearStep;
    let last = -1;
    for (let i = 0; i <= steps; i++) {
      const k = this.cellOf(x0 + sx * i, y0 + sy * i);
      if (k < 0 || k === last) continue;
      last = k;
      const v = this.occupancy[k]! - step;
      this.occupancy[k] = v > 0 ? v : 0;
    }
  }

  /** Marks the cells of the segment (x0, y0)–(x1, y1) occupied until `untilSec` (touch and vision layers). */
  mark(x0: number, y0: number, x1: number, y1: number, untilSec: number): void {
    const r = this.options.resolution;
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / (r * 0.5)));
    for (let i = 0; i <= steps; i++) {
      const k = this.cellOf(x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps);
      if (k >= 0 && this.markUntil[k]! < untilSec) this.markUntil[k] = untilSec;
    }
  }

  /**
   * Keep-out evidence: the camera frame taken at `frameSec` saw hazard paint at (x, y). Once `frames` frames,
   * each within `windowSec` of the previous, have seen it, the cell is marked until `untilSec` (a mark: rays
   * do not clear it). Paint stays where it is frame after frame; camera noise lands somewhere new each frame.
   * Returns whether the cell is (now) marked.
   */
  paint(x: number, y: number, frameSec: number, untilSec: number, frames: number, windowSec: number): boolean {
    const k = this.cellOf(x, y);
    if (k < 0) return false;
    const last = this.paintLast[k]!;
    if (last !== frameSec) {
      const hits = frameSec - last <= windowSec ? this.paintHits[k]! + 1 : 1;
      this.paintHits[k] = hits > 255 ? 255 : hits;
      this.paintLast[k] = frameSec;
    }
    if (this.paintHits[k]! < frames) return false;
    if (this.markUntil[k]! < untilSec) this.markUntil[k] = untilSec;
    return true;
  }

  /** Whether cell `k` holds an obstacle at `nowSec` (LiDAR occupancy ≥ 0.5 or an unexpired mark). */
  occupied(k: number, nowSec: number): boolean {
    return this.occupancy[k]! >= 0.5 || this.markUntil[k]! > nowSec;
  }

  /**
   * Distance from every cell to the nearest occupied one at `nowSec` (two-pass chamfer transform with
   * 1 / √2 steps, a close over-estimate of the Euclidean distance), capped at `maxDistance`.
   */
  updateDistances(nowSec: number): void {
    const n = this.cells;
    const d = this.distance;
    const r = this.options.resolution;
    const cap = this.options.maxDistance;
    const diag = r * Math.SQRT2;
    for (let k = 0; k < n * n; k++) d[k] = this.occupied(k, nowSec) ? 0 : cap;
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const k = y * n + x;
        let v = d[k]!;
        if (v === 0) continue;
        if (x > 0) v = Math.min(v, d[k - 1]! + r);
        if (y > 0) {
          v = Math.min(v, d[k - n]! + r);
          if (x > 0) v = Math.min(v, d[k - n - 1]! + diag);
          if (x < n - 1) v = Math.min(v, d[k - n + 1]! + diag);
        }
        d[k] = v;
      }
    }
    for (let y = n - 1; y >= 0; y--) {
      for (let x = n - 1; x >= 0; x--) {
        const k = y * n + x;
        let v = d[k]!;
        if (v === 0) continue;
        if (x < n - 1) v = Math.min(v, d[k + 1]! + r);
        if (y < n - 1) {
          v = Math.min(v, d[k + n]! + r);
          if (x < n - 1) v = Math.min(v, d[k + n + 1]! + diag);
          if (x > 0) v = Math.min(v, d[k + n - 1]! + diag);
        }
        d[k] = v > cap ? cap : v;
      }
    }
  }

  /**
   * Keeps (x, y) near the window's centre: when it is farther than `slack` (default a quarter side) from it,
   * the window moves by whole cells so (x, y) is central again. Returns whether it moved.
   */
  recentre(x: number, y: number, slack = (this.cells * this.options.resolution) / 4): boolean {
    const r = this.options.resolution;
    const side = this.cells * r;
    const cx = this.originX + side / 2;
    const cy = this.originY + side / 2;
    if (Math.abs(x - cx) <= slack && Math.abs(y - cy) <= slack) return false;
    const shiftX = Math.round((x - cx) / r);
    const shiftY = Math.round((y - cy) / r);
    const n = this.cells;
    this.scratchOccupancy.set(this.occupancy);
    this.scratchMarks.set(this.markUntil);
    this.scratchHits.set(this.paintHits);
    for (let ny = 0; ny < n; ny++) {
      for (let nx = 0; nx < n; nx++) {
        const ox = nx + shiftX;
        const oy = ny + shiftY;
        const k = ny * n + nx;
        const inside = ox >= 0 && oy >= 0 && ox < n && oy < n;
        this.occupancy[k] = inside ? this.scratchOccupancy[oy * n + ox]! : 0;
        this.markUntil[k] = inside ? this.scratchMarks[oy * n + ox]! : -Infinity;
        this.paintHits[k] = inside ? this.scratchHits[oy * n + ox]! : 0;
      }
    }
    // paintLast is shifted through the (now free) marks scratch.
    this.scratchMarks.set(this.paintLast);
    for (let ny = 0; ny < n; ny++) {
      for (let nx = 0; nx < n; nx++) {
        const ox = nx + shiftX;
        const oy = ny + shiftY;
        this.paintLast[ny * n + nx] = ox >= 0 && oy >= 0 && ox < n && oy < n ? this.scratchMarks[oy * n + ox]! : -Infinity;
      }
    }
    this.originX += shiftX * r;
    this.originY += shiftY * r;
    return true;
  }
}

function snap(v: number, r: number): number {
  return Math.round(v / r) * r;
}
