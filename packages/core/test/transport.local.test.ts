import { Subject, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { LocalTransport, MAX_QUEUE_DEPTH, TransportError } from '../src/index.js';
import { describeTransportConformance } from './support/transportConformance.js';

describeTransportConformance('LocalTransport', async () => {
  const subscriberErrors: unknown[] = [];
  const transport = new LocalTransport({ onSubscriberError: (e) => subscriberErrors.push(e) });
  return {
    transport,
    subscriberErrors,
    settle: async () => undefined,
  };
});

const STRING = 'std_msgs/msg/String';

describe('LocalTransport', () => {
  it('delivers synchronously, by reference', () => {
    const t = new LocalTransport();
    const message = { data: 'same object' };
    let got: unknown;
    t.subscribe('/ref', STRING).subscribe((m) => (got = m));
    t.advertise('/ref', STRING).publish(message);
    expect(got).toBe(message);
  });

  it('requires absolute topic names', () => {
    const t = new LocalTransport();
    expect(() => t.advertise('relative', STRING)).toThrow(TransportError);
  });

  it('reports the topic of a throwing subscriber, also through operators, and keeps the subscription', () => {
    const reports: { error: unknown; topic: string }[] = [];
    const t = new LocalTransport({ onSubscriberError: (error, { topic }) => reports.push({ error, topic }) });
    const seen: number[] = [];
    t.subscribe('/piped', STRING)
      .pipe(map((m) => m.data.length))
      .subscribe((n) => {
        seen.push(n);
        if (n === 2) throw new Error('handler bug');
      });
    const pub = t.advertise('/piped', STRING);
    pub.publish({ data: 'ab' });
    pub.publish({ data: 'abc' });
    expect(seen).toEqual([2, 3]);
    expect(reports).toHaveLength(1);
    expect(reports[0]?.topic).toBe('/piped');
  });

  it('reports an error that ends a stream with no error handler', () => {
    const reports: string[] = [];
    const t = new LocalTransport({ onSubscriberError: (_e, { topic }) => reports.push(topic) });
    t.subscribe('/ends', STRING)
      .pipe(
        map(() => {
          throw new Error('operator bug');
        }),
      )
      .subscribe();
    t.advertise('/ends', STRING).publish({ data: '' });
    expect(reports).toEqual(['/ends']);
  });

  it('does not connect incompatible QoS and warns, as ROS 2 does', () => {
    const warnings: string[] = [];
    const t = new LocalTransport({ onWarning: (w) => warnings.push(w) });
    const bestEffort = t.advertise('/qos', STRING, { reliability: 'best_effort' });
    const got: string[] = [];
    t.subscribe('/qos', STRING, { reliability: 'reliable' }).subscribe((m) => got.push(m.data));
    bestEffort.publish({ data: 'dropped by QoS' });
    expect(got).toEqual([]);
    expect(warnings[0]).toMatch(/incompatible QoS on \/qos/);
    expect(bestEffort.subscriberCount()).toBe(0);
    // A best-effort subscription hears both.
    const any: string[] = [];
    t.subscribe('/qos', STRING, { reliability: 'best_effort' }).subscribe((m) => any.push(m.data));
    bestEffort.publish({ data: 'heard' });
    t.advertise('/qos', STRING).publish({ data: 'reliable too' });
    expect(any).toEqual(['heard', 'reliable too']);
  });

  it('bounds keep_all history by MAX_QUEUE_DEPTH', () => {
    const t = new LocalTransport();
    const pub = t.advertise('/all', STRING, { history: 'keep_all', durability: 'transient_local' });
    for (let i = 0; i < MAX_QUEUE_DEPTH + 10; i++) pub.publish({ data: String(i) });
    const got: string[] = [];
    t.subscribe('/all', STRING, { history: 'keep_all', durability: 'transient_local' }).subscribe((m) => got.push(m.data));
    expect(got).toHaveLength(MAX_QUEUE_DEPTH);
    expect(got[0]).toBe('10');
    expect(got.at(-1)).toBe(String(MAX_QUEUE_DEPTH + 9));
  });

  it('forgets a latched publisher history once it closes', () => {
    const t = new LocalTransport();
    const pub = t.advertise('/gone', STRING, { durability: 'transient_local' });
    pub.publish({ data: 'x' });
    pub.close();
    const got: string[] = [];
    t.subscribe('/gone', STRING, { durability: 'transient_local' }).subscribe((m) => got.push(m.data));
    expect(got).toEqual([]);
  });

  it('lets a topic change type once nobody uses it', () => {
    const t = new LocalTransport();
    const sub = t.subscribe('/reuse', STRING).subscribe();
    sub.unsubscribe();
    expect(() => t.advertise('/reuse', 'geometry_msgs/msg/Twist')).not.toThrow();
  });

  it('subscriber errors thrown outside a guarded stream reach the hook instead of crashing', async () => {
    const reports: unknown[] = [];
    const t = new LocalTransport({ onSubscriberError: (e) => reports.push(e) });
    const bare = new Subject<number>();
    bare.subscribe(() => {
      throw new Error('unguarded');
    });
    bare.next(1);
    // rxjs reports on a timer; wait for that one macrotask (not a sleep: no time assertion).
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(reports.some((e) => (e as Error).message === 'unguarded')).toBe(true);
    await t.close();
  });
});
