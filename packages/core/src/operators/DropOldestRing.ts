/**
 * A fixed-size FIFO that drops its oldest entry when full, counting the drops: the bounded queue behind
 * `boundedBuffer` and `boundedConcatMap`. Preallocated once, so pushing and shifting allocate nothing.
 */
export class DropOldestRing<T> {
  readonly #slots: Array<T | undefined>;
  #head = 0;
  #count = 0;
  #droppedTotal = 0;

  constructor(readonly size: number) {
    this.#slots = new Array<T | undefined>(size).fill(undefined);
  }

  get length(): number {
    return this.#count;
  }

  /** Drops since construction. */
  get droppedTotal(): number {
    return this.#droppedTotal;
  }

  /** Appends `value`; when full, the oldest entry makes room and is passed to `onDrop` with the running total. */
  push(value: T, onDrop?: (dropped: T, droppedTotal: number) => void): void {
    if (this.#count === this.size) {
      const dropped = this.#slots[this.#head] as T;
      this.#slots[this.#head] = value;
      this.#head = (this.#head + 1) % this.size;
      this.#droppedTotal++;
      onDrop?.(dropped, this.#droppedTotal);
      return;
    }
    this.#slots[(this.#head + this.#count) % this.size] = value;
    this.#count++;
  }

  /** Removes and returns the oldest entry (undefined when empty). */
  shift(): T | undefined {
    if (this.#count === 0) return undefined;
    const value = this.#slots[this.#head] as T;
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.size;
    this.#count--;
    return value;
  }

  /** Removes every entry, oldest first, into a new array. */
  drain(): T[] {
    const out = new Array<T>(this.#count);
    for (let k = 0; k < out.length; k++) out[k] = this.shift() as T;
    this.#head = 0;
    return out;
  }
}
