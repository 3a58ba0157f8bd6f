/** Latency statistics over a bounded window, in seconds. */
export interface LatencyStats {
  count: number;
  minSec: number;
  meanSec: number;
  p50Sec: number;
  p99Sec: number;
  maxSec: number;
}

/**
 * The last `size` latencies in a fixed ring, with percentiles computed on a preallocated scratch
 * array (no allocation per sample). Used by `latencyMeter`; exported for nodes recording stage
 * latencies in diagnostics directly.
 *
 * @example
 * const w = new LatencyWindow({ size: 500 });
 * w.record(clock.nowSec() - toSec(msg.header.stamp));
 * const { p50Sec, p99Sec } = w.stats();
 */
export class LatencyWindow {
  private readonly values: Float64Array;
  private readonly scratch: Float64Array;
  private head = 0;
  private count = 0;

  constructor(options: { size: number }) {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError(`LatencyWindow: size must be an integer ≥ 1, got ${options.size}`);
    }
    this.values = new Float64Array(options.size);
    this.scratch = new Float64Array(options.size);
  }

  get size(): number {
    return this.count;
  }

  record(latencySec: number): this {
    const capacity = this.values.length;
    this.values[(this.head + this.count) % capacity] = latencySec;
    if (this.count < capacity) this.count++;
    else this.head = (this.head + 1) % capacity;
    return this;
  }

  /** Nearest-rank percentiles over the window; all NaN (count 0) when empty. */
  stats(): LatencyStats {
    const n = this.count;
    if (n === 0) return { count: 0, minSec: NaN, meanSec: NaN, p50Sec: NaN, p99Sec: NaN, maxSec: NaN };
    const sorted = this.scratch.subarray(0, n);
    const capacity = this.values.length;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const v = this.values[(this.head + k) % capacity] as number;
      sorted[k] = v;
      sum += v;
    }
    sorted.sort();
    const rank = (p: number): number => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] as number;
    return {
      count: n,
      minSec: sorted[0] as number,
      meanSec: sum / n,
      p50Sec: rank(0.5),
      p99Sec: rank(0.99),
      maxSec: sorted[n - 1] as number,
    };
  }

  reset(): this {
    this.head = 0;
    this.count = 0;
    return this;
  }
}
