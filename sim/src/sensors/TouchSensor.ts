import type { TactileArray, Time } from '@sensorium/core';
import type { RobotContact } from '../world/Physics.js';
import type { Rng } from '../world/Rng.js';

// More buffers than SensorDataQoS depth (5): a message stays intact while any keep-last queue can hold it.
const POOL = 8;

export interface TouchOptions {
  taxels: number;
  /** Footprint the skin wraps, metres. */
  length: number;
  width: number;
  /** Height of the taxel row above the floor. */
  height: number;
  /** Taxel pressure noise, kPa. */
  noiseStd: number;
}

export interface TouchEffect {
  extraNoise: number;
  zero: boolean;
}

/** Sensing height of each taxel, metres; area = spacing × this. */
const TAXEL_PAD_HEIGHT = 0.05;

/**
 * A tactile skin: taxels evenly spaced around the bumper (the footprint's perimeter, in skin_link =
 * base_link). Contact forces from Rapier are spread over nearby taxels (Gaussian in distance) and
 * averaged over the publish period; pressure = force / taxel area, in kPa.
 */
export class TouchSensor {
  readonly positions: Float32Array;
  readonly normals: Float32Array;
  private readonly accumulated: Float64Array;
  private accumulatedSec = 0;
  private readonly pool: Float32Array[] = [];
  private next = 0;
  private readonly areaM2: number;
  private readonly sigma: number;

  constructor(readonly options: TouchOptions, private readonly rng: Rng) {
    const n = options.taxels;
    this.positions = new Float32Array(3 * n);
    this.normals = new Float32Array(3 * n);
    this.accumulated = new Float64Array(n);
    const hx = options.length / 2;
    const hy = options.width / 2;
    const perimeter = 4 * (hx + hy);
    const spacing = perimeter / n;
    this.areaM2 = spacing * TAXEL_PAD_HEIGHT;
    this.sigma = spacing * 0.6;
    for (let i = 0; i < n; i++) {
      // Start at the front centre and walk counter-clockwise.
      let s = (i + 0.5) * spacing;
      let x: number;
      let y: number;
      let nx: number;
      let ny: number;
      if (s < hy) [x, y, nx, ny] = [hx, s, 1, 0];
      else if ((s -= hy) < 2 * hx) [x, y, nx, ny] = [hx - s, hy, 0, 1];
      else if ((s -= 2 * hx) < 2 * hy) [x, y, nx, ny] = [-hx, hy - s, -1, 0];
      else if ((s -= 2 * hy) < 2 * hx) [x, y, nx, ny] = [-hx + s, -hy, 0, -1];
      else [x, y, nx, ny] = [hx, -hy + (s - 2 * hx), 1, 0];
      this.positions.set([x, y, options.height], 3 * i);
      this.normals.set([nx, ny, 0], 3 * i);
    }
    for (let i = 0; i < POOL; i++) this.pool.push(new Float32Array(n));
  }

  /** Adds one physics step's contacts (points in base_link, forces in N) lasting `dt`. */
  accumulate(contacts: readonly RobotContact[], count: number, dt: number): void {
    const n = this.options.taxels;
    const twoSigma2 = 2 * this.sigma * this.sigma;
    for (let c = 0; c < count; c++) {
      const contact = contacts[c]!;
      if (!(contact.forceN > 0)) continue;
      let total = 0;
      for (let i = 0; i < n; i++) {
        const dx = this.positions[3 * i]! - contact.x;
        const dy = this.positions[3 * i + 1]! - contact.y;
        total += Math.exp(-(dx * dx + dy * dy) / twoSigma2);
      }
      if (total <= 0) continue;
      for (let i = 0; i < n; i++) {
        const dx = this.positions[3 * i]! - contact.x;
        const dy = this.positions[3 * i + 1]! - contact.y;
        this.accumulated[i]! += ((contact.forceN * Math.exp(-(dx * dx + dy * dy) / twoSigma2)) / total) * dt;
      }
    }
    this.accumulatedSec += dt;
  }

  /** Pressures averaged since the last read (then reset). */
  read(stamp: Time, effect: TouchEffect): TactileArray {
    const pressures = this.pool[this.next]!;
    this.next = (this.next + 1) % this.pool.length;
    const period = this.accumulatedSec > 0 ? this.accumulatedSec : 1;
    const noise = this.options.noiseStd + effect.extraNoise;
    for (let i = 0; i < pressures.length; i++) {
      const kPa = effect.zero ? 0 : this.accumulated[i]! / period / this.areaM2 / 1000 + (noise > 0 ? noise * this.rng.gaussian() : 0);
      pressures[i] = kPa > 0 ? kPa : 0;
      this.accumulated[i] = 0;
    }
    this.accumulatedSec = 0;
    return { header: { stamp, frame_id: 'skin_link' }, pressures, positions: this.positions, normals: this.normals };
  }
}
