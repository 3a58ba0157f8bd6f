import { describe, expect, it } from 'vitest';
import {
  ArrivalRate,
  DiagnosticLevel,
  NodeDiagnosticsRecorder,
  SampleRing,
  SimClock,
  ValidationError,
  dropReason,
  toDiagnosticArray,
} from '../src/index.js';

describe('SampleRing', () => {
  it('gives nearest-rank percentiles over the last capacity samples', () => {
    const ring = new SampleRing(100);
    for (let i = 1; i <= 150; i++) ring.push(i);
    expect(ring.size).toBe(100);
    expect(ring.total).toBe(150);
    expect(ring.percentiles([0, 50, 99, 100])).toEqual([51, 100, 149, 150]);
    expect(ring.max()).toBe(150);
    expect(new SampleRing().percentiles([50])).toEqual([Number.NaN]);
  });
});

describe('ArrivalRate', () => {
  it.each([
    [10, 20, 10],
    [100, 300, 100],
    [1, 3, 1],
  ])('measures %s Hz', (hz, n, expected) => {
    const rate = new ArrivalRate();
    for (let i = 0; i < n; i++) rate.record(i / hz);
    expect(rate.rateHz((n - 1) / hz)).toBeCloseTo(expected, 6);
  });

  it('falls to 0 when the topic goes silent', () => {
    const rate = new ArrivalRate();
    for (let i = 0; i < 10; i++) rate.record(i * 0.1);
    expect(rate.rateHz(100)).toBe(0);
    expect(rate.countWithin(0.95, 0.5)).toBe(5);
  });
});

describe('NodeDiagnosticsRecorder', () => {
  it('records drops by reason, stage latency and age, counters and gauges', () => {
    const clock = new SimClock({ start: { sec: 10, nanosec: 0 } });
    const d = new NodeDiagnosticsRecorder(clock);
    d.drop('/a', '', new ValidationError('short row'));
    d.drop('/a', 'stale');
    d.stage('parse', 2, { sec: 9, nanosec: 900_000_000 });
    d.stage('parse', 4, { sec: 9, nanosec: 800_000_000 });
    d.count('interventions');
    d.count('interventions', 2);
    d.gauge('mode', 'cautious');
    const s = d.snapshot();
    expect(s.drops).toEqual([
      { topic: '/a', reason: 'VALIDATION_ERROR', count: 1, lastError: 'short row' },
      { topic: '/a', reason: 'stale', count: 1 },
    ]);
    expect(s.stages).toEqual([{ name: 'parse', count: 2, processingMs: { p50: 2, p99: 4, max: 4 }, ageMs: { p50: expect.closeTo(100, 6), p99: expect.closeTo(200, 6) } }]);
    expect(s.counters).toEqual({ interventions: 3 });
    expect(s.gauges).toEqual({ mode: 'cautious' });
    expect(d.recentDrops()).toBe(2);
    clock.advanceBy(6);
    expect(d.recentDrops()).toBe(0);
  });
});

describe('toDiagnosticArray', () => {
  it('maps levels and values', () => {
    const array = toDiagnosticArray({
      stamp: { sec: 3, nanosec: 0 },
      nodes: [
        {
          node: '/n',
          exec: 'e',
          state: 'active',
          level: 'warn',
          message: '1 message(s) dropped in the last 5 s',
          topics: [{ topic: '/in', direction: 'in', count: 5, rateHz: 9.999 }],
          drops: [{ topic: '/in', reason: 'DECODE_ERROR', count: 1 }],
          stages: [{ name: 's', count: 5, processingMs: { p50: 1, p99: 2, max: 2 } }],
          counters: { c: 1 },
          gauges: { g: 0.5 },
        },
      ],
    });
    expect(array.header).toEqual({ stamp: { sec: 3, nanosec: 0 }, frame_id: '' });
    expect(array.status[0]).toMatchObject({ level: DiagnosticLevel.WARN, name: '/n', hardware_id: '' });
    expect(array.status[0]?.values).toEqual([
      { key: 'exec', value: 'e' },
      { key: 'state', value: 'active' },
      { key: 'in /in rate_hz', value: '10.00' },
      { key: 'in /in count', value: '5' },
      { key: 'drops /in DECODE_ERROR', value: '1' },
      { key: 'stage s processing_ms p50', value: '1.000' },
      { key: 'stage s processing_ms p99', value: '2.000' },
      { key: 'counter c', value: '1' },
      { key: 'gauge g', value: '0.5' },
    ]);
  });

  it('names drop reasons by error code', () => {
    expect(dropReason(new ValidationError('x'))).toBe('VALIDATION_ERROR');
    expect(dropReason(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(dropReason('text')).toBe('exception');
  });
});
