import { createRng } from '../util/createRng.js';
import { fitPlane, type Plane } from './fitPlane.js';

export interface RansacPlaneOptions {
  /** Inlier distance, m. */
  distanceThreshold: number;
  maxIterations: number;
  /** Candidate planes must have a normal within `maxAngleRad` of ±`axis` (PCL SACMODEL_PERPENDICULAR_PLANE). */
  axis?: readonly [number, number, number];
  maxAngleRad?: number;
  /** RANSAC seed: same cloud, same answer. */
  seed: number;
  /** Refit the best plane to its inliers by least squares (PCL `setOptimizeCoefficients`). Default true. */
  refine?: boolean;
}

export interface PlaneResult extends Plane {
  /** Inliers of the final plane. */
  inliers: number;
}

/**
 * RANSAC plane with an optional normal constraint. Marks inliers in `inlierMask` (length ≥ count, 1 = on
 * the plane) and returns the plane oriented so its normal points along `axis` (or +z), or undefined when no
 * admissible plane has ≥ 3 inliers.
 */
export function ransacPlane(xyz: Float32Array, count: number, options: RansacPlaneOptions, inlierMask: Uint8Array): PlaneResult | undefined {
  inlierMask.fill(0, 0, count);
  if (count < 3) return undefined;
  const rng = createRng(options.seed);
  const axis = options.axis ?? [0, 0, 1];
  const cosMax = options.maxAngleRad === undefined ? -1 : Math.cos(options.maxAngleRad);
  const thr = options.distanceThreshold;
  // Score candidates on a fixed-size subsample: the best model is then counted on every point.
  const stride = Math.max(1, Math.floor(count / 4000));
  const thr2 = thr * thr;
  let bestScore: number | undefined;
  let bn: [number, number, number] = [0, 0, 1];
  let bd = 0;
  for (let it = 0; it < options.maxIterations; it++) {
    const i = Math.floor(rng() * count) * 3;
    const j = Math.floor(rng() * count) * 3;
    const k = Math.floor(rng() * count) * 3;
    const ux = xyz[j]! - xyz[i]!, uy = xyz[j + 1]! - xyz[i + 1]!, uz = xyz[j + 2]! - xyz[i + 2]!;
    const vx = xyz[k]! - xyz[i]!, vy = xyz[k + 1]! - xyz[i + 1]!, vz = xyz[k + 2]! - xyz[i + 2]!;
    let nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    const len = Math.hypot(nx, ny, nz);
    if (!(len > 1e-9)) continue;
    nx /= len; ny /= len; nz /= len;
    const cos = nx * axis[0] + ny * axis[1] + nz * axis[2];
    if (Math.abs(cos) < cosMax) continue;
    const d = -(nx * xyz[i]! + ny * xyz[i + 1]! + nz * xyz[i + 2]!);
    // MSAC: truncated squared residual instead of an inlier count, so among planes that catch about as
    // many points the one that fits them best wins (much more stable on real, slightly uneven ground).
    let cost = 0;
    for (let p = 0; p < count; p += stride) {
      const q = p * 3;
      const r = nx * xyz[q]! + ny * xyz[q + 1]! + nz * xyz[q + 2]! + d;
      cost += Math.min(r * r, thr2);
    }
    const score = -cost;
    if (bestScore === undefined || score > bestScore) {
      bestScore = score;
      bn = [nx, ny, nz];
      bd = d;
    }
  }
  if (bestScore === undefined) return undefined;
  let inliers = markInliers(xyz, count, bn, bd, thr, inlierMask);
  // Least-squares refit, a few rounds, to the points within half the threshold: on real ground (slightly
  // uneven, with kerbs and low clutter inside a 15 cm band) the core of the band pins the orientation
  // far better than the 3-point sample; the final inlier set uses the full threshold again.
  if (options.refine ?? true) {
    for (let round = 0; round < 4; round++) {
      markInliers(xyz, count, bn, bd, thr, inlierMask);
      const refit = fitPlane(xyz, count, inlierMask);
      const cos = refit === undefined ? 0 : refit.normal[0] * axis[0] + refit.normal[1] * axis[1] + refit.normal[2] * axis[2];
      if (refit === undefined || Math.abs(cos) < cosMax) break;
      bn = refit.normal;
      bd = refit.d;
    }
    inliers = markInliers(xyz, count, bn, bd, thr, inlierMask);
  }
  if (inliers < 3) return undefined;
  // orient along the axis so "above ground" is positive distance
  if (bn[0] * axis[0] + bn[1] * axis[1] + bn[2] * axis[2] < 0) {
    bn = [-bn[0], -bn[1], -bn[2]];
    bd = -bd;
  }
  return { normal: bn, d: bd, inliers };
}

function markInliers(xyz: Float32Array, count: number, n: readonly number[], d: number, thr: number, mask: Uint8Array): number {
  const [nx, ny, nz] = n as [number, number, number];
  let c = 0;
  for (let p = 0, q = 0; p < count; p++, q += 3) {
    const on = Math.abs(nx * xyz[q]! + ny * xyz[q + 1]! + nz * xyz[q + 2]! + d) <= thr ? 1 : 0;
    mask[p] = on;
    c += on;
  }
  return c;
}
