import { nearestPathPoint } from './nearestPathPoint.js';

const scratch = { d2: 0 };

/**
 * The carrot a path follower steers to: the point `lookahead` metres along `path` (odom x y pairs,
 * `length` points) past the path point nearest (x, y); the last point when the path is shorter. Written into
 * `out`; returns false for an empty path.
 */
export function carrotOnPath(path: ArrayLike<number>, length: number, x: number, y: number, lookahead: number, out: { x: number; y: number }): boolean {
  if (length === 0) return false;
  const nearest = nearestPathPoint(path, length, x, y, scratch);
  let left = lookahead;
  for (let i = nearest; i < length - 1; i++) {
    const ax = path[2 * i]!;
    const ay = path[2 * i + 1]!;
    const bx = path[2 * i + 2]!;
    const by = path[2 * i + 3]!;
    const seg = Math.hypot(bx - ax, by - ay);
    if (seg >= left) {
      const t = seg === 0 ? 0 : left / seg;
      out.x = ax + (bx - ax) * t;
      out.y = ay + (by - ay) * t;
      return true;
    }
    left -= seg;
  }
  out.x = path[2 * length - 2]!;
  out.y = path[2 * length - 1]!;
  return true;
}
