/**
 * Message rate from the arrival times of the last `capacity` messages (as `ros2 topic hz` does with a
 * window): rate = (n − 1) / (newest − oldest) over arrivals within `windowSec` of now. Allocation-free.
 */
export class ArrivalRate {
  readonly #times: Float64Array;
  #next = 0;
  #size = 0;
  count = 0;

  constructor(capacity = 128) {
    this.#times = new Float64Array(capacity);
  }

  record(nowSec: number): void {
    this.#times[this.#next] = nowSec;
    this.#next = (this.#next + 1) % this.#times.length;
    if (this.#size < this.#times.length) this.#size++;
    this.count++;
  }

  /** Hz over arrivals no older than `windowSec` before `nowSec`; 0 with fewer than two. */
  rateHz(nowSec: number, windowSec = 5): number {
    const cap = this.#times.length;
    let n = 0;
    let oldest = 0;
    let newest = 0;
    for (let k = 1; k <= this.#size; k++) {
      const t = this.#times[(this.#next - k + cap) % cap] ?? 0;
      if (nowSec - t > windowSec) break;
      if (n === 0) newest = t;
      oldest = t;
      n++;
    }
    return n < 2 || newest <= oldest ? 0 : (n - 1) / (newest - oldest);
  }

  /** Arrivals no older than `windowSec` before `nowSec` (at most the capacity). */
  countWithin(nowSec: number, windowSec: number): number {
    const cap = this.#times.length;
    let n = 0;
    for (let k = 1; k <= this.#size; k++) {
      if (nowSec - (this.#times[(this.#next - k + cap) % cap] ?? 0) > windowSec) break;
      n++;
    }
    return n;
  }
}
