import { Observable } from 'rxjs';
import type { Subscriber, Subscription } from 'rxjs';
import { SensoriumError } from '../errors/SensoriumError.js';
import { fromNs, fromSec, toNs } from '../time/Time.js';
import type { Time } from '../time/Time.js';
import type { Transport } from '../transport/Transport.js';
import type { Clock } from './Clock.js';

export interface SimClockOptions {
  /** Time at construction. Default 0. */
  start?: Time;
}

interface Timer {
  readonly periodNs: bigint;
  nextNs: bigint;
  readonly subscriber: Subscriber<Time>;
}

/**
 * Simulated time (ROS `use_sim_time`): it moves only when told to, by the simulator (`advanceBy`,
 * `advanceTo`) or by `rosgraph_msgs/Clock` messages (`followTopic`). Timers from `interval()` fire once
 * for every period crossed, in time order across timers (ties in creation order), with `now()` equal to
 * the tick's own time while it fires, so simulations are deterministic however large the step.
 *
 * Time going backwards (a bag restarting) resets every timer to fire one period after the new time,
 * as rclcpp does on a time jump back.
 */
export class SimClock implements Clock {
  readonly kind = 'sim';
  #nowNs: bigint;
  #now: Time;
  #nowSec: number;
  readonly #timers: Timer[] = [];
  #advancing = false;

  constructor(options: SimClockOptions = {}) {
    this.#nowNs = toNs(options.start ?? { sec: 0, nanosec: 0 });
    this.#now = Object.freeze(fromNs(this.#nowNs));
    this.#nowSec = this.#now.sec + this.#now.nanosec * 1e-9;
  }

  /** The current time. The object is frozen and shared until time moves: nothing allocates per call. */
  now(): Time {
    return this.#now;
  }

  nowSec(): number {
    return this.#nowSec;
  }

  interval(periodSec: number): Observable<Time> {
    if (!(periodSec > 0) || !Number.isFinite(periodSec)) {
      throw new SensoriumError('interval period must be a positive number of seconds', {
        context: { expected: 'periodSec > 0', actual: String(periodSec) },
      });
    }
    const periodNs = BigInt(Math.max(1, Math.round(periodSec * 1e9)));
    return new Observable<Time>((subscriber) => {
      const timer: Timer = { periodNs, nextNs: this.#nowNs + periodNs, subscriber };
      this.#timers.push(timer);
      return () => {
        const i = this.#timers.indexOf(timer);
        if (i >= 0) this.#timers.splice(i, 1);
      };
    });
  }

  /** Moves time to `time`, firing every timer tick on the way. */
  advanceTo(time: Time): this {
    if (this.#advancing) {
      throw new SensoriumError('SimClock.advanceTo called from inside a timer tick', {
        context: { expected: 'advance the clock from outside its own timers' },
      });
    }
    const targetNs = toNs(time);
    if (targetNs < this.#nowNs) {
      this.#set(targetNs);
      for (const timer of this.#timers) timer.nextNs = targetNs + timer.periodNs;
      return this;
    }
    this.#advancing = true;
    try {
      for (;;) {
        let due: Timer | undefined;
        for (const timer of this.#timers) {
          if (timer.nextNs <= targetNs && (due === undefined || timer.nextNs < due.nextNs)) due = timer;
        }
        if (due === undefined) break;
        this.#set(due.nextNs);
        due.nextNs += due.periodNs;
        due.subscriber.next(this.#now);
      }
      this.#set(targetNs);
    } finally {
      this.#advancing = false;
    }
    return this;
  }

  /** Moves time forward by `seconds`. */
  advanceBy(seconds: number): this {
    return this.advanceTo(fromNs(this.#nowNs + toNs(fromSec(seconds))));
  }

  /** Follows `rosgraph_msgs/msg/Clock` on `topic` (default `/clock`), as a ROS node with use_sim_time does. */
  followTopic(transport: Transport, topic = '/clock'): Subscription {
    // ClockQoS in rclcpp: best effort, keep last 1 (hears reliable and best-effort publishers).
    return transport
      .subscribe(topic, 'rosgraph_msgs/msg/Clock', { reliability: 'best_effort', depth: 1 })
      .subscribe((message) => {
        this.advanceTo(message.clock);
      });
  }

  #set(ns: bigint): void {
    if (ns === this.#nowNs) return;
    this.#nowNs = ns;
    this.#now = Object.freeze(fromNs(ns));
    this.#nowSec = this.#now.sec + this.#now.nanosec * 1e-9;
  }
}
