/**
 * The last `capacity` samples of a value in a flat ring, with percentiles computed on demand. Recording
 * allocates nothing; `percentiles()` sorts a scratch copy (diagnostics run at 1 Hz, not per message).
 */
export class SampleRing {
  readonly #values: Float64Array;
  #next = 0;
  #size = 0;
  #total = 0;

  constructor(capacity = 512) {
    this.#values = new Float64Array(capacity);
  }

  push(value: number): void {
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#values.length;
    if (this.#size < this.#values.length) this.#size++;
    this.#total++;
  }

  /** Samples ever recorded. */
  get total(): number {
    return this.#total;
  }

  get size(): number {
    return this.#size;
  }

  /** Nearest-rank percentiles (0..100) over the samples held; NaN when empty. */
  percentiles(ps: readonly number[]): number[] {
    if (this.#size === 0) return ps.map(() => Number.NaN);
    const sorted = this.#values.slice(0, this.#size).sort();
    return ps.map((p) => sorted[Math.min(this.#size - 1, Math.max(0, Math.ceil((p / 100) * this.#size) - 1))] ?? Number.NaN);
  }

  max(): number {
    let m = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.#size; i++) m = Math.max(m, this.#values[i] ?? m);
    return this.#size === 0 ? Number.NaN : m;
  }
}
