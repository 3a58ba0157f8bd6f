import type { Footprint } from './freeDistance.js';
import type { ObstacleBox } from './SafetySupervisor.js';

export interface MoverTrackerOptions {
  /** A box within this distance (m, plus how far the track could have moved) of a track's prediction is that track. */
  gate: number;
  /** Velocity smoothing: weight of each new frame-to-frame estimate (0..1). */
  alpha: number;
  /** A track unseen this long (s) is dropped. */
  maxAge: number;
  /** Faster than this (m/s), seen at least `minHits` times, a track is a mover. */
  minSpeed: number;
  minHits: number;
  /**
   * A mover must also have travelled this far (m) from where its track started: the centre of a static object
   * seen piece by piece drifts, but not by much.
   */
  minTravel: number;
  /** Tracks kept at most (boxes beyond this start no track). */
  capacity: number;
  /** Fastest mover expected, m/s: widens the association gate by the distance it covers between frames. */
  maxSpeed: number;
  /** Tracks wider than this radius (m) are never movers (walls whose box grows as more of them is seen). */
  maxRadius: number;
}

export const DEFAULT_MOVER_TRACKER_OPTIONS: Readonly<MoverTrackerOptions> = Object.freeze({ gate: 0.5, alpha: 0.5, maxAge: 0.5, minSpeed: 0.4, minHits: 8, minTravel: 0.8, capacity: 32, maxSpeed: 2, maxRadius: 0.5 });

/** One tracked obstacle, in odom. */
export interface Track {
  x: number;
  y: number;
  /** Where the track started (odom). */
  x0: number;
  y0: number;
  vx: number;
  vy: number;
  /** Half the larger box side, m: the track is a disc of this radius. */
  radius: number;
  lastSec: number;
  hits: number;
  matched: boolean;
}

/**
 * Tracks obstacle boxes across frames in `odom` (nearest-neighbour association gated by distance, velocity
 * from smoothed frame-to-frame displacement), so time to collision can use a mover's own velocity, not only
 * the robot's. `firstContact` predicts, for a robot speed along its heading, when the first mover's disc
 * touches the footprint (constant velocities). Tracks are preallocated; nothing is allocated per frame.
 */
export class MoverTracker {
  readonly options: MoverTrackerOptions;
  private readonly tracks: Track[] = [];
  private count = 0;
  /** Robot pose in odom, set by `pose`. */
  private rx = 0;
  private ry = 0;
  private ryaw = 0;
  private poseKnown = false;

  constructor(options: Partial<MoverTrackerOptions> = {}) {
    this.options = { ...DEFAULT_MOVER_TRACKER_OPTIONS, ...options };
    for (let i = 0; i < this.options.capacity; i++) this.tracks.push({ x: 0, y: 0, x0: 0, y0: 0, vx: 0, vy: 0, radius: 0, lastSec: -Infinity, hits: 0, matched: false });
  }

  /** The robot's pose in odom (boxes arrive in base_link). */
  pose(x: number, y: number, yaw: number): void {
    this.rx = x;
    this.ry = y;
    this.ryaw = yaw;
    this.poseKnown = true;
  }

  get size(): number {
    return this.count;
  }

  /** Track `i` (0 ≤ i < size). */
  track(i: number): Readonly<Track> {
    return this.tracks[i]!;
  }

  /** One frame of boxes (base_link) stamped `stampSec`: associate, update velocities, start and drop tracks. */
  update(boxes: readonly ObstacleBox[], stampSec: number): void {
    if (!this.poseKnown) return;
    const o = this.options;
    const c = Math.cos(this.ryaw);
    const s = Math.sin(this.ryaw);
    for (let i = 0; i < this.count; i++) this.tracks[i]!.matched = false;
    for (const box of boxes) {
      const x = this.rx + c * box.x - s * box.y;
      const y = this.ry + s * box.x + c * box.y;
      const radius = Math.max(box.sizeX, box.sizeY) / 2;
      let best = -1;
      let bestD = Infinity;
      for (let i = 0; i < this.count; i++) {
        const t = this.tracks[i]!;
        if (t.matched) continue;
        const dt = Math.max(0, stampSec - t.lastSec);
        const px = t.x + t.vx * dt;
        const py = t.y + t.vy * dt;
        const d = Math.hypot(x - px, y - py);
        if (d < bestD && d <= o.gate + o.maxSpeed * dt) {
          bestD = d;
          best = i;
        }
      }
      if (best >= 0) {
        const t = this.tracks[best]!;
        const dt = stampSec - t.lastSec;
        if (dt > 1e-3) {
          const a = t.hits === 1 ? 1 : o.alpha;
          t.vx += a * ((x - t.x) / dt - t.vx);
          t.vy += a * ((y - t.y) / dt - t.vy);
        }
        t.x = x;
        t.y = y;
        t.radius = radius;
        t.lastSec = stampSec;
        t.hits++;
        t.matched = true;
      } else if (this.count < o.capacity) {
        const t = this.tracks[this.count++]!;
        t.x = x;
        t.y = y;
        t.x0 = x;
        t.y0 = y;
        t.vx = 0;
        t.vy = 0;
        t.radius = radius;
        t.lastSec = stampSec;
        t.hits = 1;
        t.matched = true;
      }
    }
    // Drop stale tracks by swapping the last live one in (order does not matter).
    for (let i = 0; i < this.count; ) {
      if (stampSec - this.tracks[i]!.lastSec > o.maxAge) {
        const last = this.tracks[--this.count]!;
        this.tracks[this.count] = this.tracks[i]!;
        this.tracks[i] = last;
      } else i++;
    }
  }

  /** Whether track `i` is a confirmed mover. */
  isMover(i: number): boolean {
    const t = this.tracks[i]!;
    const o = this.options;
    return t.hits >= o.minHits && t.radius <= o.maxRadius && Math.hypot(t.vx, t.vy) >= o.minSpeed && Math.hypot(t.x - t.x0, t.y - t.y0) >= o.minTravel;
  }

  /**
   * Seconds until the first mover's disc comes within `margin` of the footprint if the robot drives at
   * `speed` along its heading from `nowSec` (movers at constant velocity from their last sighting), sampled
   * every `step` s up to `horizon`; +Infinity when none does.
   */
  firstContact(speed: number, footprint: Footprint, margin: number, horizon: number, nowSec: number, options: { step?: number; still?: boolean } = {}): number {
    const step = options.step ?? 0.05;
    // still: movers as if they stood where they are (what distance-based TTC already covers).
    const own = options.still === true ? 0 : 1;
    if (!this.poseKnown) return Infinity;
    const c = Math.cos(this.ryaw);
    const s = Math.sin(this.ryaw);
    const hx = footprint.length / 2 + margin;
    const hy = footprint.width / 2 + margin;
    let first = Infinity;
    for (let i = 0; i < this.count; i++) {
      if (!this.isMover(i)) continue;
      const t = this.tracks[i]!;
      const lag = Math.max(0, nowSec - t.lastSec);
      // Mover relative to the robot now, in base_link, and its velocity relative to the moving robot.
      const dx = t.x + t.vx * lag * own - this.rx;
      const dy = t.y + t.vy * lag * own - this.ry;
      const bx = c * dx + s * dy;
      const by = -s * dx + c * dy;
      const vx = (c * t.vx + s * t.vy) * own - speed;
      const vy = (-s * t.vx + c * t.vy) * own;
      for (let tau = 0; tau <= horizon && tau < first; tau += step) {
        const px = bx + vx * tau;
        const py = by + vy * tau;
        const ex = Math.max(0, Math.abs(px) - hx);
        const ey = Math.max(0, Math.abs(py) - hy);
        if (ex * ex + ey * ey <= t.radius * t.radius) {
          first = tau;
          break;
        }
      }
    }
    return first;
  }
}
