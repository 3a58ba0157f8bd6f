/**
 * The gate's cheap cues, one flat Float32Array so the hot path writes in place. Layout (S = sectors):
 *
 * | offset | width | cue |
 * |---|---|---|
 * | 0 | S | LiDAR sector minimum range / `maxRangeM`, clamped to [0, 1]; sector 0 straight ahead, CCW (REP-103) |
 * | S | 1 | vision obstacle-ahead score in [0, 1] |
 * | S+1 | 4 | audio event: level ((dB + 60) / 60, clamped), cos bearing, sin bearing, event present |
 * | S+5 | 2 | touch: contact (0/1), total pressure / 100 clamped |
 *
 * A missing cue is written as its "nothing there" value (far ranges, zero scores), and the input's
 * staleness goes to the gate separately, so the network can tell "clear" from "unknown".
 */
export const CUE_MAX_RANGE_M = 10;

export function cueDim(sectors: number): number {
  return sectors + 7;
}

export interface CueOffsets {
  readonly sectors: number;
  readonly visionAhead: number;
  readonly audio: number;
  readonly touch: number;
}

export function cueOffsets(sectors: number): CueOffsets {
  return { sectors: 0, visionAhead: sectors, audio: sectors + 1, touch: sectors + 5 };
}

/** Everything the cue vector is made of; undefined = not available (missing or stale). */
export interface CueInputs {
  /** Minimum range per sector, m (length = sectors), sector 0 ahead. */
  sectorRangesM?: ArrayLike<number> | undefined;
  visionObstacleAhead?: number | undefined;
  audioEvent?: { levelDb: number; bearing: number } | undefined;
  touch?: { contact: boolean; totalPressure: number } | undefined;
}

const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);

/** Writes `inputs` into `out` (length ≥ cueDim(sectors)) in place and returns `out`. */
export function writeCues(out: Float32Array, sectors: number, inputs: CueInputs): Float32Array {
  const o = cueOffsets(sectors);
  const ranges = inputs.sectorRangesM;
  for (let i = 0; i < sectors; i++) {
    const r = ranges === undefined ? Number.POSITIVE_INFINITY : (ranges[i] ?? Number.POSITIVE_INFINITY);
    // NaN or +inf means "no return": as far as the sensor sees.
    out[o.sectors + i] = Number.isNaN(r) ? 1 : Math.min(1, Math.max(0, r / CUE_MAX_RANGE_M));
  }
  out[o.visionAhead] = clamp01(inputs.visionObstacleAhead ?? 0);
  const audio = inputs.audioEvent;
  out[o.audio] = audio === undefined ? 0 : clamp01((audio.levelDb + 60) / 60);
  out[o.audio + 1] = audio === undefined ? 0 : Math.cos(audio.bearing);
  out[o.audio + 2] = audio === undefined ? 0 : Math.sin(audio.bearing);
  out[o.audio + 3] = audio === undefined ? 0 : 1;
  const touch = inputs.touch;
  out[o.touch] = touch?.contact === true ? 1 : 0;
  out[o.touch + 1] = touch === undefined ? 0 : clamp01(touch.totalPressure / 100);
  return out;
}

/**
 * Min-pools ranges given at `angle_min + i·increment` into `sectors` bins centred on 0, 2π/S, …
 * (bin 0 straight ahead). Bins no ray falls into stay +inf. Writes into `out` and returns it.
 */
export function poolSectorRanges(
  out: Float32Array,
  sectors: number,
  angleMin: number,
  angleIncrement: number,
  ranges: ArrayLike<number>,
): Float32Array {
  out.fill(Number.POSITIVE_INFINITY, 0, sectors);
  const width = (2 * Math.PI) / sectors;
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i] ?? Number.NaN;
    if (Number.isNaN(r) || r < 0) continue;
    const a = angleMin + i * angleIncrement;
    const bin = ((Math.round(a / width) % sectors) + sectors) % sectors;
    if (r < (out[bin] ?? Number.POSITIVE_INFINITY)) out[bin] = r;
  }
  return out;
}
