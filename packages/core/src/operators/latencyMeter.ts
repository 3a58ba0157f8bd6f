import { Observable, type OperatorFunction } from 'rxjs';
import type { Time } from '../time/Time.js';
import { LatencyWindow, type LatencyStats } from './LatencyWindow.js';
import { nowSecSource, type TimeSourceOptions } from './nowSecSource.js';

export interface LatencyMeterOptions<T> extends TimeSourceOptions {
  /** Latencies kept (the window). Default 1000. */
  windowSize?: number;
  /** Stamp of a message. Default `message.header.stamp`. */
  stampOf?: (message: T) => Time;
  /** Emit statistics on each emission of this observable instead of after every message. */
  emitOn$?: Observable<unknown>;
}

function defaultStampOf(message: unknown): Time {
  return (message as { header: { stamp: Time } }).header.stamp;
}

/**
 * Measures `now − header.stamp` (seconds; now from the node clock or the scheduler) over the last
 * `windowSize` messages and emits {@link LatencyStats} (count, min, mean, p50, p99, max) after every
 * message, or on `emitOn$` ticks (preferred on fast topics: one stats object per tick, not per message).
 * A message whose stamp cannot be read is skipped, not fatal.
 *
 * @example
 * cmdVel$.pipe(latencyMeter({ clock, emitOn$: clock.interval(1) }))
 *   .subscribe(({ p99Sec }) => diagnostics.set('sensor→cmd_vel p99', p99Sec));
 */
export function latencyMeter<T>(options: LatencyMeterOptions<T> = {}): OperatorFunction<T, LatencyStats> {
  const size = options.windowSize ?? 1000;
  new LatencyWindow({ size }); // validates the option where the pipeline is built
  const now = nowSecSource(options);
  const stampOf = options.stampOf ?? defaultStampOf;
  const { emitOn$ } = options;
  return (source) =>
    new Observable<LatencyStats>((subscriber) => {
      const window = new LatencyWindow({ size });
      if (emitOn$ !== undefined) {
        subscriber.add(emitOn$.subscribe({ next: () => subscriber.next(window.stats()), error: (err: unknown) => subscriber.error(err) }));
      }
      subscriber.add(
        source.subscribe({
          next: (message) => {
            let stamp: Time;
            try {
              stamp = stampOf(message);
            } catch {
              return;
            }
            const latency = now() - (stamp.sec + stamp.nanosec * 1e-9);
            if (!Number.isFinite(latency)) return;
            window.record(latency);
            if (emitOn$ === undefined) subscriber.next(window.stats());
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
    });
}
