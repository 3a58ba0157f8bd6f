import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { approximateTimeSync, ApproximateTimeSyncPolicy, fromSec, seededRandom, type ApproximateTimeSyncOptions, type Header } from '@sensorium/core';

interface Msg {
  header: Header;
  topic: number;
  seq: number;
}

function msg(sec: number, topic = 0, seq = 0): Msg {
  return { header: { stamp: fromSec(sec), frame_id: '' }, topic, seq };
}

const stampSec = (m: Msg): number => m.header.stamp.sec + m.header.stamp.nanosec * 1e-9;

/** Feeds `[stampSec, topic]` pairs in order to a policy; returns the emitted sets as stamps. */
function runPolicy(
  topicCount: number,
  input: ReadonlyArray<readonly [number, number]>,
  options: ApproximateTimeSyncOptions<Msg> = {},
): number[][] {
  const out: number[][] = [];
  const policy = new ApproximateTimeSyncPolicy<Msg>(topicCount, options, (set) => out.push(set.map(stampSec)));
  input.forEach(([sec, topic], seq) => policy.add(topic, msg(sec, topic, seq)));
  return out;
}

// Ported from ros2/message_filters test/test_approximate_time_policy.cpp (same inputs, same expected
// sets, default age penalty 0.1 as in the ROS 2 implementation).
describe('approximateTimeSync — message_filters ApproximateTime cases', () => {
  it.each<[string, Array<[number, number]>, number[][], number]>([
    ['ExactMatch', [[0, 0], [0, 1], [3, 0], [3, 1], [6, 0], [6, 1]], [[0, 0], [3, 3], [6, 6]], 10],
    ['PerfectMatch', [[0, 0], [1, 1], [3, 0], [4, 1], [6, 0], [7, 1]], [[0, 1], [3, 4]], 10],
    ['ImperfectMatch', [[0, 0], [1, 1], [2, 0], [3, 0], [5, 1], [6, 0], [7, 1]], [[0, 1], [6, 5]], 10],
    ['Acceleration', [[0, 0], [7, 1], [12, 0], [15, 1], [17, 0], [18, 1]], [[12, 7], [17, 18]], 10],
    [
      'DroppedMessages (queue 1)',
      [[0, 0], [1, 1], [3, 1], [4, 0], [7, 1], [8, 0], [10, 0], [11, 1], [13, 0], [14, 1]],
      [[4, 3], [10, 11]],
      1,
    ],
    [
      'DroppedMessages (queue 2)',
      [[0, 0], [1, 1], [3, 1], [4, 0], [7, 1], [8, 0], [10, 0], [11, 1], [13, 0], [14, 1]],
      [[0, 1], [4, 3], [8, 7], [10, 11]],
      2,
    ],
    [
      'LongQueue',
      [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [6, 0], [7, 0], [8, 0], [3, 1], [9, 0], [10, 0], [11, 0], [12, 0], [10, 1], [13, 0]],
      [[10, 10]],
      5,
    ],
    ['DoublePublish', [[0, 0], [1, 1], [3, 1], [3, 0]], [[0, 1], [3, 3]], 10],
  ])('%s', (_name, input, expected, queueSize) => {
    expect(runPolicy(2, input, { queueSize })).toEqual(expected);
  });

  it('FourTopics', () => {
    const input: Array<[number, number]> = [
      [0, 0], [1, 1], [2, 2], [3, 3], [5, 0], [5, 3], [6, 1], [6, 2], [8, 0], [9, 1], [10, 2], [11, 3], [10, 0], [13, 0], [14, 1],
    ];
    expect(runPolicy(4, input, { queueSize: 10 })).toEqual([
      [0, 1, 2, 3],
      [5, 6, 6, 5],
      [10, 9, 10, 11],
    ]);
  });

  it('EarlyPublish', () => {
    expect(runPolicy(4, [[0, 0], [1, 1], [2, 2], [3, 3], [7, 0]], { queueSize: 10 })).toEqual([[0, 1, 2, 3]]);
  });

  it('RateBound: a lower bound lets a set out before the next message', () => {
    const input: Array<[number, number]> = [[0, 0], [1, 1], [3, 0], [4, 1], [6, 0], [7, 1]];
    expect(runPolicy(2, input, { queueSize: 10, interMessageLowerBoundsSec: [1.5, 0] })).toEqual([
      [0, 1],
      [3, 4],
    ]);
    expect(runPolicy(2, input, { queueSize: 10, interMessageLowerBoundsSec: [2, 0] })).toEqual([
      [0, 1],
      [3, 4],
      [6, 7],
    ]);
  });

  it('maxIntervalDurationSec rejects sets wider than the bound', () => {
    // Without the bound the first set would be (0, 5).
    expect(runPolicy(2, [[0, 0], [5, 1], [5.2, 0], [9, 1], [9.1, 0], [20, 1]], { maxIntervalDurationSec: 0.5 })).toEqual([
      [5.2, 5],
      [9.1, 9],
    ]);
  });

  it('keeps nanosecond resolution at epoch-scale stamps', () => {
    const base = 1_700_000_000;
    const out: Msg[][] = [];
    const policy = new ApproximateTimeSyncPolicy<Msg>(2, { agePenalty: 0 }, (set) => out.push(set));
    const m = (sec: number, nanosec: number): Msg => ({ header: { stamp: { sec, nanosec }, frame_id: '' }, topic: 0, seq: 0 });
    policy.add(0, m(base, 100));
    policy.add(0, m(base, 300));
    policy.add(1, m(base, 290));
    policy.add(0, m(base, 900));
    policy.add(1, m(base, 901));
    expect(out.map((s) => s.map((x) => x.header.stamp.nanosec))).toEqual([[300, 290]]);
  });

  it('reports drops of full queues through onDrop', () => {
    const drops: number[] = [];
    runPolicy(2, [[0, 0], [1, 0], [2, 0], [3, 0]], { queueSize: 2, onDrop: (topic) => drops.push(topic) });
    expect(drops).toEqual([0, 0]);
  });
});


/** Random per-topic streams with globally distinct integer stamps. */
function randomStreams(random: () => number, topicCount: number, perTopic: number): number[][] {
  const used = new Set<number>();
  return Array.from({ length: topicCount }, () => {
    const stamps: number[] = [];
    while (stamps.length < perTopic) {
      const t = Math.floor(random() * perTopic * 10);
      if (!used.has(t)) {
        used.add(t);
        stamps.push(t);
      }
    }
    return stamps.sort((x, y) => x - y);
  });
}

/** A random arrival order that keeps each topic in stamp order. */
function randomInterleaving(random: () => number, streams: number[][]): Array<[number, number]> {
  const cursor = streams.map(() => 0);
  const out: Array<[number, number]> = [];
  for (;;) {
    const open = streams.map((s, i) => (cursor[i]! < s.length ? i : -1)).filter((i) => i >= 0);
    if (open.length === 0) return out;
    const topic = open[Math.floor(random() * open.length)]!;
    out.push([streams[topic]![cursor[topic]!]!, topic]);
    cursor[topic]!++;
  }
}

/**
 * Brute force of the documented semantics (no age penalty, unbounded queues): after the previous set,
 * the pivot is the latest of the next unused messages; the next set is, among all sets of unused
 * messages containing the pivot, the one of minimal span (ties: earliest start, then earliest messages).
 */
function bruteForce(streams: number[][]): number[][] {
  const next = streams.map(() => 0);
  const out: number[][] = [];
  while (streams.every((s, i) => next[i]! < s.length)) {
    let pivot = 0;
    for (let i = 1; i < streams.length; i++) if (streams[i]![next[i]!]! >= streams[pivot]![next[pivot]!]!) pivot = i;
    let best: number[] | undefined;
    let bestKey: number[] | undefined;
    const choice = streams.map(() => 0);
    const visit = (topic: number): void => {
      if (topic === streams.length) {
        const stamps = choice.map((c, i) => streams[i]![c]!);
        const key = [Math.max(...stamps) - Math.min(...stamps), Math.min(...stamps), ...choice];
        if (bestKey === undefined || lexLess(key, bestKey)) {
          bestKey = key;
          best = choice.slice();
        }
        return;
      }
      const range = topic === pivot ? [next[pivot]!] : seq(next[topic]!, streams[topic]!.length);
      for (const c of range) {
        choice[topic] = c;
        visit(topic + 1);
      }
    };
    visit(0);
    out.push(best!.map((c, i) => streams[i]![c]!));
    best!.forEach((c, i) => (next[i] = c + 1));
  }
  return out;
}

function seq(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

describe('approximateTimeSync — against a brute-force reference (seeded)', () => {
  it.each([2, 3, 4])('%i topics: same sets as the brute force (age penalty 0, large queues)', (topicCount) => {
    const random = seededRandom(1234 + topicCount);
    for (let trial = 0; trial < 150; trial++) {
      const streams = randomStreams(random, topicCount, topicCount === 4 ? 7 : 10);
      const expected = bruteForce(streams);
      const input = randomInterleaving(random, streams);
      const actual = runPolicy(topicCount, input, { agePenalty: 0, queueSize: 1000 });
      // The online policy may still be proving the last sets optimal when the input ends…
      expect(actual).toEqual(expected.slice(0, actual.length));
      // …but once every topic has moved far past them, it has emitted all of them.
      const far = streams.map((_, topic): [number, number] => [1e6 + topic, topic]);
      const flushed = runPolicy(topicCount, [...input, ...far], { agePenalty: 0, queueSize: 1000 });
      expect(flushed.slice(0, expected.length)).toEqual(expected);
    }
  });

  it('output depends only on stamps, not on arrival order across topics', () => {
    const random = seededRandom(99);
    for (let trial = 0; trial < 100; trial++) {
      const streams = randomStreams(random, 3, 15);
      const first = runPolicy(3, randomInterleaving(random, streams), { queueSize: 1000 });
      const second = runPolicy(3, randomInterleaving(random, streams), { queueSize: 1000 });
      expect(second).toEqual(first);
    }
  });

  it('sets are contiguous: each set uses, on some topic, the message right after the previous set', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 100; trial++) {
      const streams = randomStreams(random, 4, 12);
      const sets = runPolicy(4, randomInterleaving(random, streams), { queueSize: 1000 });
      let previous = streams.map(() => -1);
      for (const set of sets) {
        const indices = set.map((stamp, topic) => streams[topic]!.indexOf(stamp));
        expect(indices.some((index, topic) => index === previous[topic]! + 1)).toBe(true);
        previous = indices;
      }
    }
  });

  it('property: sets never cross, each message is used at most once, span ≤ maxInterval', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer(),
        (topicCount, queueSize, maxInterval, agePenalty, seed) => {
          const random = seededRandom(seed);
          const streams = randomStreams(random, topicCount, 20);
          const input = randomInterleaving(random, streams);
          const sets: Msg[][] = [];
          const policy = new ApproximateTimeSyncPolicy<Msg>(
            topicCount,
            { queueSize, agePenalty, ...(maxInterval === undefined ? {} : { maxIntervalDurationSec: maxInterval }) },
            (set) => sets.push(set),
          );
          input.forEach(([sec, topic], seqNo) => policy.add(topic, msg(sec, topic, seqNo)));
          const used = new Set<number>();
          for (let k = 0; k < sets.length; k++) {
            const set = sets[k]!;
            set.forEach((m, topic) => {
              expect(m.topic).toBe(topic);
              expect(used.has(m.seq)).toBe(false);
              used.add(m.seq);
            });
            const stamps = set.map(stampSec);
            if (maxInterval !== undefined) expect(Math.max(...stamps) - Math.min(...stamps)).toBeLessThanOrEqual(maxInterval);
            if (k > 0) sets[k - 1]!.forEach((prev, topic) => expect(stampSec(prev)).toBeLessThan(stamps[topic]!));
            for (let topic = 0; topic < topicCount; topic++) expect(policy.queuedCount(topic)).toBeLessThanOrEqual(queueSize);
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('approximateTimeSync — hostile stamps', () => {
  it('out-of-order, equal and NaN stamps never hang, throw or overflow the queues', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.nat(), fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(NaN))), { maxLength: 60 }),
        fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { maxLength: 5 }),
        (topicCount, queueSize, input, lowerBounds) => {
          const policy = new ApproximateTimeSyncPolicy<Msg>(topicCount, { queueSize, interMessageLowerBoundsSec: lowerBounds, maxIntervalDurationSec: 2 }, () => {});
          input.forEach(([topic, sec], seqNo) => {
            policy.add(topic % topicCount, { header: { stamp: { sec, nanosec: 0 }, frame_id: '' }, topic: topic % topicCount, seq: seqNo });
            for (let t = 0; t < topicCount; t++) expect(policy.queuedCount(t)).toBeLessThanOrEqual(queueSize);
          });
        },
      ),
      { seed: 8, numRuns: 2000 },
    );
  });
});

describe('approximateTimeSync — operator (marbles)', () => {
  const testScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

  it('emits the matched tuples and completes when all sources complete', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = { a: msg(0), b: msg(3), c: msg(6) };
      const b = { A: msg(0), B: msg(3), C: msg(6) };
      const a$ = cold('a--b--c|', a);
      const b$ = cold('A--B--C--|', b);
      expectObservable(approximateTimeSync([a$, b$])).toBe('x--y--z--|', {
        x: [a.a, b.A],
        y: [a.b, b.B],
        z: [a.c, b.C],
      });
    });
  });

  it('matches by stamp, not arrival: a late topic still pairs with the right messages', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const a = { a: msg(0), b: msg(1), c: msg(2), d: msg(3) };
      const b = { A: msg(1.05), B: msg(2.05) };
      const a$ = cold('abcd|', a);
      const b$ = cold('------A-B|', b);
      expectObservable(approximateTimeSync([a$, b$], { agePenalty: 0 })).toBe('------y-z|', {
        y: [a.b, b.A],
        z: [a.c, b.B],
      });
    });
  });

  it('forwards errors', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(approximateTimeSync([cold('a-#', { a: msg(0) }), cold('---', {})])).toBe('--#');
    });
  });

  it('errors (does not throw) when the stamp accessor fails on a message', () => {
    const a$ = new Subject<Msg>();
    const b$ = new Subject<Msg>();
    let error: unknown;
    approximateTimeSync([a$, b$]).subscribe({ error: (e: unknown) => (error = e) });
    a$.next({ topic: 0, seq: 0 } as unknown as Msg);
    expect(error).toBeInstanceOf(TypeError);
  });
});
