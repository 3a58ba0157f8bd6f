import { Observable, type OperatorFunction } from 'rxjs';

export interface SampleLatestOptions {
  /**
   * Emit the held value again on a trigger even if no new value arrived since the last emission
   * (a control loop that wants its input every tick). Default false: like RxJS `sample`.
   */
  repeat?: boolean;
}

/**
 * Latest-value sampling: holds only the newest source value (a sensor topic never queues) and emits
 * it whenever `trigger$` emits. Nothing is emitted before the first source value. Completes when the
 * source completes.
 *
 * @example
 * // Run the planner at 20 Hz on the freshest odometry, whatever rate odometry arrives at.
 * odom$.pipe(sampleLatest(clock.interval(0.05), { repeat: true })).subscribe(plan);
 */
export function sampleLatest<T>(trigger$: Observable<unknown>, options: SampleLatestOptions = {}): OperatorFunction<T, T> {
  const repeat = options.repeat ?? false;
  return (source) =>
    new Observable<T>((subscriber) => {
      let hasValue = false;
      let fresh = false;
      let latest: T | undefined;
      subscriber.add(
        trigger$.subscribe({
          next: () => {
            if (hasValue && (fresh || repeat)) {
              fresh = false;
              subscriber.next(latest as T);
            }
          },
          error: (err: unknown) => subscriber.error(err),
        }),
      );
      subscriber.add(
        source.subscribe({
          next: (value) => {
            latest = value;
            hasValue = true;
            fresh = true;
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
    });
}
