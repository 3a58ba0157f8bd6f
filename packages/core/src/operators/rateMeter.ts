import { Observable, type OperatorFunction } from 'rxjs';
import { nowSecSource, type TimeSourceOptions } from './nowSecSource.js';
import { RateWindow } from './RateWindow.js';

export interface RateMeterOptions extends TimeSourceOptions {
  /** Sliding window length in seconds. Default 1. */
  windowSec?: number;
  /** Ring capacity; bounds memory at very high rates. Default 4096. */
  maxSamples?: number;
  /**
   * Emit the rate on each emission of this observable (e.g. the 1 Hz diagnostics tick) instead of on
   * every message; the rate then decays to 0 when the topic goes silent.
   */
  emitOn$?: Observable<unknown>;
}

/**
 * Measures a topic's rate in messages per second over a sliding window of arrival times (from the
 * node clock, or the scheduler). Emits a number after every message, or on `emitOn$` ticks.
 *
 * @example
 * lidar$.pipe(rateMeter({ windowSec: 2, clock, emitOn$: clock.interval(1) }))
 *   .subscribe((hz) => diagnostics.set('lidar/points rate', hz));
 */
export function rateMeter<T>(options: RateMeterOptions = {}): OperatorFunction<T, number> {
  const windowOptions = { windowSec: options.windowSec ?? 1, maxSamples: options.maxSamples ?? 4096 };
  // Validate eagerly so a bad option fails where the pipeline is built.
  new RateWindow(windowOptions);
  const now = nowSecSource(options);
  const { emitOn$ } = options;
  return (source) =>
    new Observable<number>((subscriber) => {
      const window = new RateWindow(windowOptions).start(now());
      if (emitOn$ !== undefined) {
        subscriber.add(
          emitOn$.subscribe({ next: () => subscriber.next(window.rateHz(now())), error: (err: unknown) => subscriber.error(err) }),
        );
      }
      subscriber.add(
        source.subscribe({
          next: () => {
            const t = now();
            window.record(t);
            if (emitOn$ === undefined) subscriber.next(window.rateHz(t));
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
    });
}
