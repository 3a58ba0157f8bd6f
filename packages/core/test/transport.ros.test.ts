import { describe, expect, it } from 'vitest';
import { LocalTransport, SensorDataQoS, LatchedQoS, RosTransport, TransportError, createRosTransport } from '../src/index.js';
import { createRclnodejsDouble } from './support/RclnodejsDouble.js';
import type { RclnodejsDouble } from './support/RclnodejsDouble.js';
import { describeTransportConformance } from './support/transportConformance.js';

/** Lets the double's microtask deliveries run; bounded, no timers. */
async function settle(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !condition(); i++) await Promise.resolve();
}

describeTransportConformance('RosTransport over the rclnodejs double', async () => {
  const subscriberErrors: unknown[] = [];
  const transport = await createRosTransport({
    rclnodejs: createRclnodejsDouble(),
    onSubscriberError: (e) => subscriberErrors.push(e),
  });
  return { transport, subscriberErrors, settle };
});

describe('RosTransport wiring (double)', () => {
  async function make(): Promise<{ rcl: RclnodejsDouble; transport: RosTransport }> {
    const rcl = createRclnodejsDouble();
    return { rcl, transport: await createRosTransport({ rclnodejs: rcl, nodeName: 'sensorium_test' }) };
  }

  it('initialises rclnodejs, creates one spinning node, and shuts down what it started', async () => {
    const { rcl, transport } = await make();
    expect(rcl.isShutdown()).toBe(false);
    expect(rcl.liveNodes()).toBe(1);
    await transport.close();
    expect(rcl.liveNodes()).toBe(0);
    expect(rcl.isShutdown()).toBe(true);
  });

  it('leaves an already initialised rclnodejs running on close', async () => {
    const rcl = createRclnodejsDouble();
    await rcl.init();
    const transport = await createRosTransport({ rclnodejs: rcl });
    await transport.close();
    expect(rcl.isShutdown()).toBe(false);
  });

  it.each([
    ['SensorDataQoS', SensorDataQoS, { history: 1, depth: 5, reliabilityPolicy: 2, durability: 2 }],
    ['LatchedQoS', LatchedQoS, { history: 1, depth: 1, reliabilityPolicy: 1, durability: 1 }],
    ['default', undefined, { history: 1, depth: 10, reliabilityPolicy: 1, durability: 2 }],
    ['keep_all', { history: 'keep_all' as const }, { history: 2, depth: 1000 }],
  ])('maps %s onto rclnodejs QoS', async (_name, qos, expected) => {
    const { rcl, transport } = await make();
    transport.advertise('/q', 'std_msgs/msg/String', qos);
    expect(rcl.calls[0]).toMatchObject({ kind: 'publisher', type: 'std_msgs/msg/String', topic: '/q', typedArrays: true });
    expect(rcl.calls[0]?.qos).toMatchObject(expected);
    await transport.close();
  });

  it('converts int64 fields that rclnodejs delivers as BigInt into numbers', async () => {
    const { rcl, transport } = await make();
    const got: unknown[] = [];
    transport.subscribe('/clock', 'rosgraph_msgs/msg/Clock').subscribe((m) => got.push(m));
    // Published straight through the rclnodejs API, as another ROS process would.
    const raw = new rcl.Node('other').createPublisher('rosgraph_msgs/msg/Clock', '/clock');
    raw.publish({ clock: { sec: 5n, nanosec: 7n } });
    await settle(() => got.length === 1);
    expect(got).toEqual([{ clock: { sec: 5, nanosec: 7 } }]);
    await transport.close();
  });

  it('reports a message rclnodejs cannot publish instead of throwing', async () => {
    const errors: unknown[] = [];
    const rcl = createRclnodejsDouble();
    const transport = await createRosTransport({ rclnodejs: rcl, onSubscriberError: (e) => errors.push(e) });
    const pub = transport.advertise('/bad', 'std_msgs/msg/String');
    expect(() => pub.publish({ data: (() => undefined) as never })).not.toThrow();
    expect(errors[0]).toBeInstanceOf(TransportError);
    await transport.close();
  });

  it('without rclnodejs installed, says to source ROS 2 and install rclnodejs', async () => {
    const error = await createRosTransport().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toContain('source /opt/ros/humble/setup.bash');
    expect((error as Error).message).toContain('npm install rclnodejs');
  });

  it('is a drop-in for LocalTransport', () => {
    expect(new LocalTransport().kind).toBe('local');
  });
});
