import { BehaviorSubject, switchMap, type Observable } from 'rxjs';
import { SimClock, type Clock, type Time } from '@sensorium/core';

/**
 * The clock of whichever scenario session is running, for long-lived consumers (the viz server) that
 * outlive sessions: each scenario starts its own SimClock at 0, as its message stamps do.
 */
export class SessionClock implements Clock {
  readonly kind = 'sim' as const;
  private readonly current = new BehaviorSubject<Clock>(new SimClock());

  use(clock: Clock): void {
    this.current.next(clock);
  }

  now(): Time {
    return this.current.value.now();
  }

  nowSec(): number {
    return this.current.value.nowSec();
  }

  interval(periodSec: number): Observable<Time> {
    return this.current.pipe(switchMap((clock) => clock.interval(periodSec)));
  }
}
