import { Observable } from 'rxjs';
import { ApproximateTimeSyncPolicy, type ApproximateTimeSyncOptions } from './ApproximateTimeSyncPolicy.js';

/**
 * Synchronises 2–9 topics by header stamp with the ROS message_filters ApproximateTime policy and
 * emits one tuple per matched set (same order as `sources`). Each message is used at most once, sets
 * never cross, each set has minimal span among the sets contiguous to the previous one, and the
 * output depends only on the stamps, not on arrival order across topics. Queues are bounded by
 * `queueSize` per topic; overflow drops the oldest message and calls `onDrop`.
 *
 * Completes when every source has completed; errors from any source are forwarded.
 *
 * @example
 * const fused$ = approximateTimeSync([image$, cloud$] as const, {
 *   queueSize: 10,
 *   maxIntervalDurationSec: 0.05,
 *   onDrop: (topic) => drops[topic]++,
 * });
 * fused$.subscribe(([image, cloud]) => project(cloud, image));
 */
export function approximateTimeSync<T extends readonly unknown[]>(
  sources: readonly [...{ [K in keyof T]: Observable<T[K]> }],
  options: ApproximateTimeSyncOptions<T[number]> = {},
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const policy = new ApproximateTimeSyncPolicy<T[number]>(sources.length, options, (set) =>
      subscriber.next(set as unknown as T),
    );
    let active = sources.length;
    sources.forEach((source, topicIndex) => {
      subscriber.add(
        (source as Observable<T[number]>).subscribe({
          next: (message) => {
            // A stamp accessor that throws on a malformed message errors the stream instead of
            // escaping as an unhandled error.
            try {
              policy.add(topicIndex, message);
            } catch (err) {
              subscriber.error(err);
            }
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            if (--active === 0) subscriber.complete();
          },
        }),
      );
    });
  });
}
