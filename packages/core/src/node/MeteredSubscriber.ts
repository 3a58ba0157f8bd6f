import { Subscriber } from 'rxjs';
import type { Clock } from '../clock/Clock.js';
import type { ArrivalRate } from '../diagnostics/ArrivalRate.js';

/**
 * Records each message's arrival on a rate meter, then hands it on. A Subscriber (not an observer
 * object) so the transport passes it through without another guard layer: the node context's own guard
 * sits downstream, around the node's handler.
 */
export class MeteredSubscriber<T> extends Subscriber<T> {
  readonly #meter: ArrivalRate;
  readonly #clock: Clock;

  constructor(destination: Subscriber<T>, meter: ArrivalRate, clock: Clock) {
    super(destination);
    this.#meter = meter;
    this.#clock = clock;
  }

  protected override _next(value: T): void {
    this.#meter.record(this.#clock.nowSec());
    this.destination.next(value);
  }
}
