import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { Clock } from '../clock/Clock.js';

/** A staleness transition. */
export interface WatchdogEvent {
  /** true: no message for `timeoutSec`; false: messages flowing again (or the first one arrived). */
  stale: boolean;
  /** When the transition was detected, seconds on the watchdog's time source. */
  atSec: number;
  /** Seconds since the last message (or since subscription if none) at detection. */
  silentForSec: number;
}

export interface WatchdogOptions {
  /** Silence longer than this (seconds) makes the input stale. */
  timeoutSec: number;
  /**
   * Node clock. When given, staleness is checked on `clock.interval(checkPeriodSec)` ticks, so it
   * follows sim time (a paused simulation never goes stale). Otherwise a timer on `scheduler` fires
   * exactly `timeoutSec` after the last message.
   */
  clock?: Clock;
  /** With `clock`: how often to check. Default timeoutSec / 4. */
  checkPeriodSec?: number;
  /** Without `clock`: RxJS scheduler for the timer (TestScheduler in marble tests). Default asyncScheduler. */
  scheduler?: SchedulerLike;
}

/**
 * Emits stale/fresh transitions of a topic: `{stale: true}` when no message arrived for `timeoutSec`
 * (counted from subscription until the first message), `{stale: false}` on the first message and on
 * the first message after a stale period. Never repeats a state. Completes with the source.
 *
 * @example
 * lidar$.pipe(watchdog({ timeoutSec: 0.3, clock })).subscribe(({ stale }) => supervisor.setLidarStale(stale));
 */
export function watchdog<T>(options: WatchdogOptions): OperatorFunction<T, WatchdogEvent> {
  const { timeoutSec, clock } = options;
  if (!(timeoutSec > 0)) throw new RangeError(`watchdog: timeoutSec must be > 0, got ${timeoutSec}`);
  const checkPeriodSec = options.checkPeriodSec ?? timeoutSec / 4;
  if (!(checkPeriodSec > 0)) throw new RangeError(`watchdog: checkPeriodSec must be > 0, got ${checkPeriodSec}`);
  const scheduler = options.scheduler ?? asyncScheduler;
  const nowSec = clock !== undefined ? () => clock.nowSec() : () => scheduler.now() / 1000;

  return (source) =>
    new Observable<WatchdogEvent>((subscriber) => {
      let lastSec = nowSec();
      let state: 'unknown' | 'fresh' | 'stale' = 'unknown';
      const check = (): void => {
        const now = nowSec();
        const silent = now - lastSec;
        if (state !== 'stale' && silent >= timeoutSec) {
          state = 'stale';
          subscriber.next({ stale: true, atSec: now, silentForSec: silent });
        }
      };
      // Called on the first message after a stale period (or ever); re-arms the scheduler timer.
      let onFresh: (() => void) | undefined;
      if (clock !== undefined) {
        subscriber.add(clock.interval(checkPeriodSec).subscribe({ next: check, error: (err: unknown) => subscriber.error(err) }));
      } else {
        // One pending timer at a time, re-armed only when it fires: messages themselves schedule
        // nothing, so a 1 kHz topic costs one timer per timeout period.
        let timer: Subscription | undefined;
        const arm = (delaySec: number): void => {
          timer = scheduler.schedule(onTimer, Math.max(0, delaySec * 1000));
          subscriber.add(timer);
        };
        const onTimer = (): void => {
          if (timer !== undefined) subscriber.remove(timer);
          timer = undefined;
          const remaining = lastSec + timeoutSec - nowSec();
          if (remaining > 1e-9) arm(remaining);
          else check();
        };
        arm(timeoutSec);
        onFresh = () => {
          if (timer === undefined) arm(timeoutSec);
        };
      }
      subscriber.add(
        source.subscribe({
          next: () => {
            lastSec = nowSec();
            if (state !== 'fresh') {
              state = 'fresh';
              subscriber.next({ stale: false, atSec: lastSec, silentForSec: 0 });
              onFresh?.();
            }
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
    });
}
