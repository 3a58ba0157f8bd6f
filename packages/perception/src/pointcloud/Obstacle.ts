import type { Clusters } from './EuclideanClusterer.js';

/**
 * `obstacle`: a cluster of obstacle size. `structure`: a cluster larger than any single obstacle or
 * around the sensor (walls joined at corners, a room's outline), or one segment of such a cluster.
 */
export type ObstacleKind = 'obstacle' | 'structure';

/** One cluster summarised for the robot: axis-aligned box and nearest point, in the cloud's frame. */
export interface Obstacle {
  kind: ObstacleKind;
  center: [number, number, number];
  size: [number, number, number];
  /** Horizontal distance (m) from the frame origin to the cluster's nearest point. */
  nearestDistance: number;
  /** Bearing (rad, REP-103: 0 ahead, +left) of that nearest point. */
  bearing: number;
  nearestPoint: [number, number, number];
  points: number;
}

/** Summaries of clusters, nearest first (all of kind `obstacle`; the pipeline classifies structures). */
export function summarizeClusters(xyz: Float32Array, clusters: Clusters): Obstacle[] {
  const out: Obstacle[] = [];
  for (let c = 0; c < clusters.count; c++) out.push(summarizePoints(xyz, clusters.members, clusters.starts[c]!, clusters.starts[c + 1]!, 'obstacle'));
  return out.sort((a, b) => a.nearestDistance - b.nearestDistance);
}

/** Box and nearest point of the points `indices[start..end)` of `xyz` (end > start). */
export function summarizePoints(xyz: Float32Array, indices: Int32Array, start: number, end: number, kind: ObstacleKind): Obstacle {
  let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
  let best = Infinity;
  let bi = -1;
  for (let m = start; m < end; m++) {
    const i = indices[m]! * 3;
    const x = xyz[i]!, y = xyz[i + 1]!, z = xyz[i + 2]!;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    if (z < z0) z0 = z;
    if (z > z1) z1 = z;
    const r2 = x * x + y * y;
    if (r2 < best) {
      best = r2;
      bi = i;
    }
  }
  const np: [number, number, number] = [xyz[bi]!, xyz[bi + 1]!, xyz[bi + 2]!];
  return {
    kind,
    center: [(x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2],
    size: [x1 - x0, y1 - y0, z1 - z0],
    nearestDistance: Math.sqrt(best),
    bearing: Math.atan2(np[1], np[0]),
    nearestPoint: np,
    points: end - start,
  };
}
