import { CellHash } from './CellHash.js';

/**
 * Voxel-grid downsampling to the centroid of each occupied voxel (PCL `VoxelGrid` semantics: voxel
 * index = floor(p / leaf)). Reuses its buffers across calls; output order is the order voxels are first hit.
 */
export class VoxelGrid {
  private readonly hash = new CellHash();
  private sums = new Float64Array(0);
  private counts = new Uint32Array(0);

  constructor(readonly leafSize: number) {
    if (!(leafSize > 0)) throw new RangeError(`leaf size must be > 0, got ${leafSize}`);
  }

  /** Downsamples `count` points of `xyz` into `out` (capacity ≥ 3·count; may not alias `xyz`); returns the voxel count. */
  filter(xyz: Float32Array, count: number, out: Float32Array): number {
    const inv = 1 / this.leafSize;
    const hash = this.hash;
    hash.reset(Math.min(count, 1 << 20));
    if (this.counts.length < count) {
      this.sums = new Float64Array(count * 3);
      this.counts = new Uint32Array(count);
    }
    const sums = this.sums;
    const counts = this.counts;
    for (let i = 0, j = 0; i < count; i++, j += 3) {
      const x = xyz[j]!;
      const y = xyz[j + 1]!;
      const z = xyz[j + 2]!;
      // NaN/Inf and absurd coordinates (beyond ±1000 km, where voxel indices leave int32) are skipped
      if (!(Math.abs(x) < 1e6 && Math.abs(y) < 1e6 && Math.abs(z) < 1e6)) continue;
      const before = hash.size;
      const id = hash.insert(Math.floor(x * inv), Math.floor(y * inv), Math.floor(z * inv));
      const k = id * 3;
      if (id === before) {
        // ids are dense and handed out in order, so a new id is a fresh cell: overwrite the last cloud's sums
        sums[k] = x;
        sums[k + 1] = y;
        sums[k + 2] = z;
        counts[id] = 1;
      } else {
        sums[k] = sums[k]! + x;
        sums[k + 1] = sums[k + 1]! + y;
        sums[k + 2] = sums[k + 2]! + z;
        counts[id] = counts[id]! + 1;
      }
    }
    const n = hash.size;
    for (let id = 0, k = 0; id < n; id++, k += 3) {
      const c = counts[id]!;
      out[k] = sums[k]! / c;
      out[k + 1] = sums[k + 1]! / c;
      out[k + 2] = sums[k + 2]! / c;
    }
    return n;
  }
}
