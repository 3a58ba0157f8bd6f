/** Planar microphone array geometry in its own frame (mic_array_link), metres, and its yaw in base_link. */
export interface MicArrayGeometry {
  /** x, y per microphone (z ignored: bearings are azimuths). */
  positions: ReadonlyArray<readonly [number, number]>;
  /** Yaw of mic_array_link in base_link, rad. */
  yaw: number;
}

/** Default: 4 mics on a 0.1 m square centred on mic_array_link (front-left, rear-left, rear-right, front-right). */
export const DEFAULT_MIC_ARRAY: Readonly<MicArrayGeometry> = Object.freeze({
  positions: [
    [0.05, 0.05],
    [-0.05, 0.05],
    [-0.05, -0.05],
    [0.05, -0.05],
  ] as const,
  yaw: 0,
});

/** Flat `[x0, y0, x1, y1, …]` (ROS double_array parameter form) → positions. */
export function micPositionsFromFlat(flat: readonly number[]): Array<[number, number]> {
  if (flat.length < 4 || flat.length % 2 !== 0) throw new RangeError(`mic positions need an even count ≥ 4 of numbers, got ${flat.length}`);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

/**
 * Far-field bearing from pairwise delays: for a plane wave from unit direction u, mic i hears it
 * (p_i − p_j)·u / c before mic j, so each pair gives one linear equation (p_i − p_j)·u = c·τ_ij; solved by
 * least squares in 2-D. Returns the bearing in base_link (REP-103: 0 ahead, +left) or NaN if degenerate.
 */
export function bearingFromDelays(
  geometry: MicArrayGeometry,
  pairs: ReadonlyArray<readonly [number, number]>,
  delaysSec: ArrayLike<number>,
  speedOfSound = 343,
  weights?: ArrayLike<number>,
): number {
  let sxx = 0, sxy = 0, syy = 0, bx = 0, by = 0;
  pairs.forEach(([i, j], k) => {
    const pi = geometry.positions[i]!;
    const pj = geometry.positions[j]!;
    const dx = pi[0] - pj[0];
    const dy = pi[1] - pj[1];
    const w = weights === undefined ? 1 : weights[k]!;
    const r = speedOfSound * delaysSec[k]!;
    sxx += w * dx * dx;
    sxy += w * dx * dy;
    syy += w * dy * dy;
    bx += w * dx * r;
    by += w * dy * r;
  });
  const det = sxx * syy - sxy * sxy;
  if (!(Math.abs(det) > 1e-12)) return NaN;
  const ux = (syy * bx - sxy * by) / det;
  const uy = (sxx * by - sxy * bx) / det;
  if (ux === 0 && uy === 0) return NaN;
  return wrapAngle(Math.atan2(uy, ux) + geometry.yaw);
}

/** All unordered pairs (i < j) of n microphones. */
export function allPairs(n: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
  return pairs;
}

export function wrapAngle(a: number): number {
  return a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
}
