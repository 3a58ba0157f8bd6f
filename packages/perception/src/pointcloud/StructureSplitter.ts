import { CellHash } from './CellHash.js';
import type { Clusters } from './EuclideanClusterer.js';
import { summarizePoints, type Obstacle } from './Obstacle.js';

export interface StructureOptions {
  /** A cluster with a horizontal box side over this (m) is a structure, not an obstacle. */
  maxObstacleSize: number;
  /** Structures are reported as segments: their points binned in horizontal cells of this size (m). */
  segment: number;
  /** Segments with fewer points (voxels) are dropped. */
  minSegmentPoints: number;
}

export const DEFAULT_STRUCTURE_OPTIONS: Readonly<StructureOptions> = Object.freeze({ maxObstacleSize: 3, segment: 1, minSegmentPoints: 2 });

/**
 * Classifies clusters and cuts the structures into segments. In a walled room Euclidean clustering joins
 * the walls at the corners into one cluster whose box spans the room and contains the robot: as an
 * obstacle it says nothing about free space. A cluster is a structure when a horizontal box side exceeds
 * `maxObstacleSize` or its box contains the sensor (x, y); its segments (≤ `segment` across, e.g. 1 m of
 * wall each) locate it. Buffers are reused; only the result lists are allocated.
 */
export class StructureSplitter {
  private readonly cells = new CellHash();
  private segOf = new Int32Array(0);
  private segStart = new Int32Array(0);
  private sorted = new Int32Array(0);

  constructor(readonly options: StructureOptions) {
    if (!(options.segment > 0)) throw new RangeError(`structure segment must be > 0, got ${options.segment}`);
  }

  /**
   * `obstacles`: every cluster summarised (kind `obstacle` or `structure`), nearest first — one per
   * cluster, as before. `structures`: the segments of the structure clusters, nearest first.
   */
  split(xyz: Float32Array, clusters: Clusters): { obstacles: Obstacle[]; structures: Obstacle[] } {
    const obstacles: Obstacle[] = [];
    const structures: Obstacle[] = [];
    const { maxObstacleSize, segment, minSegmentPoints } = this.options;
    const inv = 1 / segment;
    for (let c = 0; c < clusters.count; c++) {
      const start = clusters.starts[c]!, end = clusters.starts[c + 1]!;
      const o = summarizePoints(xyz, clusters.members, start, end, 'obstacle');
      const around = Math.abs(o.center[0]) < o.size[0] / 2 && Math.abs(o.center[1]) < o.size[1] / 2;
      if (o.size[0] <= maxObstacleSize && o.size[1] <= maxObstacleSize && !around) {
        obstacles.push(o);
        continue;
      }
      o.kind = 'structure';
      obstacles.push(o);
      // segments: counting sort of the cluster's members by horizontal cell
      const n = end - start;
      if (this.segOf.length < n) {
        this.segOf = new Int32Array(n * 2);
        this.sorted = new Int32Array(n * 2);
        this.segStart = new Int32Array(n * 2 + 1);
      }
      this.cells.reset(Math.min(n, 4096));
      for (let m = start; m < end; m++) {
        const i = clusters.members[m]! * 3;
        this.segOf[m - start] = this.cells.insert(Math.floor(xyz[i]! * inv), Math.floor(xyz[i + 1]! * inv), 0);
      }
      const segs = this.cells.size;
      const segStart = this.segStart;
      segStart.fill(0, 0, segs + 1);
      for (let k = 0; k < n; k++) segStart[this.segOf[k]! + 1]!++;
      for (let s = 0; s < segs; s++) segStart[s + 1]! += segStart[s]!;
      for (let k = 0; k < n; k++) this.sorted[segStart[this.segOf[k]!]!++] = clusters.members[start + k]!;
      // segStart[s] now holds the end of segment s; its start is the previous end
      for (let s = 0; s < segs; s++) {
        const from = s === 0 ? 0 : segStart[s - 1]!;
        const to = segStart[s]!;
        if (to - from >= minSegmentPoints) structures.push(summarizePoints(xyz, this.sorted, from, to, 'structure'));
      }
    }
    const byDistance = (a: Obstacle, b: Obstacle): number => a.nearestDistance - b.nearestDistance;
    return { obstacles: obstacles.sort(byDistance), structures: structures.sort(byDistance) };
  }
}
