import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransportError } from '../../src/index.js';
import type { Transport } from '../../src/index.js';

/** What a conformance run needs from a transport under test. */
export interface TransportHarness {
  transport: Transport;
  /**
   * Resolves once `condition()` holds. Synchronous transports check once; asynchronous ones (ROS) let
   * their executor run until it holds or a bounded number of turns pass, then check once more.
   */
  settle(condition: () => boolean): Promise<void>;
  /** Errors the transport reported from throwing subscribers. */
  subscriberErrors: unknown[];
  dispose?(): Promise<void>;
}

const STRING = 'std_msgs/msg/String';

/**
 * The behaviour every Transport shares: LocalTransport, RosTransport over the rclnodejs double and over
 * real rclnodejs all run this one suite.
 */
export function describeTransportConformance(name: string, factory: () => Promise<TransportHarness>): void {
  describe(`Transport conformance: ${name}`, () => {
    let h: TransportHarness;
    beforeEach(async () => {
      h = await factory();
    });
    afterEach(async () => {
      await h.transport.close();
      await h.dispose?.();
    });

    it('delivers published messages in order', async () => {
      const got: string[] = [];
      const sub = h.transport.subscribe('/conf/chatter', STRING).subscribe((m) => got.push(m.data));
      const pub = h.transport.advertise('/conf/chatter', STRING);
      await h.settle(() => pub.subscriberCount() === 1);
      for (const data of ['a', 'b', 'c']) pub.publish({ data });
      await h.settle(() => got.length === 3);
      expect(got).toEqual(['a', 'b', 'c']);
      sub.unsubscribe();
    });

    it('stops delivering after unsubscribe', async () => {
      const got: string[] = [];
      const pub = h.transport.advertise('/conf/unsub', STRING);
      const sub = h.transport.subscribe('/conf/unsub', STRING).subscribe((m) => got.push(m.data));
      await h.settle(() => pub.subscriberCount() === 1);
      pub.publish({ data: 'kept' });
      await h.settle(() => got.length === 1);
      sub.unsubscribe();
      await h.settle(() => pub.subscriberCount() === 0);
      pub.publish({ data: 'lost' });
      await h.settle(() => false);
      expect(got).toEqual(['kept']);
    });

    it('fixes a topic type with its first user and rejects a mismatch naming topic and both types', () => {
      h.transport.advertise('/conf/typed', STRING);
      let error: unknown;
      try {
        h.transport.subscribe('/conf/typed', 'geometry_msgs/msg/Twist');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TransportError);
      const message = (error as Error).message;
      expect(message).toContain('/conf/typed');
      expect(message).toContain(STRING);
      expect(message).toContain('geometry_msgs/msg/Twist');
      expect(() => h.transport.advertise('/conf/typed', 'geometry_msgs/msg/Twist')).toThrow(TransportError);
    });

    it('replays the last depth messages of a transient_local publisher to a late subscriber', async () => {
      const pub = h.transport.advertise('/conf/latched', STRING, { durability: 'transient_local', depth: 2 });
      for (const data of ['1', '2', '3']) pub.publish({ data });
      const got: string[] = [];
      h.transport
        .subscribe('/conf/latched', STRING, { durability: 'transient_local', depth: 5 })
        .subscribe((m) => got.push(m.data));
      await h.settle(() => got.length === 2);
      expect(got).toEqual(['2', '3']);
    });

    it('does not replay to a volatile subscriber', async () => {
      const pub = h.transport.advertise('/conf/volatile', STRING, { durability: 'transient_local', depth: 2 });
      pub.publish({ data: 'old' });
      const got: string[] = [];
      h.transport.subscribe('/conf/volatile', STRING).subscribe((m) => got.push(m.data));
      await h.settle(() => pub.subscriberCount() === 1);
      pub.publish({ data: 'new' });
      await h.settle(() => got.length >= 1);
      expect(got).toEqual(['new']);
    });

    it('lists topics with publisher and subscriber counts', async () => {
      const pub = h.transport.advertise('/conf/listed', STRING);
      const a = h.transport.subscribe('/conf/listed', STRING).subscribe();
      const b = h.transport.subscribe('/conf/listed', STRING).subscribe();
      await h.settle(() => pub.subscriberCount() === 2);
      const info = h.transport.topics().find((t) => t.topic === '/conf/listed');
      expect(info).toEqual({ topic: '/conf/listed', type: STRING, publishers: 1, subscribers: 2 });
      a.unsubscribe();
      b.unsubscribe();
      pub.close();
      expect(h.transport.topics().find((t) => t.topic === '/conf/listed')).toBeUndefined();
    });

    it('keeps delivering to other subscribers when one throws, and reports the error', async () => {
      const got: string[] = [];
      h.transport.subscribe('/conf/throw', STRING).subscribe(() => {
        throw new Error('subscriber bug');
      });
      h.transport.subscribe('/conf/throw', STRING).subscribe((m) => got.push(m.data));
      const pub = h.transport.advertise('/conf/throw', STRING);
      await h.settle(() => pub.subscriberCount() === 2);
      expect(() => pub.publish({ data: 'x' })).not.toThrow();
      pub.publish({ data: 'y' });
      await h.settle(() => got.length === 2 && h.subscriberErrors.length === 2);
      expect(got).toEqual(['x', 'y']);
      expect(h.subscriberErrors).toHaveLength(2);
      expect((h.subscriberErrors[0] as Error).message).toBe('subscriber bug');
    });

    it('passes typed arrays through', async () => {
      let got: Float32Array | undefined;
      const topic = '/conf/tokens';
      const type = 'sensorium_msgs/msg/FeatureTokens';
      h.transport.subscribe(topic, type).subscribe((m) => {
        got = m.data;
      });
      const pub = h.transport.advertise(topic, type);
      await h.settle(() => pub.subscriberCount() === 1);
      pub.publish({
        header: { stamp: { sec: 1, nanosec: 2 }, frame_id: 'base_link' },
        modality: 'vision',
        count: 2,
        dim: 2,
        data: new Float32Array([1, 2, 3, 4]),
      });
      await h.settle(() => got !== undefined);
      expect(got).toBeInstanceOf(Float32Array);
      expect(Array.from(got ?? [])).toEqual([1, 2, 3, 4]);
    });

    it('closes publishers and the transport twice safely', async () => {
      const pub = h.transport.advertise('/conf/close', STRING);
      pub.close();
      pub.close();
      expect(() => pub.publish({ data: 'after close' })).not.toThrow();
      await h.transport.close();
      await h.transport.close();
      expect(() => h.transport.advertise('/conf/close', STRING)).toThrow(TransportError);
    });

    it('completes subscriptions on close', async () => {
      let completed = false;
      const pub = h.transport.advertise('/conf/complete', STRING);
      h.transport.subscribe('/conf/complete', STRING).subscribe({ complete: () => (completed = true) });
      await h.settle(() => pub.subscriberCount() === 1);
      await h.transport.close();
      expect(completed).toBe(true);
    });
  });
}
