/** A plane `normal · p + d = 0` with a unit normal. */
export interface Plane {
  normal: [number, number, number];
  d: number;
}

/**
 * Least-squares plane through the points of `xyz` selected by `mask` (all if undefined): the normal is the
 * eigenvector of the smallest eigenvalue of the covariance (Jacobi iterations on the 3×3 matrix). Returns
 * undefined for fewer than 3 points or a degenerate set.
 */
export function fitPlane(xyz: Float32Array, count: number, mask?: Uint8Array): Plane | undefined {
  let n = 0;
  let mx = 0;
  let my = 0;
  let mz = 0;
  for (let i = 0; i < count; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    mx += xyz[i * 3]!;
    my += xyz[i * 3 + 1]!;
    mz += xyz[i * 3 + 2]!;
    n++;
  }
  if (n < 3) return undefined;
  mx /= n;
  my /= n;
  mz /= n;
  let xx = 0, xy = 0, xz = 0, yy = 0, yz = 0, zz = 0;
  for (let i = 0; i < count; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    const x = xyz[i * 3]! - mx;
    const y = xyz[i * 3 + 1]! - my;
    const z = xyz[i * 3 + 2]! - mz;
    xx += x * x; xy += x * y; xz += x * z; yy += y * y; yz += y * z; zz += z * z;
  }
  const normal = smallestEigenvector([xx, xy, xz, xy, yy, yz, xz, yz, zz]);
  if (normal === undefined) return undefined;
  return { normal, d: -(normal[0] * mx + normal[1] * my + normal[2] * mz) };
}

/** Eigenvector of the smallest eigenvalue of a symmetric 3×3 (row-major), by cyclic Jacobi rotations. */
export function smallestEigenvector(m: number[]): [number, number, number] | undefined {
  const a = m.slice();
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 30; sweep++) {
    const off = a[1]! ** 2 + a[2]! ** 2 + a[5]! ** 2;
    if (off < 1e-30) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = a[p * 3 + q]!;
      if (Math.abs(apq) < 1e-300) continue;
      const app = a[p * 3 + p]!;
      const aqq = a[q * 3 + q]!;
      const theta = (aqq - app) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[k * 3 + p]!;
        const akq = a[k * 3 + q]!;
        a[k * 3 + p] = c * akp - s * akq;
        a[k * 3 + q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p * 3 + k]!;
        const aqk = a[q * 3 + k]!;
        a[p * 3 + k] = c * apk - s * aqk;
        a[q * 3 + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k * 3 + p]!;
        const vkq = v[k * 3 + q]!;
        v[k * 3 + p] = c * vkp - s * vkq;
        v[k * 3 + q] = s * vkp + c * vkq;
      }
    }
  }
  let best = 0;
  for (let i = 1; i < 3; i++) if (a[i * 4]! < a[best * 4]!) best = i;
  const x = v[best]!;
  const y = v[3 + best]!;
  const z = v[6 + best]!;
  const len = Math.hypot(x, y, z);
  if (!(len > 0)) return undefined;
  return [x / len, y / len, z / len];
}
