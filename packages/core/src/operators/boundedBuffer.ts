import { Observable, type OperatorFunction } from 'rxjs';

export interface BoundedBufferOptions<T> {
  /** Most messages held; when full the oldest is dropped. */
  size: number;
  /** Each emission of `flush$` emits the held messages (oldest first) as an array, if any. */
  flush$: Observable<unknown>;
  /** Called once per dropped message with the running total, so the node can count drops. */
  onDrop?: (dropped: T, droppedTotal: number) => void;
}

/**
 * Collects messages between flushes in a ring of at most `size` (drop-oldest, counted), e.g. the IMU
 * samples that arrived since the last camera frame. Unlike `buffer`, memory is bounded whatever the
 * input rate. Held messages are emitted on completion of the source.
 *
 * @example
 * imu$.pipe(boundedBuffer({ size: 32, flush$: image$, onDrop: () => diagnostics.drops++ }))
 *   .subscribe((imuSinceLastFrame) => integrate(imuSinceLastFrame));
 */
export function boundedBuffer<T>(options: BoundedBufferOptions<T>): OperatorFunction<T, T[]> {
  const { size, flush$, onDrop } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`boundedBuffer: size must be an integer ≥ 1, got ${size}`);
  return (source) =>
    new Observable<T[]>((subscriber) => {
      // Ring buffer preallocated once per subscription: no allocation per message.
      const ring = new Array<T | undefined>(size).fill(undefined);
      let head = 0;
      let count = 0;
      let droppedTotal = 0;
      const flush = (): void => {
        if (count === 0) return;
        const out = new Array<T>(count);
        for (let k = 0; k < count; k++) {
          const slot = (head + k) % size;
          out[k] = ring[slot] as T;
          ring[slot] = undefined;
        }
        head = 0;
        count = 0;
        subscriber.next(out);
      };
      subscriber.add(flush$.subscribe({ next: flush, error: (err: unknown) => subscriber.error(err) }));
      subscriber.add(
        source.subscribe({
          next: (value) => {
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
            flush();
            subscriber.complete();
          },
        }),
      );
    });
}
