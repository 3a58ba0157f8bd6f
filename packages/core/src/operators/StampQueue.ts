/**
 * A FIFO of messages with their stamps (integer nanoseconds relative to a base, see
 * ApproximateTimeSyncPolicy) kept in parallel arrays, so queueing a message allocates no wrapper
 * object. Internal to the operators; not exported from the package.
 */
export class StampQueue<M> {
  readonly messages: M[] = [];
  readonly stamps: number[] = [];

  get size(): number {
    return this.messages.length;
  }

  /** Stamp of the oldest message; the queue must not be empty. */
  frontStamp(): number {
    return this.stamps[0] as number;
  }

  /** Stamp of the newest message; the queue must not be empty. */
  backStamp(): number {
    return this.stamps[this.stamps.length - 1] as number;
  }

  front(): M {
    return this.messages[0] as M;
  }

  pushBack(message: M, stamp: number): void {
    this.messages.push(message);
    this.stamps.push(stamp);
  }

  pushFront(message: M, stamp: number): void {
    this.messages.unshift(message);
    this.stamps.unshift(stamp);
  }

  popFront(): M {
    this.stamps.shift();
    return this.messages.shift() as M;
  }

  /** Moves the newest message of this queue to the front of `to`. */
  moveBackToFrontOf(to: StampQueue<M>): void {
    const stamp = this.stamps.pop() as number;
    to.pushFront(this.messages.pop() as M, stamp);
  }

  /** Moves the oldest message of this queue to the back of `to`. */
  moveFrontToBackOf(to: StampQueue<M>): void {
    const stamp = this.stamps.shift() as number;
    to.pushBack(this.messages.shift() as M, stamp);
  }

  clear(): void {
    this.messages.length = 0;
    this.stamps.length = 0;
  }
}
