export interface SectorOptions {
  /** Number of equal sectors covering [angleMin, angleMin + 2π), counter-clockwise. */
  sectors: number;
  /** Start angle of sector 0 (rad, REP-103). Default −π/sectors: sector 0 centred straight ahead. */
  angleMin?: number;
  /** Points beyond this horizontal range (m) are ignored. */
  rangeMax: number;
}

/**
 * Minimum horizontal range per bearing sector over the points whose `skip` entry is 0, written to `out`
 * (+Inf where a sector has no point, as in LaserScan, REP-117). Cheap and always on: the LiDAR cue of the
 * gating network.
 */
export function sectorRanges(xyz: Float32Array, count: number, skip: Uint8Array | undefined, options: SectorOptions, out: Float32Array): Float32Array {
  const { sectors, rangeMax } = options;
  const angleMin = options.angleMin ?? -Math.PI / sectors;
  const scale = sectors / (2 * Math.PI);
  out.fill(Infinity, 0, sectors);
  for (let i = 0, j = 0; i < count; i++, j += 3) {
    if (skip !== undefined && skip[i] !== 0) continue;
    const x = xyz[j]!;
    const y = xyz[j + 1]!;
    const r = Math.sqrt(x * x + y * y);
    if (!(r <= rangeMax)) continue;
    let a = Math.atan2(y, x) - angleMin;
    a -= 2 * Math.PI * Math.floor(a / (2 * Math.PI));
    const s = Math.min(sectors - 1, Math.floor(a * scale));
    if (r < out[s]!) out[s] = r;
  }
  return out;
}
