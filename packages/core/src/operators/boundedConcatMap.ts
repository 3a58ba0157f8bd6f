import { from, Observable, type ObservableInput, type OperatorFunction, type Subscription } from 'rxjs';

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
      const ring = new Array<T | undefined>(size).fill(undefined);
      let head = 0;
      let count = 0;
      let droppedTotal = 0;
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
        if (count > 0) {
          const value = ring[head] as T;
          ring[head] = undefined;
          head = (head + 1) % size;
          count--;
          run(value);
        } else if (sourceDone) {
          subscriber.complete();
        }
      };
      subscriber.add(() => inner?.unsubscribe());
      subscriber.add(
        source.subscribe({
          next: (value) => {
            if (inner === undefined && count === 0) {
              run(value);
              return;
            }
            if (count === size) {
              const dropped = ring[head] as T;
              ring[head] = value;
              head = (head + 1) % size;
              droppedTotal++;
              onDrop?.(dropped, droppedTotal);
              return;
            }
            ring[(head + count) % size] = value;
            count++;
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            sourceDone = true;
            if (inner === undefined && count === 0) subscriber.complete();
          },
        }),
      );
    });
}
