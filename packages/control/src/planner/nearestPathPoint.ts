/**
 * Index of the point of `path` (x y pairs, `length` points) nearest (x, y), with its squared distance in
 * `out.d2`; 0 and Infinity for an empty path. Shared by the carrot and the planner's keep-the-route check.
 */
export function nearestPathPoint(path: ArrayLike<number>, length: number, x: number, y: number, out: { d2: number }): number {
  let nearest = 0;
  let best = Infinity;
  for (let i = 0; i < length; i++) {
    const d = (path[2 * i]! - x) ** 2 + (path[2 * i + 1]! - y) ** 2;
    if (d < best) {
      best = d;
      nearest = i;
    }
  }
  out.d2 = best;
  return nearest;
}
