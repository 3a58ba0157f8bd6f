import type { Clusters } from './EuclideanClusterer.js';

/** One cluster summarised for the robot: axis-aligned box and nearest point, in the cloud's frame. */
export interface Obstacle {
  center: [number, number, number];
  size: [number, number, number];
  /** Horizontal distance (m) from the frame origin to the cluster's nearest point. */
  nearestDistance: number;
  /** Bearing (rad, REP-103: 0 ahead, +left) of that nearest point. */
  bearing: number;
  nearestPoint: [number, number, number];
  points: number;
}

/** Summaries of clusters, nearest first. */
export function summarizeClusters(xyz: Float32Array, clusters: Clusters): Obstacle[] {
  const out: Obstacle[] = [];
  for (let c = 0; c < clusters.count; c++) {
    let x0 = Infinity, y0 = Infinity, z0 = Infinity, x1 = -Infinity, y1 = -Infinity, z1 = -Infinity;
    let best = Infinity;
    let bi = -1;
    const start = clusters.starts[c]!;
    const end = clusters.starts[c + 1]!;
    for (let m = start; m < end; m++) {
      const i = clusters.members[m]! * 3;
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
    out.push({
      center: [(x0 + x1) / 2, (y0 + y1) / 2, (z0 + z1) / 2],
      size: [x1 - x0, y1 - y0, z1 - z0],
      nearestDistance: Math.sqrt(best),
      bearing: Math.atan2(np[1], np[0]),
      nearestPoint: np,
      points: end - start,
    });
  }
  return out.sort((a, b) => a.nearestDistance - b.nearestDistance);
}
