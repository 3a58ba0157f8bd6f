import { describe, expect, it } from 'vitest';
import { LocalTransport, SimClock, NodeRuntime, qosCompatible, resolveQoS } from '@sensorium/core';
import type { MessageType, QoS, Transport } from '@sensorium/core';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';

/**
 * Issue 8: sensor subscriptions use SensorDataQoS (best effort, keep last 5), commands are reliable. Checked on
 * what each node really asks its transport for once configured and active (a node may pass its own QoS), and
 * across the graph: every subscription must be QoS-compatible with every publisher of its topic, or DDS never
 * connects them on a robot although LocalTransport would.
 */
const SENSOR_TYPES: readonly MessageType[] = [
  'sensor_msgs/msg/PointCloud2',
  'sensor_msgs/msg/Image',
  'sensor_msgs/msg/Imu',
  'audio_common_msgs/msg/AudioDataStamped',
  'sensorium_msgs/msg/TactileArray',
];
const COMMAND_TYPES: readonly MessageType[] = ['geometry_msgs/msg/Twist'];

interface Endpoint {
  node: string;
  topic: string;
  type: MessageType;
  qos: QoS;
  source: 'runtime' | 'declared';
}

/** A LocalTransport that records every advertise/subscribe with its resolved QoS. */
function recording(node: string, pubs: Endpoint[], subs: Endpoint[]): Transport {
  const inner = new LocalTransport();
  return {
    kind: 'local',
    advertise(topic, type, qos) {
      pubs.push({ node, topic, type, qos: resolveQoS(qos), source: 'runtime' });
      return inner.advertise(topic, type, qos);
    },
    subscribe(topic, type, qos) {
      subs.push({ node, topic, type, qos: resolveQoS(qos), source: 'runtime' });
      return inner.subscribe(topic, type, qos);
    },
    topics: () => inner.topics(),
    close: () => inner.close(),
  };
}

const PORT_QOS: Record<string, Partial<QoS>> = {
  sensor: { reliability: 'best_effort', depth: 5 },
  default: {},
  latched: { depth: 1, durability: 'transient_local' },
};

async function endpoints(): Promise<{ pubs: Endpoint[]; subs: Endpoint[]; unconfigured: string[] }> {
  const registry = createNodeRegistry();
  const pubs: Endpoint[] = [];
  const subs: Endpoint[] = [];
  const unconfigured: string[] = [];
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  for (const exec of registry.execs()) {
    const definition = registry.get(exec)!;
    const transport = recording(exec, pubs, subs);
    const runtime = new NodeRuntime(definition, { transport, clock: new SimClock(), logger: quiet, resourceRoot: process.cwd() });
    try {
      await runtime.configure();
      runtime.activate();
    } catch {
      // Needs weights not in the repository yet: fall back to what it declares.
      unconfigured.push(exec);
      for (const p of definition.outputs) pubs.push({ node: exec, topic: `/${p.topic}`, type: p.type, qos: resolveQoS(PORT_QOS[p.qos ?? 'default']), source: 'declared' });
      for (const p of definition.inputs) subs.push({ node: exec, topic: `/${p.topic}`, type: p.type, qos: resolveQoS(PORT_QOS[p.qos ?? 'default']), source: 'declared' });
    }
    await runtime.shutdown();
    await transport.close();
  }
  return { pubs, subs, unconfigured };
}

const found = await endpoints();

describe('QoS of every node', () => {
  it('sensor streams are subscribed best effort, keep last ≤ 5 (SensorDataQoS)', () => {
    const sensorSubs = found.subs.filter((s) => SENSOR_TYPES.includes(s.type));
    expect(sensorSubs.filter((s) => s.source === 'runtime').map((s) => s.node)).toEqual(
      expect.arrayContaining(['lidar_processor', 'camera_encoder', 'audio_processor', 'touch_processor']),
    );
    const bad = sensorSubs.filter((s) => s.qos.reliability !== 'best_effort' || s.qos.history !== 'keep_last' || s.qos.depth > 5);
    expect(bad.map((s) => `${s.node} ${s.topic} ${JSON.stringify(s.qos)}`)).toEqual([]);
  });

  it('commands (Twist) are published and subscribed reliable', () => {
    const commands = [...found.pubs, ...found.subs].filter((e) => COMMAND_TYPES.includes(e.type));
    expect(commands.map((c) => c.node)).toEqual(expect.arrayContaining(['safety_supervisor', 'policy', 'simulator']));
    expect(commands.filter((c) => c.qos.reliability !== 'reliable').map((c) => `${c.node} ${c.topic}`)).toEqual([]);
  });

  it('every subscription is QoS-compatible with every publisher of its topic (DDS would connect them)', () => {
    const incompatible: string[] = [];
    for (const sub of found.subs) {
      for (const pub of found.pubs.filter((p) => p.topic === sub.topic)) {
        expect(pub.type, `${pub.topic}: ${pub.node} publishes ${pub.type}, ${sub.node} subscribes ${sub.type}`).toBe(sub.type);
        if (!qosCompatible(pub.qos, sub.qos)) incompatible.push(`${pub.node} → ${sub.node} on ${sub.topic}: offered ${JSON.stringify(pub.qos)}, requested ${JSON.stringify(sub.qos)}`);
      }
    }
    expect(incompatible).toEqual([]);
  });
});
