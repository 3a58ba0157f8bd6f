import { describe, expect, it } from 'vitest';
import { of, delay, Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { boundedBuffer, boundedConcatMap, sampleLatest } from '@sensorium/core';

const testScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('sampleLatest', () => {
  it('emits the newest value on each trigger, once per new value', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source$ = hot('-a-b-c----d--|');
      const trigger$ = hot('--x---x-x---x-');
      expectObservable(source$.pipe(sampleLatest(trigger$))).toBe('--a---c-----d|');
    });
  });

  it('repeat: re-emits the held value on every trigger after the first value', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source$ = hot('---a---b----|');
      const trigger$ = hot('-x-x-x-x-x---');
      expectObservable(source$.pipe(sampleLatest(trigger$, { repeat: true }))).toBe('---a-a-b-b--|');
    });
  });

  it('forwards errors from the trigger and unsubscribes it with the source', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source$ = hot('-a---|');
      const trigger$ = hot('---x-#');
      expectObservable(source$.pipe(sampleLatest(trigger$))).toBe('---a-|');
      expectSubscriptions(trigger$.subscriptions).toBe('^----!');
    });
  });
});

describe('boundedBuffer', () => {
  it('emits the messages since the last flush, dropping the oldest beyond size (counted)', () => {
    const drops: Array<[string, number]> = [];
    testScheduler().run(({ hot, expectObservable }) => {
      const source$ = hot('-a-b-c-d-e---f-|');
      const flush$ = hot('------x-----x----');
      expectObservable(
        source$.pipe(boundedBuffer({ size: 2, flush$, onDrop: (value, total) => drops.push([value, total]) })),
      ).toBe('------x-----y--(z|)', { x: ['b', 'c'], y: ['d', 'e'], z: ['f'] });
    });
    // run() has flushed the virtual time by now.
    expect(drops).toEqual([['a', 1]]);
  });

  it('does not emit empty arrays on flush', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      expectObservable(hot('-----|').pipe(boundedBuffer({ size: 3, flush$: hot('-x-x--') }))).toBe('-----|');
    });
  });

  it('never holds more than size messages', () => {
    const source$ = new Subject<number>();
    const flush$ = new Subject<void>();
    const out: number[][] = [];
    let dropped = 0;
    source$.pipe(boundedBuffer({ size: 4, flush$, onDrop: (_v, total) => (dropped = total) })).subscribe((b) => out.push(b));
    for (let i = 0; i < 10_000; i++) source$.next(i);
    flush$.next();
    expect(out).toEqual([[9996, 9997, 9998, 9999]]);
    expect(dropped).toBe(9996);
  });

  it('rejects a bad size', () => {
    expect(() => boundedBuffer({ size: 0, flush$: of(1) })).toThrow(RangeError);
  });
});

describe('boundedConcatMap', () => {
  it('processes one at a time and keeps only the newest `size` waiting inputs', () => {
    const drops: string[] = [];
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source$ = hot('-abcd-------|');
      const work = (v: string) => cold('---(r|)', { r: v.toUpperCase() });
      expectObservable(source$.pipe(boundedConcatMap(work, { size: 1, onDrop: (v) => drops.push(v) }))).toBe(
        '----A--D----|',
      );
    });
    expect(drops).toEqual(['b', 'c']);
  });

  it('completes only after the queue drains', () => {
    testScheduler().run(({ hot, cold, expectObservable }) => {
      const source$ = hot('-ab|');
      expectObservable(source$.pipe(boundedConcatMap((v) => cold('--(r|)', { r: v }), { size: 2 }))).toBe('---a-(b|)');
    });
  });

  it('handles synchronous projections', () => {
    const out: number[] = [];
    of(1, 2, 3)
      .pipe(boundedConcatMap((v) => of(v * 10), { size: 1 }))
      .subscribe((v) => out.push(v));
    expect(out).toEqual([10, 20, 30]);
  });

  it('unsubscribes the running projection', () => {
    testScheduler().run(({ hot, expectObservable }) => {
      const source$ = hot('-a---');
      expectObservable(source$.pipe(boundedConcatMap((v) => of(v).pipe(delay(5)), { size: 1 })), '^--!').toBe('---');
    });
  });
});
