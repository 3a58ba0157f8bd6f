import type { Observable } from 'rxjs';
import type { Time } from '../time/Time.js';

/**
 * The time nodes see. `SystemClock` in real time; `SimClock` when `use_sim_time` is set, advanced by
 * the `clock` topic (or directly by the simulator in one process). Nodes never call Date.now().
 */
export interface Clock {
  readonly kind: 'system' | 'sim';
  now(): Time;
  /** now() in seconds. */
  nowSec(): number;
  /**
   * Emits `now()` every `periodSec` of this clock's time. On a SimClock, ticks fire while the clock is
   * advanced, once per period crossed, in order, so timers are deterministic in simulation.
   */
  interval(periodSec: number): Observable<Time>;
}
