// Planar geometry on the floor (map frame, metres). Every solid is a convex polygon or a circle in plan
// view, which is all clearance, collision bookkeeping, keep-out zones and the expert's grid need.

/** Writes the 4 corners (x0 y0 … x3 y3, counter-clockwise) of an oriented rectangle into `out`. */
export function rectCorners(x: number, y: number, yaw: number, hx: number, hy: number, out: Float64Array): Float64Array {
  const c = Math.cos(yaw);
  const s = Math.sin(yaw);
  const px = [hx, -hx, -hx, hx];
  const py = [hy, hy, -hy, -hy];
  for (let i = 0; i < 4; i++) {
    const ax = px[i] as number;
    const ay = py[i] as number;
    out[2 * i] = x + c * ax - s * ay;
    out[2 * i + 1] = y + s * ax + c * ay;
  }
  return out;
}

/** Distance from point to segment. */
export function pointSegmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return Math.sqrt(ex * ex + ey * ey);
}

/** Even-odd rule; `poly` is flattened x0 y0 x1 y1 … */
export function pointInPolygon(px: number, py: number, poly: ArrayLike<number>): boolean {
  let inside = false;
  const n = poly.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = poly[2 * i] as number;
    const yi = poly[2 * i + 1] as number;
    const xj = poly[2 * j] as number;
    const yj = poly[2 * j + 1] as number;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function segmentsIntersect(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
  const d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
  const d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  const d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

/** Distance between two polygons; 0 when they overlap. */
export function polygonDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = a.length / 2;
  const nb = b.length / 2;
  if (pointInPolygon(a[0] as number, a[1] as number, b) || pointInPolygon(b[0] as number, b[1] as number, a)) return 0;
  let best = Infinity;
  for (let i = 0; i < na; i++) {
    const ax = a[2 * i] as number;
    const ay = a[2 * i + 1] as number;
    const i2 = (i + 1) % na;
    const bx = a[2 * i2] as number;
    const by = a[2 * i2 + 1] as number;
    for (let j = 0; j < nb; j++) {
      const cx = b[2 * j] as number;
      const cy = b[2 * j + 1] as number;
      const j2 = (j + 1) % nb;
      const dx = b[2 * j2] as number;
      const dy = b[2 * j2 + 1] as number;
      if (segmentsIntersect(ax, ay, bx, by, cx, cy, dx, dy)) return 0;
      best = Math.min(best, pointSegmentDistance(ax, ay, cx, cy, dx, dy), pointSegmentDistance(cx, cy, ax, ay, bx, by));
    }
  }
  return best;
}

/** Distance between a polygon and a circle; 0 when they overlap. */
export function polygonCircleDistance(poly: ArrayLike<number>, cx: number, cy: number, r: number): number {
  if (pointInPolygon(cx, cy, poly)) return 0;
  const n = poly.length / 2;
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const i2 = (i + 1) % n;
    best = Math.min(best, pointSegmentDistance(cx, cy, poly[2 * i] as number, poly[2 * i + 1] as number, poly[2 * i2] as number, poly[2 * i2 + 1] as number));
  }
  return Math.max(0, best - r);
}

/** Whether two polygons touch or overlap. */
export function polygonsOverlap(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return polygonDistance(a, b) === 0;
}
