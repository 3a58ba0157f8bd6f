export interface OnsetOptions {
  /** Frame rate of the incoming features, Hz (100 for a 10 ms hop). */
  frameRate: number;
  /** An onset needs the frame energy this many dB above the tracked noise floor. */
  energyMarginDb: number;
  /** …and spectral flux above median + k·σ of the recent flux (σ from the median absolute deviation). */
  fluxK: number;
  /** Length of the flux statistics window, s. */
  fluxWindowSec: number;
  /** No second onset within this time, s. */
  refractorySec: number;
  /** The noise floor is the minimum frame energy over this window, s (minimum statistics). */
  floorWindowSec: number;
}

export const DEFAULT_ONSET: Readonly<OnsetOptions> = Object.freeze({
  frameRate: 100,
  energyMarginDb: 12,
  fluxK: 3,
  fluxWindowSec: 1,
  refractorySec: 0.4,
  floorWindowSec: 1.5,
});

/**
 * Onset detection from frame energy and spectral flux: fires on a frame whose energy rises above the
 * noise floor (minimum energy over the last `floorWindowSec`) by `energyMarginDb` while its flux exceeds the recent mean + k·std, at most
 * once per `refractorySec`. Fixed-size rings, no allocation per frame.
 */
export class OnsetDetector {
  readonly options: OnsetOptions;
  private floorDb = Infinity;
  private readonly energies: Float32Array;
  private eHead = 0;
  private eCount = 0;
  private readonly scratch: Float32Array;
  /** Frames left in which a flux peak may still mark the onset of the current rising edge. */
  private armed = 0;
  private readonly flux: Float32Array;
  private head = 0;
  private n = 0;
  private readonly fluxScratch: Float32Array;
  private sinceOnset = Infinity;
  private wasAbove = false;
  private afterSilence = false;

  constructor(options: Partial<OnsetOptions> = {}) {
    this.options = { ...DEFAULT_ONSET, ...options };
    this.flux = new Float32Array(Math.max(2, Math.round(this.options.fluxWindowSec * this.options.frameRate)));
    this.energies = new Float32Array(Math.max(2, Math.round(this.options.floorWindowSec * this.options.frameRate)));
    this.scratch = new Float32Array(this.energies.length);
    this.fluxScratch = new Float32Array(this.flux.length);
  }

  /** Feeds one frame; returns true when it is an onset. */
  update(energyDb: number, flux: number): boolean {
    const o = this.options;
    const dt = 1 / o.frameRate;
    // Digital silence (< −100 dBFS: padding, muted input) says nothing about the acoustic noise floor, and
    // the flux of the frame after it (from −∞ to the room noise) would swamp the flux statistics.
    if (energyDb <= -100) {
      this.afterSilence = true;
      this.sinceOnset += dt;
      return false;
    }
    if (this.afterSilence) {
      this.afterSilence = false;
      flux = 0;
    }
    {
      this.energies[this.eHead] = energyDb;
      this.eHead = (this.eHead + 1) % this.energies.length;
      if (this.eCount < this.energies.length) this.eCount++;
      // 10th percentile rather than the minimum: one quiet frame (a fade-in) must not pin the floor
      const sorted = this.scratch.subarray(0, this.eCount);
      sorted.set(this.energies.subarray(0, this.eCount));
      sorted.sort();
      this.floorDb = sorted[Math.floor(this.eCount * 0.1)]!;
    }
    // Median and MAD of the recent flux: robust to the few huge values of a fade-in or a previous attack.
    const f = this.fluxScratch.subarray(0, this.n);
    f.set(this.flux.subarray(0, this.n));
    f.sort();
    const median = this.n === 0 ? 0 : f[this.n >> 1]!;
    for (let i = 0; i < this.n; i++) f[i] = Math.abs(f[i]! - median);
    f.sort();
    const sigma = this.n === 0 ? 0 : 1.4826 * f[this.n >> 1]!;
    const above = energyDb > this.floorDb + o.energyMarginDb;
    this.sinceOnset += dt;
    // An onset is the rising edge of "loud and spectrally new"; staying loud is not a new onset, and the
    // level must fall back to half the margin (hysteresis) before another edge counts.
    // The flux peak of an attack may trail the energy edge by a few frames, so an edge stays armed briefly.
    if (above && !this.wasAbove) this.armed = Math.max(1, Math.round(0.08 * o.frameRate));
    const onset = this.armed > 0 && above && flux > median + o.fluxK * sigma && this.sinceOnset >= o.refractorySec && this.n >= this.flux.length / 4;
    if (this.armed > 0) this.armed--;
    if (onset) this.armed = 0;
    if (above) this.wasAbove = true;
    else if (energyDb < this.floorDb + o.energyMarginDb / 2) this.wasAbove = false;
    if (onset) this.sinceOnset = 0;
    if (this.n < this.flux.length) this.n++;
    this.flux[this.head] = flux;
    this.head = (this.head + 1) % this.flux.length;
    return onset;
  }

  /** Current noise floor estimate, dBFS. */
  noiseFloorDb(): number {
    return this.floorDb;
  }

  reset(): void {
    this.floorDb = Infinity;
    this.eHead = 0;
    this.eCount = 0;
    this.head = 0;
    this.n = 0;
    this.sinceOnset = Infinity;
    this.wasAbove = false;
    this.afterSilence = false;
    this.armed = 0;
  }
}
