import { TestScheduler } from 'rxjs/testing';
import { map, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LocalTransport, SimClock, SystemClock, toSec } from '../src/index.js';

describe('SimClock', () => {
  it('starts at the given time and only moves when advanced', () => {
    const clock = new SimClock({ start: { sec: 10, nanosec: 5 } });
    expect(clock.now()).toEqual({ sec: 10, nanosec: 5 });
    clock.advanceBy(0.5);
    expect(clock.now()).toEqual({ sec: 10, nanosec: 500_000_005 });
    expect(clock.nowSec()).toBeCloseTo(10.500000005, 9);
  });

  it('fires one tick per period crossed, in order, with now() at the tick time', () => {
    const clock = new SimClock();
    const ticks: string[] = [];
    clock.interval(0.1).subscribe((t) => ticks.push(`a@${toSec(t).toFixed(2)}=${clock.nowSec().toFixed(2)}`));
    clock.interval(0.25).subscribe((t) => ticks.push(`b@${toSec(t).toFixed(2)}`));
    clock.advanceBy(0.5);
    expect(ticks).toEqual([
      'a@0.10=0.10',
      'a@0.20=0.20',
      'b@0.25',
      'a@0.30=0.30',
      'a@0.40=0.40',
      'a@0.50=0.50',
      'b@0.50',
    ]);
    expect(clock.nowSec()).toBe(0.5);
  });

  it('is deterministic whatever the step size', () => {
    const run = (steps: number[]): number[] => {
      const clock = new SimClock();
      const out: number[] = [];
      clock.interval(0.03).subscribe((t) => out.push(toSec(t)));
      for (const s of steps) clock.advanceBy(s);
      return out;
    };
    expect(run([0.3])).toEqual(run([0.01, 0.05, 0.04, 0.1, 0.1]));
    expect(run([0.3])).toHaveLength(10);
  });

  it('stops ticking after unsubscribe and take()', () => {
    const clock = new SimClock();
    const out: number[] = [];
    clock
      .interval(1)
      .pipe(take(2))
      .subscribe((t) => out.push(t.sec));
    clock.advanceBy(5);
    expect(out).toEqual([1, 2]);
  });

  it('resets timers when time jumps back', () => {
    const clock = new SimClock({ start: { sec: 100, nanosec: 0 } });
    const out: number[] = [];
    clock.interval(1).subscribe((t) => out.push(t.sec));
    clock.advanceTo({ sec: 102, nanosec: 0 });
    clock.advanceTo({ sec: 50, nanosec: 0 });
    clock.advanceTo({ sec: 51, nanosec: 0 });
    expect(out).toEqual([101, 102, 51]);
  });

  it('rejects advancing from inside its own tick', () => {
    const clock = new SimClock();
    const errors: unknown[] = [];
    clock.interval(1).subscribe(() => {
      try {
        clock.advanceBy(1);
      } catch (e) {
        errors.push(e);
      }
    });
    clock.advanceBy(1);
    expect(errors).toHaveLength(1);
  });

  it('follows rosgraph_msgs/Clock on /clock', () => {
    const transport = new LocalTransport();
    const clock = new SimClock();
    const ticks: number[] = [];
    clock.interval(0.5).subscribe((t) => ticks.push(toSec(t)));
    const sub = clock.followTopic(transport);
    const pub = transport.advertise('/clock', 'rosgraph_msgs/msg/Clock');
    pub.publish({ clock: { sec: 1, nanosec: 200_000_000 } });
    expect(clock.now()).toEqual({ sec: 1, nanosec: 200_000_000 });
    expect(ticks).toEqual([0.5, 1]);
    sub.unsubscribe();
    pub.publish({ clock: { sec: 9, nanosec: 0 } });
    expect(clock.now().sec).toBe(1);
  });
});

describe('SystemClock', () => {
  it('reads wall time', () => {
    const clock = new SystemClock();
    const before = Date.now() / 1000;
    const now = clock.nowSec();
    expect(Math.abs(now - before)).toBeLessThan(5);
    const t = clock.now();
    expect(t.nanosec).toBeGreaterThanOrEqual(0);
    expect(t.nanosec).toBeLessThan(1e9);
  });

  it('ticks on its scheduler', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ expectObservable }) => {
      const clock = new SystemClock({ scheduler });
      expectObservable(clock.interval(0.01).pipe(take(3), map(() => 'x'))).toBe('10ms x 9ms x 9ms (x|)');
    });
  });
});
