import { interval, map } from 'rxjs';
import type { Observable, SchedulerLike } from 'rxjs';
import type { Time } from '../time/Time.js';
import type { Clock } from './Clock.js';

export interface SystemClockOptions {
  /** Scheduler for `interval()` (tests pass a TestScheduler). Default: rxjs asyncScheduler. */
  scheduler?: SchedulerLike;
}

/**
 * Wall-clock time (ROS `RCL_SYSTEM_TIME`) with sub-millisecond resolution from
 * `performance.timeOrigin + performance.now()`, so stage latencies below 1 ms are measurable.
 */
export class SystemClock implements Clock {
  readonly kind = 'system';
  readonly #scheduler: SchedulerLike | undefined;

  constructor(options: SystemClockOptions = {}) {
    this.#scheduler = options.scheduler;
  }

  now(): Time {
    const ms = performance.timeOrigin + performance.now();
    const sec = Math.floor(ms / 1000);
    const nanosec = Math.min(999_999_999, Math.round((ms - sec * 1000) * 1e6));
    return { sec, nanosec };
  }

  nowSec(): number {
    return (performance.timeOrigin + performance.now()) / 1000;
  }

  interval(periodSec: number): Observable<Time> {
    const source = this.#scheduler === undefined ? interval(periodSec * 1000) : interval(periodSec * 1000, this.#scheduler);
    return source.pipe(map(() => this.now()));
  }
}
