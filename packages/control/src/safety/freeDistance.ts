/** The robot's rectangular footprint, centred on base_link. */
export interface Footprint {
  /** Along x, metres. */
  length: number;
  /** Along y, metres. */
  width: number;
}

/** Minimum range per angular sector, as in sensorium_msgs/SectorRanges. */
export interface SectorScan {
  angleMin: number;
  angleIncrement: number;
  ranges: ArrayLike<number>;
  /** Where the scanner sits on base_link's x axis, m (sector ranges are measured from it). Default 0. */
  originX?: number;
}

/**
 * Free travel distance, in metres, before the footprint's leading edge touches a return in the corridor it
 * sweeps going straight (`direction` +1 forward, −1 backward). Each sector is taken as a point at its centre
 * angle and minimum range: the supervisor must be conservative, and a sector's minimum is the nearest thing
 * seen in it. +Infinity when the corridor is clear.
 */
export function freeDistance(scan: SectorScan, footprint: Footprint, direction: 1 | -1, lateralMargin = 0.05): number {
  const halfWidth = footprint.width / 2 + lateralMargin;
  const halfLength = footprint.length / 2;
  let best = Infinity;
  const n = scan.ranges.length;
  const originX = scan.originX ?? 0;
  for (let i = 0; i < n; i++) {
    const r = scan.ranges[i]!;
    if (!(r > 0) || !Number.isFinite(r)) continue;
    const angle = scan.angleMin + i * scan.angleIncrement;
    const x = (originX + r * Math.cos(angle)) * direction;
    const y = r * Math.sin(angle);
    if (x <= 0 || Math.abs(y) > halfWidth) continue;
    const d = Math.max(0, x - halfLength);
    if (d < best) best = d;
  }
  return best;
}

/** Free distance to obstacle boxes (centre x/y and size in base_link) in the swept corridor. */
export function freeDistanceToBoxes(
  boxes: ReadonlyArray<{ x: number; y: number; sizeX: number; sizeY: number }>,
  footprint: Footprint,
  direction: 1 | -1,
  lateralMargin = 0.05,
): number {
  const halfWidth = footprint.width / 2 + lateralMargin;
  const halfLength = footprint.length / 2;
  let best = Infinity;
  for (const box of boxes) {
    const near = box.x * direction - box.sizeX / 2;
    const farLateral = Math.abs(box.y) - box.sizeY / 2;
    if (box.x * direction + box.sizeX / 2 <= 0 || farLateral > halfWidth) continue;
    const d = Math.max(0, near - halfLength);
    if (d < best) best = d;
  }
  return best;
}

/** Seconds until contact at `speed` m/s over `distance` m; +Infinity when not closing. */
export function timeToCollision(distance: number, speed: number): number {
  const closing = Math.abs(speed);
  if (closing < 1e-6) return Infinity;
  return distance / closing;
}
