import { pointInPolygon, pointSegmentDistance } from '../world/geometry2d.js';

/** A plan-view obstacle for the grid: oriented rectangle (hx, hy) or circle (radius hx). */
export interface PlanShape {
  shape: 'rect' | 'circle';
  x: number;
  y: number;
  yaw: number;
  hx: number;
  hy: number;
}

export interface OccupancyGridOptions {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  resolution: number;
}

/**
 * A 2-D grid over the floor holding, per cell, the distance (m) to the nearest obstacle, capped at
 * `maxDistance`. Planning inflates by thresholding it; path cost grows near obstacles so routes keep
 * to the middle of passages.
 */
export class OccupancyGrid {
  readonly width: number;
  readonly height: number;
  readonly distance: Float32Array;

  constructor(readonly options: OccupancyGridOptions, shapes: readonly PlanShape[], zones: readonly ArrayLike<number>[], maxDistance = 2) {
    const { minX, minY, maxX, maxY, resolution } = options;
    this.width = Math.max(1, Math.ceil((maxX - minX) / resolution));
    this.height = Math.max(1, Math.ceil((maxY - minY) / resolution));
    this.distance = new Float32Array(this.width * this.height).fill(maxDistance);
    const reach = maxDistance + resolution;
    for (const s of shapes) {
      const r = Math.hypot(s.hx, s.hy) + reach;
      this.stamp(s.x - r, s.y - r, s.x + r, s.y + r, (x, y) => shapeDistance(s, x, y));
    }
    for (const poly of zones) {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (let i = 0; i < poly.length; i += 2) {
        x0 = Math.min(x0, poly[i] as number);
        x1 = Math.max(x1, poly[i] as number);
        y0 = Math.min(y0, poly[i + 1] as number);
        y1 = Math.max(y1, poly[i + 1] as number);
      }
      this.stamp(x0 - reach, y0 - reach, x1 + reach, y1 + reach, (x, y) => polygonPointDistance(poly, x, y));
    }
  }

  private stamp(x0: number, y0: number, x1: number, y1: number, distanceAt: (x: number, y: number) => number): void {
    const { minX, minY, resolution } = this.options;
    const i0 = Math.max(0, Math.floor((x0 - minX) / resolution));
    const i1 = Math.min(this.width - 1, Math.floor((x1 - minX) / resolution));
    const j0 = Math.max(0, Math.floor((y0 - minY) / resolution));
    const j1 = Math.min(this.height - 1, Math.floor((y1 - minY) / resolution));
    for (let j = j0; j <= j1; j++) {
      for (let i = i0; i <= i1; i++) {
        const d = distanceAt(minX + (i + 0.5) * resolution, minY + (j + 0.5) * resolution);
        const k = j * this.width + i;
        if (d < this.distance[k]!) this.distance[k] = d;
      }
    }
  }

  cellOf(x: number, y: number): number {
    const i = Math.floor((x - this.options.minX) / this.options.resolution);
    const j = Math.floor((y - this.options.minY) / this.options.resolution);
    if (i < 0 || j < 0 || i >= this.width || j >= this.height) return -1;
    return j * this.width + i;
  }

  centre(cell: number, out: { x: number; y: number }): void {
    const i = cell % this.width;
    const j = (cell - i) / this.width;
    out.x = this.options.minX + (i + 0.5) * this.options.resolution;
    out.y = this.options.minY + (j + 0.5) * this.options.resolution;
  }

  /** Distance to the nearest obstacle at a point (0 outside the grid). */
  clearanceAt(x: number, y: number): number {
    const k = this.cellOf(x, y);
    return k < 0 ? 0 : this.distance[k]!;
  }
}

function shapeDistance(s: PlanShape, x: number, y: number): number {
  if (s.shape === 'circle') return Math.max(0, Math.hypot(x - s.x, y - s.y) - s.hx);
  const c = Math.cos(s.yaw);
  const sn = Math.sin(s.yaw);
  const lx = Math.abs(c * (x - s.x) + sn * (y - s.y)) - s.hx;
  const ly = Math.abs(-sn * (x - s.x) + c * (y - s.y)) - s.hy;
  return Math.hypot(Math.max(lx, 0), Math.max(ly, 0));
}

function polygonPointDistance(poly: ArrayLike<number>, x: number, y: number): number {
  if (pointInPolygon(x, y, poly)) return 0;
  let best = Infinity;
  const n = poly.length / 2;
  for (let i = 0; i < n; i++) {
    const k = (i + 1) % n;
    best = Math.min(best, pointSegmentDistance(x, y, poly[2 * i] as number, poly[2 * i + 1] as number, poly[2 * k] as number, poly[2 * k + 1] as number));
  }
  return best;
}
