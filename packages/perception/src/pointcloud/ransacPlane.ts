import { createRng } from '../util/createRng.js';
import { fitPlane, smallestEigenvector, type Plane } from './fitPlane.js';

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
  let inliers = (options.refine ?? true) ? 0 : markInliers(xyz, count, bn, bd, thr, inlierMask);
  // Least-squares refit to the inliers, a few rounds (converges to the plane the inliers agree on). Each
  // round is one pass of raw moments over a strided subsample (≤ ~16k points); only the final inlier
  // marking touches every point.
  if (options.refine ?? true) {
    const refineStride = Math.max(1, Math.floor(count / 16000));
    for (let round = 0; round < 3; round++) {
      const refit = refitPlane(xyz, count, refineStride, bn, bd, thr);
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

/** Least-squares plane through the points within `thr` of (n, d), from one pass of raw moments. */
function refitPlane(xyz: Float32Array, count: number, stride: number, n: readonly number[], d: number, thr: number): ReturnType<typeof fitPlane> {
  const [nx, ny, nz] = n as [number, number, number];
  let c = 0, sx = 0, sy = 0, sz = 0, xx = 0, xy = 0, xz = 0, yy = 0, yz = 0, zz = 0;
  for (let p = 0; p < count; p += stride) {
    const q = p * 3;
    const x = xyz[q]!, y = xyz[q + 1]!, z = xyz[q + 2]!;
    if (!(Math.abs(nx * x + ny * y + nz * z + d) <= thr)) continue;
    c++;
    sx += x; sy += y; sz += z;
    xx += x * x; xy += x * y; xz += x * z; yy += y * y; yz += y * z; zz += z * z;
  }
  if (c < 3) return undefined;
  const mx = sx / c, my = sy / c, mz = sz / c;
  // central moments from raw ones (float64; coordinates are metres, so cancellation is harmless here)
  const cov = [xx / c - mx * mx, xy / c - mx * my, xz / c - mx * mz, 0, yy / c - my * my, yz / c - my * mz, 0, 0, zz / c - mz * mz];
  cov[3] = cov[1]!;
  cov[6] = cov[2]!;
  cov[7] = cov[5]!;
  const normal = smallestEigenvector(cov);
  if (normal === undefined) return undefined;
  return { normal, d: -(normal[0] * mx + normal[1] * my + normal[2] * mz) };
}
