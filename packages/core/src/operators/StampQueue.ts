/**
 * A double-ended queue of messages with their stamps (integer nanoseconds relative to a base, see
 * ApproximateTimeSyncPolicy), in a ring buffer: pushing and popping at either end is O(1) and, once
 * the ring has grown to the queue's working size, allocates nothing. Internal to the operators.
 */
export class StampQueue<M> {
  private messages: (M | undefined)[];
  private stamps: Float64Array;
  private head = 0;
  private length = 0;
  private mask: number;

  constructor(initialCapacity = 16) {
    let capacity = 1;
    while (capacity < initialCapacity) capacity <<= 1;
    this.messages = new Array<M | undefined>(capacity).fill(undefined);
    this.stamps = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.length;
  }

  /** Stamp of the oldest message; the queue must not be empty. */
  frontStamp(): number {
    return this.stamps[this.head] as number;
  }

  /** Stamp of the newest message; the queue must not be empty. */
  backStamp(): number {
    return this.stamps[(this.head + this.length - 1) & this.mask] as number;
  }

  /** The oldest message; the queue must not be empty. */
  front(): M {
    return this.messages[this.head] as M;
  }

  pushBack(message: M, stamp: number): void {
    if (this.length > this.mask) this.grow();
    const i = (this.head + this.length) & this.mask;
    this.messages[i] = message;
    this.stamps[i] = stamp;
    this.length++;
  }

  pushFront(message: M, stamp: number): void {
    if (this.length > this.mask) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.messages[this.head] = message;
    this.stamps[this.head] = stamp;
    this.length++;
  }

  /** Removes and returns the oldest message; the queue must not be empty. */
  popFront(): M {
    const message = this.messages[this.head] as M;
    this.messages[this.head] = undefined; // let the message be collected
    this.head = (this.head + 1) & this.mask;
    this.length--;
    return message;
  }

  /** Moves the newest message of this queue to the front of `to`. */
  moveBackToFrontOf(to: StampQueue<M>): void {
    const i = (this.head + this.length - 1) & this.mask;
    to.pushFront(this.messages[i] as M, this.stamps[i] as number);
    this.messages[i] = undefined;
    this.length--;
  }

  /** Moves the oldest message of this queue to the back of `to`. */
  moveFrontToBackOf(to: StampQueue<M>): void {
    const stamp = this.stamps[this.head] as number;
    to.pushBack(this.popFront(), stamp);
  }

  clear(): void {
    for (let k = 0; k < this.length; k++) this.messages[(this.head + k) & this.mask] = undefined;
    this.head = 0;
    this.length = 0;
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const messages = new Array<M | undefined>(capacity).fill(undefined);
    const stamps = new Float64Array(capacity);
    for (let k = 0; k < this.length; k++) {
      const i = (this.head + k) & this.mask;
      messages[k] = this.messages[i];
      stamps[k] = this.stamps[i] as number;
    }
    this.messages = messages;
    this.stamps = stamps;
    this.head = 0;
    this.mask = capacity - 1;
  }
}
