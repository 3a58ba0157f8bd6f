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
   * Messages per second from the samples in the last `windowSec`: 1 / mean period, (n − 1) / (newest −
   * oldest), which is exact for periodic topics whatever the window's phase. Once the topic has been
   * silent for longer than a mean period, n / (now − oldest) instead, so the rate decays towards 0
   * (and is 0 when the window is empty). A single sample gives 1 / windowSec once a whole window
   * has been observed, 0 before.
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
    if (n === 0) return 0;
    const observedSec = this.startSec === undefined ? 0 : nowSec - this.startSec;
    const oldest = this.times[this.head] as number;
    const newest = this.times[(this.head + n - 1) % capacity] as number;
    const span = newest - oldest;
    if (n === 1 || span <= 0) return observedSec >= this.windowSec ? n / this.windowSec : 0;
    const meanPeriod = span / (n - 1);
    if (nowSec - newest <= meanPeriod) return 1 / meanPeriod;
    return n / (nowSec - oldest);
  }

  reset(): this {
    this.head = 0;
    this.count = 0;
    this.startSec = undefined;
    return this;
  }
}
