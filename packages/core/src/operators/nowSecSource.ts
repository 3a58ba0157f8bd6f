import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { Clock } from '../clock/Clock.js';

/** Where the time-based operators read "now": a Sensorium Clock, else an RxJS scheduler. */
export interface TimeSourceOptions {
  /** Node clock (sim time in simulation). Takes precedence over `scheduler`. */
  clock?: Clock;
  /** RxJS scheduler (e.g. the TestScheduler in marble tests). Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

/** Returns a function giving the current time in seconds from the clock or the scheduler. */
export function nowSecSource(options: TimeSourceOptions): () => number {
  const { clock } = options;
  if (clock !== undefined) return () => clock.nowSec();
  const scheduler = options.scheduler ?? asyncScheduler;
  return () => scheduler.now() / 1000;
}
