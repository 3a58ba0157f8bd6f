import type { Time } from '../time/Time.js';
import { StampQueue } from './StampQueue.js';

/** Options of {@link ApproximateTimeSyncPolicy} and `approximateTimeSync`. */
export interface ApproximateTimeSyncOptions<M> {
  /**
   * Messages kept per topic (queued plus those held back while a candidate set is being proved
   * optimal). When exceeded the oldest message of that topic is dropped. ROS `queue_size`. Default 10.
   */
  queueSize?: number;
  /**
   * Later candidate sets are penalised by the factor (1 + agePenalty) when spans are compared; > 0
   * publishes earlier at some cost in match quality. Default 0.1, as in ros2/message_filters.
   */
  agePenalty?: number;
  /** Sets spanning more than this (seconds) are never emitted. Default: unbounded. */
  maxIntervalDurationSec?: number;
  /**
   * Per topic, the smallest possible gap (seconds) between two consecutive stamps. Does not change
   * the output; lets the policy prove a set optimal (and emit it) before the next message arrives.
   */
  interMessageLowerBoundsSec?: readonly number[];
  /** Stamp of a message. Default `message.header.stamp`. */
  stampOf?: (message: M, topicIndex: number) => Time;
  /** Called for each message dropped because its topic's queue was full (count these in diagnostics). */
  onDrop?: (topicIndex: number, message: M) => void;
}

const NO_PIVOT = -1;

function defaultStampOf(message: unknown): Time {
  return (message as { header: { stamp: Time } }).header.stamp;
}

/**
 * The ApproximateTime policy of ROS message_filters (ros2/message_filters,
 * sync_policies/approximate_time.h), ported step for step so that the same inputs give the same sets:
 * messages are used at most once, sets do not cross, sets are contiguous and of minimal span among
 * the sets contiguous to the previous one, and the output depends only on header stamps (given
 * messages arrive in stamp order per topic and queues are large enough).
 *
 * Stamps are held as integer nanoseconds relative to the first stamp seen, which keeps the arithmetic
 * exact in a double for spans of up to ~104 days. This class is synchronous and transport-free; the
 * `approximateTimeSync` operator wraps it.
 *
 * @example
 * const policy = new ApproximateTimeSyncPolicy<Msg>(2, { queueSize: 10 }, (set) => console.log(set));
 * policy.add(0, imageMsg);
 * policy.add(1, cloudMsg);
 */
export class ApproximateTimeSyncPolicy<M> {
  private readonly topicCount: number;
  private readonly queueSize: number;
  private readonly agePenalty: number;
  private readonly maxIntervalNs: number;
  private readonly lowerBoundsNs: number[];
  private readonly stampOf: (message: M, topicIndex: number) => Time;
  private readonly onDrop: ((topicIndex: number, message: M) => void) | undefined;
  private readonly emit: (set: M[]) => void;

  private readonly deques: StampQueue<M>[] = [];
  private readonly past: StampQueue<M>[] = [];
  private readonly candidate: (M | undefined)[];
  private readonly hasDroppedMessages: boolean[];
  private readonly virtualMoves: number[];
  private numNonEmptyDeques = 0;
  private pivot = NO_PIVOT;
  private pivotTime = 0;
  private candidateStart = 0;
  private candidateEnd = 0;
  private baseSec: number | undefined;

  // Scratch results of the boundary searches (avoids returning tuples on the hot path).
  private boundaryIndex = 0;
  private boundaryTime = 0;

  constructor(topicCount: number, options: ApproximateTimeSyncOptions<M>, emit: (set: M[]) => void) {
    if (!Number.isInteger(topicCount) || topicCount < 2 || topicCount > 9) {
      throw new RangeError(`approximateTimeSync: 2 to 9 sources expected, got ${topicCount}`);
    }
    const queueSize = options.queueSize ?? 10;
    if (!Number.isInteger(queueSize) || queueSize < 1) {
      throw new RangeError(`approximateTimeSync: queueSize must be an integer ≥ 1, got ${queueSize}`);
    }
    const agePenalty = options.agePenalty ?? 0.1;
    if (!(agePenalty >= 0)) throw new RangeError(`approximateTimeSync: agePenalty must be ≥ 0, got ${agePenalty}`);
    const maxInterval = options.maxIntervalDurationSec ?? Infinity;
    if (!(maxInterval >= 0)) {
      throw new RangeError(`approximateTimeSync: maxIntervalDurationSec must be ≥ 0, got ${maxInterval}`);
    }
    this.topicCount = topicCount;
    this.queueSize = queueSize;
    this.agePenalty = agePenalty;
    this.maxIntervalNs = maxInterval === Infinity ? Infinity : Math.round(maxInterval * 1e9);
    this.lowerBoundsNs = [];
    for (let i = 0; i < topicCount; i++) {
      const bound = options.interMessageLowerBoundsSec?.[i] ?? 0;
      if (!(bound >= 0)) throw new RangeError(`approximateTimeSync: interMessageLowerBoundsSec[${i}] must be ≥ 0`);
      this.lowerBoundsNs.push(Math.round(bound * 1e9));
      // queueSize + 1 messages may be held while processing; start the rings at that size.
      const capacity = Math.min(queueSize + 2, 1024);
      this.deques.push(new StampQueue<M>(capacity));
      this.past.push(new StampQueue<M>(capacity));
    }
    this.stampOf = options.stampOf ?? defaultStampOf;
    this.onDrop = options.onDrop;
    this.emit = emit;
    this.candidate = new Array<M | undefined>(topicCount).fill(undefined);
    this.hasDroppedMessages = new Array<boolean>(topicCount).fill(false);
    this.virtualMoves = new Array<number>(topicCount).fill(0);
  }

  /** Adds a message of topic `topicIndex`; emits zero or more sets synchronously. */
  add(topicIndex: number, message: M): void {
    const deque = this.deques[topicIndex];
    const past = this.past[topicIndex];
    if (deque === undefined || past === undefined) {
      throw new RangeError(`approximateTimeSync: topic index ${topicIndex} out of range`);
    }
    deque.pushBack(message, this.relativeNs(this.stampOf(message, topicIndex)));
    if (deque.size === 1) {
      // It was empty before.
      this.numNonEmptyDeques++;
      if (this.numNonEmptyDeques === this.topicCount) this.process();
    }
    // During process() a queue may hold queueSize + 1 messages.
    if (deque.size + past.size > this.queueSize) {
      // Cancel the ongoing candidate search, if any.
      this.numNonEmptyDeques = 0;
      for (let i = 0; i < this.topicCount; i++) this.recoverAll(i);
      const dropped = deque.popFront();
      this.hasDroppedMessages[topicIndex] = true;
      this.onDrop?.(topicIndex, dropped);
      if (this.pivot !== NO_PIVOT) {
        // The candidate is no longer valid; there may still be enough messages for a new one.
        this.candidate.fill(undefined);
        this.pivot = NO_PIVOT;
        this.process();
      }
    }
  }

  /** Messages currently held (queued or held back), per topic. */
  queuedCount(topicIndex: number): number {
    return (this.deques[topicIndex]?.size ?? 0) + (this.past[topicIndex]?.size ?? 0);
  }

  private relativeNs(stamp: Time): number {
    if (this.baseSec === undefined) this.baseSec = stamp.sec;
    return (stamp.sec - this.baseSec) * 1e9 + stamp.nanosec;
  }

  private dequeDeleteFront(i: number): void {
    const deque = this.deques[i] as StampQueue<M>;
    deque.popFront();
    if (deque.size === 0) this.numNonEmptyDeques--;
  }

  private dequeMoveFrontToPast(i: number): void {
    const deque = this.deques[i] as StampQueue<M>;
    deque.moveFrontToBackOf(this.past[i] as StampQueue<M>);
    if (deque.size === 0) this.numNonEmptyDeques--;
  }

  private makeCandidate(): void {
    for (let i = 0; i < this.topicCount; i++) {
      this.candidate[i] = (this.deques[i] as StampQueue<M>).front();
      // A better candidate was found: the messages held back so far can never be used.
      (this.past[i] as StampQueue<M>).clear();
    }
  }

  private recover(i: number, count: number): void {
    const past = this.past[i] as StampQueue<M>;
    const deque = this.deques[i] as StampQueue<M>;
    for (let k = 0; k < count; k++) past.moveBackToFrontOf(deque);
    if (deque.size > 0) this.numNonEmptyDeques++;
  }

  private recoverAll(i: number): void {
    this.recover(i, (this.past[i] as StampQueue<M>).size);
  }

  private recoverAndDelete(i: number): void {
    const past = this.past[i] as StampQueue<M>;
    const deque = this.deques[i] as StampQueue<M>;
    while (past.size > 0) past.moveBackToFrontOf(deque);
    deque.popFront();
    if (deque.size > 0) this.numNonEmptyDeques++;
  }

  private publishCandidate(): void {
    const set = this.candidate.slice() as M[];
    this.candidate.fill(undefined);
    this.pivot = NO_PIVOT;
    // Recover the held-back messages and delete the ones used by the set.
    this.numNonEmptyDeques = 0;
    for (let i = 0; i < this.topicCount; i++) this.recoverAndDelete(i);
    // Emitted after the state is consistent, so a re-entrant add() from a subscriber is safe.
    this.emit(set);
  }

  /** end = true: latest head of the queues; false: earliest. Result in boundaryIndex/boundaryTime. */
  private candidateBoundary(end: boolean): void {
    let time = (this.deques[0] as StampQueue<M>).frontStamp();
    let index = 0;
    for (let i = 1; i < this.topicCount; i++) {
      const t = (this.deques[i] as StampQueue<M>).frontStamp();
      if (t < time !== end) {
        time = t;
        index = i;
      }
    }
    this.boundaryIndex = index;
    this.boundaryTime = time;
  }

  private virtualTime(i: number): number {
    const deque = this.deques[i] as StampQueue<M>;
    if (deque.size === 0) {
      // The next message of this topic cannot be earlier than the last one plus the lower bound.
      const lowerBound = (this.past[i] as StampQueue<M>).backStamp() + (this.lowerBoundsNs[i] as number);
      return lowerBound > this.pivotTime ? lowerBound : this.pivotTime;
    }
    return deque.frontStamp();
  }

  private virtualCandidateBoundary(end: boolean): void {
    let time = this.virtualTime(0);
    let index = 0;
    for (let i = 1; i < this.topicCount; i++) {
      const t = this.virtualTime(i);
      if (t < time !== end) {
        time = t;
        index = i;
      }
    }
    this.boundaryIndex = index;
    this.boundaryTime = time;
  }

  private process(): void {
    const n = this.topicCount;
    const ageFactor = 1 + this.agePenalty;
    while (this.numNonEmptyDeques === n) {
      this.candidateBoundary(true);
      const endIndex = this.boundaryIndex;
      const endTime = this.boundaryTime;
      this.candidateBoundary(false);
      const startIndex = this.boundaryIndex;
      const startTime = this.boundaryTime;
      for (let i = 0; i < n; i++) {
        // No dropped message could have been better than the ones we have, so this topic may pivot.
        if (i !== endIndex) this.hasDroppedMessages[i] = false;
      }
      if (this.pivot === NO_PIVOT) {
        if (endTime - startTime > this.maxIntervalNs) {
          // Too wide to be a valid candidate; move on.
          this.dequeDeleteFront(startIndex);
          continue;
        }
        if (this.hasDroppedMessages[endIndex] === true) {
          // The topic that would pivot has dropped messages, so it is not a good pivot.
          this.dequeDeleteFront(startIndex);
          continue;
        }
        this.makeCandidate();
        this.candidateStart = startTime;
        this.candidateEnd = endTime;
        this.pivot = endIndex;
        this.pivotTime = endTime;
        this.dequeMoveFrontToPast(startIndex);
      } else if ((endTime - this.candidateEnd) * ageFactor >= startTime - this.candidateStart) {
        // Not better than the current candidate.
        this.dequeMoveFrontToPast(startIndex);
      } else {
        // Better: keep the same pivot.
        this.makeCandidate();
        this.candidateStart = startTime;
        this.candidateEnd = endTime;
        this.dequeMoveFrontToPast(startIndex);
      }
      if (startIndex === this.pivot) {
        // All candidates for this pivot are exhausted.
        this.publishCandidate();
      } else if ((endTime - this.candidateEnd) * ageFactor >= this.pivotTime - this.candidateStart) {
        // Provably optimal: any future candidate contains [pivotTime, endTime], already too wide.
        this.publishCandidate();
      } else if (this.numNonEmptyDeques < n) {
        this.virtualSearch(ageFactor);
      }
    }
  }

  /** Uses the inter-message lower bounds to try to prove the candidate optimal before more data. */
  private virtualSearch(ageFactor: number): void {
    const n = this.topicCount;
    this.virtualMoves.fill(0);
    for (;;) {
      this.virtualCandidateBoundary(true);
      const endTime = this.boundaryTime;
      this.virtualCandidateBoundary(false);
      const startIndex = this.boundaryIndex;
      const startTime = this.boundaryTime;
      if ((endTime - this.candidateEnd) * ageFactor >= this.pivotTime - this.candidateStart) {
        // Proved optimal; publishing also undoes the virtual moves.
        this.publishCandidate();
        return;
      }
      if ((endTime - this.candidateEnd) * ageFactor < startTime - this.candidateStart) {
        // An optimistic future candidate would be better: cannot prove optimality. Undo.
        this.numNonEmptyDeques = 0;
        for (let i = 0; i < n; i++) this.recover(i, this.virtualMoves[i] as number);
        return;
      }
      // startIndex !== pivot here (else one of the tests above holds), so the loop terminates. The
      // guard only matters for stamps that break the in-order assumption (e.g. NaN).
      if ((this.deques[startIndex] as StampQueue<M>).size === 0) {
        this.numNonEmptyDeques = 0;
        for (let i = 0; i < n; i++) this.recover(i, this.virtualMoves[i] as number);
        return;
      }
      this.dequeMoveFrontToPast(startIndex);
      this.virtualMoves[startIndex] = (this.virtualMoves[startIndex] as number) + 1;
    }
  }
}
