import type { Subscription } from 'rxjs';
import type { Clock } from '../clock/Clock.js';
import type { Transport } from '../transport/Transport.js';
import type { GraphDiagnostics } from './GraphDiagnostics.js';
import { toDiagnosticArray } from './toDiagnosticArray.js';

export interface DiagnosticsPublisherOptions {
  transport: Transport;
  clock: Clock;
  /** Takes the snapshot to publish. */
  snapshot: () => GraphDiagnostics;
  /** Default `/diagnostics`. */
  topic?: string;
  /** Period in seconds of `clock` time. Default 1 (1 Hz, as diagnostic_updater). */
  periodSec?: number;
}

/** Publishes `diagnostic_msgs/DiagnosticArray` every `periodSec` of the graph clock. `stop()` twice is safe. */
export class DiagnosticsPublisher {
  readonly #subscription: Subscription;
  readonly #close: () => void;

  constructor(options: DiagnosticsPublisherOptions) {
    const publisher = options.transport.advertise(options.topic ?? '/diagnostics', 'diagnostic_msgs/msg/DiagnosticArray');
    this.#close = () => publisher.close();
    this.#subscription = options.clock.interval(options.periodSec ?? 1).subscribe(() => {
      publisher.publish(toDiagnosticArray(options.snapshot()));
    });
  }

  stop(): void {
    this.#subscription.unsubscribe();
    this.#close();
  }
}
