import { ransacPlane, type PlaneResult, type RansacPlaneOptions } from './ransacPlane.js';

export interface GroundPlaneOptions extends RansacPlaneOptions {
  /**
   * `lowest` (default): the ground is the lowest well-supported surface along the axis — the plane is
   * fitted (RANSAC, normal constraint) to the points near the lowest height at which `lowestMinFraction`
   * of the cloud lies, then refitted to its inliers over the whole cloud. `largest`: plain RANSAC, the
   * best-supported plane (e.g. a table-top scene where the support surface, not the floor under it, is wanted).
   *
   * Why: in a cluttered room the best-supported horizontal slab is often not the floor but a band through
   * the furniture at sensor height (near returns are dense; on the Ouster recording that band holds 21k
   * points while the floor shows in two patches of ~500 between desks), and its normal is then arbitrary
   * within the normal constraint. Nothing substantial lies below the ground.
   */
  strategy?: 'lowest' | 'largest';
  /** Share of the points (and at least `lowestMinPoints`) a height band needs to count as a surface. */
  lowestMinFraction?: number;
  lowestMinPoints?: number;
}

const DEFAULT_LOWEST_MIN_FRACTION = 0.005;
const DEFAULT_LOWEST_MIN_POINTS = 50;
const MAX_BINS = 4096;
/** The band searched for the plane reaches this many thresholds above the lowest surface: room for a tilt off the axis. */
const BAND_ABOVE = 0;
const BAND_FIT_THRESHOLD = 0.33;

/**
 * RANSAC ground that prefers the lowest well-supported surface along the prior axis (see
 * {@link GroundPlaneOptions.strategy}). Holds the scratch buffers, so a stream of clouds allocates nothing
 * per cloud beyond the small plane result.
 */
export class GroundPlaneFitter {
  private heights = new Float32Array(0);
  private bins = new Int32Array(MAX_BINS);
  private band = new Float32Array(0);
  private bandMask = new Uint8Array(0);
  /** Which strategy produced the last plane (`lowest` falls back to `largest` when no band qualifies). */
  lastStrategy: 'lowest' | 'largest' = 'largest';

  /**
   * Fits the ground of `xyz[0..count)` and marks its inliers in `inlierMask` (length ≥ count). `axis` in
   * the options is the prior "up" (e.g. gravity from an IMU, in the cloud frame); the normal is within
   * `maxAngleRad` of it and oriented along it.
   */
  fit(xyz: Float32Array, count: number, options: GroundPlaneOptions, inlierMask: Uint8Array): PlaneResult | undefined {
    this.lastStrategy = 'largest';
    if ((options.strategy ?? 'lowest') === 'largest') return ransacPlane(xyz, count, options, inlierMask);
    const lowest = this.fitLowest(xyz, count, options, inlierMask);
    if (lowest !== undefined) {
      this.lastStrategy = 'lowest';
      return lowest;
    }
    return ransacPlane(xyz, count, options, inlierMask);
  }

  private fitLowest(xyz: Float32Array, count: number, options: GroundPlaneOptions, inlierMask: Uint8Array): PlaneResult | undefined {
    inlierMask.fill(0, 0, count);
    if (count < 3) return undefined;
    const a0 = options.axis ?? [0, 0, 1];
    const al = Math.hypot(a0[0], a0[1], a0[2]);
    if (!(al > 0)) return undefined;
    const ax = a0[0] / al, ay = a0[1] / al, az = a0[2] / al;
    const thr = options.distanceThreshold;
    if (this.heights.length < count) {
      this.heights = new Float32Array(count);
      this.band = new Float32Array(count * 3);
      this.bandMask = new Uint8Array(count);
    }
    const heights = this.heights;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0, j = 0; i < count; i++, j += 3) {
      const h = ax * xyz[j]! + ay * xyz[j + 1]! + az * xyz[j + 2]!;
      heights[i] = h;
      if (h < lo) lo = h;
      if (h > hi) hi = h;
    }
    if (!(hi >= lo)) return undefined;
    // histogram of heights in bins of one threshold (wider when the cloud is very tall)
    const width = Math.max(thr, (hi - lo) / (MAX_BINS - 1));
    const nBins = Math.min(MAX_BINS, Math.floor((hi - lo) / width) + 1);
    const bins = this.bins;
    bins.fill(0, 0, nBins);
    for (let i = 0; i < count; i++) {
      const h = heights[i]!;
      if (h >= lo && h <= hi) bins[Math.min(nBins - 1, Math.floor((h - lo) / width))]!++;
    }
    // lowest pair of adjacent bins holding enough points: sparse noise below the ground never qualifies
    const minSupport = Math.max(options.lowestMinPoints ?? DEFAULT_LOWEST_MIN_POINTS, Math.ceil((options.lowestMinFraction ?? DEFAULT_LOWEST_MIN_FRACTION) * count), 3);
    let b0 = -1;
    for (let b = 0; b < nBins; b++) {
      if (bins[b]! + (b + 1 < nBins ? bins[b + 1]! : 0) >= minSupport) {
        b0 = b;
        break;
      }
    }
    if (b0 < 0) return undefined;
    const bandLo = lo + b0 * width - thr;
    const bandHi = lo + (b0 + 2) * width + BAND_ABOVE * thr;
    let m = 0;
    for (let i = 0, j = 0; i < count; i++, j += 3) {
      const h = heights[i]!;
      if (h < bandLo || h > bandHi) continue;
      this.band[m * 3] = xyz[j]!;
      this.band[m * 3 + 1] = xyz[j + 1]!;
      this.band[m * 3 + 2] = xyz[j + 2]!;
      m++;
    }
    const plane = ransacPlane(this.band, m, { ...options, distanceThreshold: thr * BAND_FIT_THRESHOLD, axis: [ax, ay, az], refine: true }, this.bandMask);
    if (plane === undefined || plane.inliers < minSupport) return undefined;
    // Inliers over the whole cloud; no refit on it: near clutter within the threshold would tilt the
    // plane (on the Ouster recording a refit on every point pulled the floor 5° off, into the desks).
    const bn = plane.normal;
    const bd = plane.d;
    let inliers = 0;
    for (let i = 0, j = 0; i < count; i++, j += 3) {
      const on = Math.abs(bn[0] * xyz[j]! + bn[1] * xyz[j + 1]! + bn[2] * xyz[j + 2]! + bd) <= thr ? 1 : 0;
      inlierMask[i] = on;
      inliers += on;
    }
    return inliers < 3 ? undefined : { normal: bn, d: bd, inliers };
  }
}
