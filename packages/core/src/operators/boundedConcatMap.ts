import { from, Observable, type ObservableInput, type OperatorFunction, type Subscription } from 'rxjs';
import { DropOldestRing } from './DropOldestRing.js';

export interface BoundedConcatMapOptions<T> {
  /** Most inputs waiting while a projection runs; when full the oldest waiting input is dropped. */
  size: number;
  /** Called once per dropped input with the running total, so the node can count drops. */
  onDrop?: (dropped: T, droppedTotal: number) => void;
}

/**
 * `concatMap` with a bounded waiting queue (drop-oldest, counted): a slow stage (an encoder, a model)
 * processes inputs one at a time, and when it falls behind the backlog never exceeds `size` — the
 * freshest inputs are kept. `size: 1` processes the latest input after each run.
 *
 * @example
 * cloud$.pipe(boundedConcatMap((cloud) => encodePoints(cloud), { size: 1, onDrop: () => drops++ }))
 */
export function boundedConcatMap<T, R>(
  project: (value: T, index: number) => ObservableInput<R>,
  options: BoundedConcatMapOptions<T>,
): OperatorFunction<T, R> {
  const { size, onDrop } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`boundedConcatMap: size must be an integer ≥ 1, got ${size}`);
  return (source) =>
    new Observable<R>((subscriber) => {
      const ring = new DropOldestRing<T>(size);
      let index = 0;
      let inner: Subscription | undefined;
      let sourceDone = false;

      const run = (value: T): void => {
        let result: ObservableInput<R>;
        try {
          result = project(value, index++);
        } catch (err) {
          subscriber.error(err);
          return;
        }
        let finished = false;
        const innerSub = from(result).subscribe({
          next: (r) => subscriber.next(r),
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            finished = true;
            inner = undefined;
            next();
          },
        });
        // A synchronous inner completes before subscribe() returns; don't keep its subscription.
        if (!finished) inner = innerSub;
      };
      const next = (): void => {
        if (ring.length > 0) {
          run(ring.shift() as T);
        } else if (sourceDone) {
          subscriber.complete();
        }
      };
      subscriber.add(() => inner?.unsubscribe());
      subscriber.add(
        source.subscribe({
          next: (value) => {
            if (inner === undefined && ring.length === 0) {
              run(value);
              return;
            }
            ring.push(value, onDrop);
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            sourceDone = true;
            if (inner === undefined && ring.length === 0) subscriber.complete();
          },
        }),
      );
    });
}
