/**
 * Seeded pseudo-random numbers (sfc32), so a scenario and seed reproduce every noise sample.
 * Each consumer gets its own stream (`fork`) so adding a sensor never shifts another sensor's noise.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /**
   * Standard normal by inverse-CDF table lookup with linear interpolation: one uniform per sample and no
   * transcendental calls (sensor noise draws ~10⁵ per sim second). Tails are cut at ±4.3σ.
   */
  gaussian(): number {
    const u = this.next() * GAUSS_TABLE_SIZE;
    const i = u | 0;
    const f = u - i;
    return GAUSS_TABLE[i]! * (1 - f) + GAUSS_TABLE[i + 1]! * f;
  }

  /** An independent stream derived from this seed and a label. */
  fork(label: string): Rng {
    let h = (this.d ^ 0x811c9dc5) >>> 0;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng(h);
  }
}

/** Deterministic hash of an integer to [-1, 1), for time-addressable noise (delayed copies must agree). */
export function hashNoise(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 2147483648 - 1;
}

const GAUSS_TABLE_SIZE = 16384;
/** Φ⁻¹ at i / N (ends clamped to the first interior points), for `Rng.gaussian`. */
const GAUSS_TABLE = (() => {
  const table = new Float64Array(GAUSS_TABLE_SIZE + 1);
  for (let i = 0; i <= GAUSS_TABLE_SIZE; i++) table[i] = inverseNormalCdf(Math.min(Math.max(i, 0.5), GAUSS_TABLE_SIZE - 0.5) / GAUSS_TABLE_SIZE);
  return table;
})();

/** Acklam's rational approximation of the normal quantile (relative error < 1.2e-9). */
function inverseNormalCdf(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -inverseNormalCdf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
