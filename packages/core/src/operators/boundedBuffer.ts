import { Observable, type OperatorFunction } from 'rxjs';
import { DropOldestRing } from './DropOldestRing.js';

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
      // Ring preallocated once per subscription: no allocation per message.
      const ring = new DropOldestRing<T>(size);
      const flush = (): void => {
        if (ring.length === 0) return;
        subscriber.next(ring.drain());
      };
      subscriber.add(flush$.subscribe({ next: flush, error: (err: unknown) => subscriber.error(err) }));
      subscriber.add(
        source.subscribe({
          next: (value) => ring.push(value, onDrop),
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            flush();
            subscriber.complete();
          },
        }),
      );
    });
}
