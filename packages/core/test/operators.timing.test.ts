import { describe, expect, it } from 'vitest';
import { concat, interval, map, NEVER, Subject, take, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  fromSec,
  latencyMeter,
  SimClock,
  LatencyWindow,
  rateMeter,
  RateWindow,
  watchdog,
  type Clock,
  type Header,
  type Time,
  type WatchdogEvent,
} from '@sensorium/core';

const testScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A Clock driven by the TestScheduler's virtual time (1 frame = 1 ms), like a SimClock. */
function virtualClock(scheduler: TestScheduler): Clock {
  return {
    kind: 'sim',
    now: (): Time => fromSec(scheduler.now() / 1000),
    nowSec: () => scheduler.now() / 1000,
    interval: (periodSec: number): Observable<Time> =>
      interval(periodSec * 1000, scheduler).pipe(map(() => fromSec(scheduler.now() / 1000))),
  };
}

const letter = (e: WatchdogEvent): string => (e.stale ? 's' : 'f');

describe('watchdog (scheduler timer)', () => {
  it('goes stale exactly timeoutSec after the last message and fresh on the next', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source$ = cold('a-b------c|');
      expectObservable(source$.pipe(watchdog({ timeoutSec: 0.005 }), map(letter))).toBe('f------s-f|');
    });
  });

  it('goes stale when nothing ever arrives, counted from subscription', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('----------|').pipe(watchdog({ timeoutSec: 0.004 }), map(letter))).toBe('----s-----|');
    });
  });

  it('does not repeat states and reports how long the topic was silent', () => {
    const events: WatchdogEvent[] = [];
    testScheduler().run(({ cold, expectObservable }) => {
      const out$ = cold('a 20ms b 2ms c 30ms |').pipe(watchdog({ timeoutSec: 0.01 }));
      out$.subscribe((e) => events.push(e));
      expectObservable(out$.pipe(map(letter))).toBe('f 9ms s 10ms f 12ms s 20ms |');
    });
    expect(events.map((e) => [e.stale, Math.round(e.atSec * 1000), Math.round(e.silentForSec * 1000)])).toEqual([
      [false, 0, 0],
      [true, 10, 10],
      [false, 21, 0],
      [true, 34, 10],
    ]);
  });
});

describe('watchdog (Clock)', () => {
  it('checks on clock.interval ticks, so staleness follows the clock', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const clock = virtualClock(scheduler);
      const source$ = cold('a-b---------c--|');
      // Checks every 2 ms; silence ≥ 4 ms is detected at the first check after it (t = 6).
      expectObservable(source$.pipe(watchdog({ timeoutSec: 0.004, clock, checkPeriodSec: 0.002 }), map(letter))).toBe(
        'f-----s-----f--|',
      );
    });
  });
});

describe('watchdog and rateMeter on a SimClock', () => {
  it('follow sim time: stale only after sim time passes without messages', () => {
    const clock = new SimClock();
    const lidar$ = new Subject<number>();
    const events: string[] = [];
    const rates: number[] = [];
    lidar$.pipe(watchdog({ timeoutSec: 0.3, clock })).subscribe((e) => events.push(`${e.stale ? 'stale' : 'fresh'}@${e.atSec.toFixed(3)}`));
    lidar$.pipe(rateMeter({ windowSec: 1, clock, emitOn$: clock.interval(1) })).subscribe((hz) => rates.push(Math.round(hz)));
    for (let i = 0; i < 20; i++) {
      lidar$.next(i); // 10 Hz for 2 s
      clock.advanceBy(0.1);
    }
    clock.advanceBy(1); // silence since 1.9 s: stale at the first 75 ms check at or after 2.2 s
    lidar$.next(20);
    clock.advanceBy(0.05);
    expect(events).toEqual(['fresh@0.000', 'stale@2.250', 'fresh@3.000']);
    expect(rates).toEqual([10, 10, 0]);
  });
});

describe('rateMeter', () => {
  it('measures messages per second from arrival times', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source$ = cold('a 99ms b 99ms c 99ms d|');
      expectObservable(source$.pipe(rateMeter({ windowSec: 1 }), map((hz) => Math.round(hz)))).toBe(
        'a 99ms b 99ms c 99ms d|',
        { a: 0, b: 10, c: 10, d: 10 },
      );
    });
  });

  it('decays to 0 on emitOn$ ticks once the topic is silent', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      // 20 Hz from t = 50 ms to t = 1000 ms, then silence; rate read every 500 ms over a 1 s window.
      // At 1500 ms the topic has been silent for 500 ms: 10 messages over the 950 ms since the oldest.
      const source$ = concat(interval(50, scheduler).pipe(take(20)), NEVER);
      const rate$ = source$.pipe(rateMeter({ windowSec: 1, emitOn$: interval(500, scheduler) }), map((hz) => Math.round(hz)));
      expectObservable(rate$, '^ 2600ms !').toBe('500ms a 499ms b 499ms c 499ms d 499ms e', { a: 20, b: 20, c: 11, d: 0, e: 0 });
    });
  });

  it('RateWindow: 1 / mean period while messages flow, decaying once silent', () => {
    const w = new RateWindow({ windowSec: 2 }).start(0);
    for (let t = 0; t < 4; t += 0.25) w.record(t);
    expect(w.rateHz(0.5)).toBeCloseTo(4, 9);
    expect(w.rateHz(3.8)).toBeCloseTo(4, 9);
    expect(w.rateHz(4.75)).toBeCloseTo(4 / (4.75 - 3.0), 9); // silent for 1 s: 4 samples since 3.0
    expect(w.rateHz(10)).toBe(0);
  });
});

function stamped(sec: number): { header: Header } {
  return { header: { stamp: fromSec(sec), frame_id: '' } };
}

describe('latencyMeter', () => {
  it('reports now − header.stamp statistics over a bounded window', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      // Arrive at 10, 20, 30 ms with stamps 2, 4, 6 ms behind.
      const source$ = cold('10ms a 9ms b 9ms c|', { a: stamped(0.008), b: stamped(0.016), c: stamped(0.024) });
      const p50ms$ = source$.pipe(
        latencyMeter({ windowSize: 2 }),
        map((s) => [s.count, Math.round(s.p50Sec * 1000), Math.round(s.maxSec * 1000)]),
      );
      expectObservable(p50ms$).toBe('10ms a 9ms b 9ms c|', { a: [1, 2, 2], b: [2, 2, 4], c: [2, 4, 6] });
    });
  });

  it('skips messages without a readable stamp', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source$ = cold<unknown>('5ms a b|', { a: {}, b: stamped(0.001) });
      expectObservable(source$.pipe(latencyMeter(), map((s) => s.count))).toBe('5ms - b|', { b: 1 });
    });
  });

  it('LatencyWindow: nearest-rank p50/p99 against a sort of the last `size` values', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const w = new LatencyWindow({ size: 300 });
    const all: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const v = random();
      all.push(v);
      w.record(v);
    }
    const last = all.slice(-300).sort((a, b) => a - b);
    const s = w.stats();
    expect(s.count).toBe(300);
    expect(s.p50Sec).toBe(last[149]);
    expect(s.p99Sec).toBe(last[296]);
    expect(s.minSec).toBe(last[0]);
    expect(s.maxSec).toBe(last[299]);
    expect(s.meanSec).toBeCloseTo(last.reduce((a, b) => a + b, 0) / 300, 12);
  });
});
