export interface TouchOptions {
  /** A taxel is in contact when its pressure exceeds its baseline by this much (sensor units). */
  contactThreshold: number;
  /** Per-taxel baseline (no-contact level) follows the signal with this time constant, s, while not in contact. 0 = baseline fixed at 0. */
  baselineTauSec: number;
  /** Bump: a new contact, or total pressure rising faster than this (units/s). */
  bumpRate: number;
  /** Width of the published touch token. */
  tokenDim: number;
}

export const DEFAULT_TOUCH: Readonly<TouchOptions> = Object.freeze({ contactThreshold: 0.15, baselineTauSec: 2, bumpRate: 50, tokenDim: 16 });

export interface TouchResult {
  /** Indices of taxels in contact (view into a reused buffer). */
  taxels: Uint32Array;
  /** Σ (pressure − baseline) over contact taxels. */
  totalPressure: number;
  /** Pressure-weighted centroid of the contacts (taxel positions' frame); NaN when no contact. */
  centroid: [number, number, number];
  /** Bearing of the centroid, rad (REP-103), NaN when no contact. */
  bearing: number;
  /** A new contact appeared, or the total pressure jumped (published in the same tick). */
  bump: boolean;
  /** [1, tokenDim] features: contact, total, centroid xyz, bearing cos/sin, count fraction, max, bump, d total/dt. View, reused. */
  token: Float32Array;
}

/**
 * Tactile skin → contacts. Baselines are tracked per taxel (real skins drift and have offsets; a
 * simulated one reads 0 at rest), contacts are taxels above baseline + threshold, bumps are contact onsets
 * or fast pressure rises. Buffers are reused; nothing is allocated per frame after the taxel count settles.
 */
export class TouchProcessor {
  readonly options: TouchOptions;
  private baseline = new Float32Array(0);
  private contacts = new Uint32Array(0);
  private readonly token: Float32Array;
  private initialised = false;
  private wasInContact = false;
  private lastTotal = 0;

  constructor(options: Partial<TouchOptions> = {}) {
    this.options = { ...DEFAULT_TOUCH, ...options };
    this.token = new Float32Array(this.options.tokenDim);
  }

  /**
   * One frame: `pressures` (n), `positions` (3n, may be shorter/empty: centroid then NaN), `dtSec` since
   * the previous frame.
   */
  process(pressures: Float32Array, positions: Float32Array, dtSec: number): TouchResult {
    const n = pressures.length;
    const o = this.options;
    if (this.baseline.length !== n) {
      this.baseline = new Float32Array(n);
      this.contacts = new Uint32Array(n);
      this.initialised = false;
    }
    if (!this.initialised && o.baselineTauSec > 0) {
      for (let i = 0; i < n; i++) this.baseline[i] = Number.isFinite(pressures[i]!) ? pressures[i]! : 0;
    }
    this.initialised = true;
    const alpha = o.baselineTauSec > 0 && dtSec > 0 ? 1 - Math.exp(-dtSec / o.baselineTauSec) : 0;
    let count = 0, total = 0, cx = 0, cy = 0, cz = 0, max = 0;
    const havePositions = positions.length >= 3 * n;
    for (let i = 0; i < n; i++) {
      const p = pressures[i]!;
      if (!Number.isFinite(p)) continue; // a dead taxel is never a contact
      const rel = p - this.baseline[i]!;
      if (rel > o.contactThreshold) {
        this.contacts[count++] = i;
        total += rel;
        if (rel > max) max = rel;
        if (havePositions) {
          cx += rel * positions[3 * i]!;
          cy += rel * positions[3 * i + 1]!;
          cz += rel * positions[3 * i + 2]!;
        }
      } else {
        this.baseline[i] = this.baseline[i]! + alpha * rel;
      }
    }
    const inContact = count > 0;
    const rate = dtSec > 0 ? (total - this.lastTotal) / dtSec : 0;
    const bump = (inContact && !this.wasInContact) || rate > o.bumpRate;
    this.wasInContact = inContact;
    this.lastTotal = total;
    const centroid: [number, number, number] = inContact && havePositions ? [cx / total, cy / total, cz / total] : [NaN, NaN, NaN];
    const bearing = inContact && havePositions ? Math.atan2(centroid[1], centroid[0]) : NaN;
    const t = this.token;
    t.fill(0);
    const feats = [inContact ? 1 : 0, Math.tanh(total / 10), finite(centroid[0]), finite(centroid[1]), finite(centroid[2]), inContact ? Math.cos(bearing) : 0, inContact ? Math.sin(bearing) : 0, n === 0 ? 0 : count / n, Math.tanh(max), bump ? 1 : 0, Math.tanh(rate / 100)];
    for (let k = 0; k < Math.min(t.length, feats.length); k++) t[k] = feats[k]!;
    return { taxels: this.contacts.subarray(0, count), totalPressure: total, centroid, bearing, bump, token: t };
  }

  reset(): void {
    this.initialised = false;
    this.wasInContact = false;
    this.lastTotal = 0;
  }
}

function finite(v: number): number {
  return Number.isFinite(v) ? v : 0;
}
