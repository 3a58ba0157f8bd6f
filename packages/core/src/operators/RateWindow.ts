/**
 * Arrival times over a sliding window, in a fixed ring (no allocation per sample). Used by `rateMeter`;
 * exported for nodes that publish rates in their diagnostics without an Observable in between.
 *
 * @example
 * const w = new RateWindow({ windowSec: 1 });
 * w.record(clock.nowSec());
 * w.rateHz(clock.nowSec());
 */
export class RateWindow {
  readonly windowSec: number;
  private readonly times: Float64Array;
  private head = 0;
  private count = 0;
  private startSec: number | undefined;

  constructor(options: { windowSec: number; maxSamples?: number }) {
    if (!(options.windowSec > 0)) throw new RangeError(`RateWindow: windowSec must be > 0, got ${options.windowSec}`);
    const maxSamples = options.maxSamples ?? 4096;
    if (!Number.isInteger(maxSamples) || maxSamples < 2) throw new RangeError('RateWindow: maxSamples must be an integer ≥ 2');
    this.windowSec = options.windowSec;
    this.times = new Float64Array(maxSamples);
  }

  /** Marks the start of observation (before any sample), so early rates are not overestimated. */
  start(nowSec: number): this {
    this.startSec ??= nowSec;
    return this;
  }

  record(nowSec: number): this {
    this.startSec ??= nowSec;
    const capacity = this.times.length;
    this.times[(this.head + this.count) % capacity] = nowSec;
    if (this.count < capacity) this.count++;
    else this.head = (this.head + 1) % capacity;
    return this;
  }

  /**
   * Messages per second over the last `windowSec`: samples in the window / windowSec once a whole
   * window has been observed (so the rate decays to 0 when messages stop); before that, or when
   * the ring is saturated, (n − 1) / (newest − oldest).
   */
  rateHz(nowSec: number): number {
    const capacity = this.times.length;
    const from = nowSec - this.windowSec;
    // Drop samples older than the window.
    while (this.count > 0 && (this.times[this.head] as number) <= from) {
      this.head = (this.head + 1) % capacity;
      this.count--;
    }
    const n = this.count;
    const observedSec = this.startSec === undefined ? 0 : nowSec - this.startSec;
    if (observedSec >= this.windowSec && n < capacity) return n / this.windowSec;
    if (n < 2) return 0;
    const oldest = this.times[this.head] as number;
    const newest = this.times[(this.head + n - 1) % capacity] as number;
    return newest > oldest ? (n - 1) / (newest - oldest) : 0;
  }

  reset(): this {
    this.head = 0;
    this.count = 0;
    this.startSec = undefined;
    return this;
  }
}
