// Records what the camera encoder, fusion and policy nodes of the stack receive in a simulator run, and
// replays it through fresh such nodes with other inference parameters (int8): the action error on
// recorded inputs, camera image → ViT → fusion → policy → command. (The LiDAR point encoder is left out:
// its input clouds are too big to keep for a whole run; its int8 effect shows in the scenario runs.)
import { DefaultQoS, LatchedQoS, LocalTransport, runGraph, SensorDataQoS, SimClock, type Clock, type GraphDescription, type MessageType, type NodeRegistry, type Transport } from '@sensorium/core';
import { withInferenceParams } from '../src/index.js';
import { readRepoResource } from './stackRuns.js';

/** Node execs replayed: the vision tokens, the fused percept and the command come from them. */
const REPLAYED = ['camera_encoder', 'fusion', 'policy'];

export interface TopicPort {
  topic: string;
  type: MessageType;
  qos: 'sensor' | 'default' | 'latched';
}

export interface RecordedMessage {
  /** Sim time it was published at, s. */
  t: number;
  /**
   * Published after the fusion step of the same instant (a timer-driven node — the planner — whose tick
   * came later): replayed after that step too, so the policy sees what it saw in the run.
   */
  afterTick: boolean;
  port: TopicPort;
  msg: unknown;
}

const quiet = { debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) };

function replayGraph(stack: GraphDescription): GraphDescription {
  return { ...stack, nodes: stack.nodes.filter((n) => REPLAYED.includes(n.exec)) };
}

/** Inputs of the replayed nodes (resolved names, remaps applied) that none of them produces. */
export async function replayInputs(stack: GraphDescription, registry: NodeRegistry): Promise<TopicPort[]> {
  const graph = await runGraph(replayGraph(stack), { registry, transport: new LocalTransport(), clock: new SimClock(), logger: quiet, diagnostics: false, autostart: false });
  const produced = new Set(graph.nodes.flatMap((n) => n.definition.outputs.map((o) => n.resolve(o.topic))));
  const ports = new Map<string, TopicPort>();
  for (const n of graph.nodes) {
    for (const input of n.definition.inputs) {
      const topic = n.resolve(input.topic);
      if (!produced.has(topic)) ports.set(topic, { topic, type: input.type, qos: input.qos ?? 'default' });
    }
  }
  await graph.shutdown();
  return [...ports.values()];
}

/**
 * Taps `ports` on `transport` into `out` (deep copies: publishers may reuse their message objects), noting
 * for each whether the fusion step of that instant (`tickTopic`, its percept) had already run.
 */
export function recordPorts(transport: Transport, clock: Clock, ports: readonly TopicPort[], out: RecordedMessage[], tickTopic = '/fusion/percept'): void {
  let lastTick = Number.NaN;
  transport.subscribe(tickTopic, 'sensorium_msgs/msg/FusedPercept', { reliability: 'best_effort' }).subscribe(() => (lastTick = clock.nowSec()));
  for (const port of ports) {
    transport.subscribe(port.topic, port.type, { reliability: 'best_effort' }).subscribe((msg) => {
      const t = clock.nowSec();
      out.push({ t, afterTick: t === lastTick, port, msg: structuredClone(msg) });
    });
  }
}

/**
 * Replays `recording` through fresh camera encoder + fusion + policy nodes (the stack's parameters plus `inference`) on a
 * sim clock: each message is published just before its recorded time, so it precedes the timer ticks of
 * that instant as in the run — or just after them when it followed that instant's fusion step. Returns every `cmd_vel_raw` as [t, linear, angular].
 */
export async function replayFusionPolicy(
  stack: GraphDescription,
  registry: NodeRegistry,
  recording: readonly RecordedMessage[],
  inference: Readonly<Record<string, string | number>>,
  options: { only?: readonly string[] } = {},
): Promise<[number, number, number][]> {
  // `only`: the execs the inference parameters go to (the others keep the stack's)
  const declares = (exec: string): string[] => (options.only === undefined || options.only.includes(exec) ? Object.keys(registry.get(exec)?.parameters ?? {}) : []);
  const description = withInferenceParams(replayGraph(stack), inference, declares);
  const transport = new LocalTransport({ onWarning: () => undefined });
  const clock = new SimClock();
  const commands: [number, number, number][] = [];
  const policy = description.nodes.find((n) => n.exec === 'policy');
  const graph = await runGraph(description, { registry, transport, clock, logger: quiet, diagnostics: false, readResource: readRepoResource });
  if (graph.failures[0] !== undefined) throw graph.failures[0].error;
  const cmdTopic = graph.node(policy?.name ?? 'policy')?.resolve('cmd_vel_raw') ?? '/cmd_vel_raw';
  transport.subscribe(cmdTopic, 'geometry_msgs/msg/Twist', { reliability: 'best_effort' }).subscribe((m) => commands.push([clock.nowSec(), m.linear.x, m.angular.z]));
  const publishers = new Map<string, ReturnType<Transport['advertise']>>();
  const qosOf = { sensor: SensorDataQoS, default: DefaultQoS, latched: LatchedQoS } as const;
  for (const r of recording) {
    // before the timer ticks of its instant, unless it came after that instant's fusion step
    const ns = BigInt(Math.round(r.t * 1e9)) - (r.afterTick ? 0n : 1n);
    if (ns > 0n && ns > BigInt(clock.now().sec) * 1_000_000_000n + BigInt(clock.now().nanosec)) clock.advanceTo({ sec: Number(ns / 1_000_000_000n), nanosec: Number(ns % 1_000_000_000n) });
    let pub = publishers.get(r.port.topic);
    if (pub === undefined) {
      pub = transport.advertise(r.port.topic, r.port.type, qosOf[r.port.qos]);
      publishers.set(r.port.topic, pub);
    }
    (pub.publish as (m: unknown) => void)(r.msg);
  }
  const last = recording.at(-1)?.t ?? 0;
  clock.advanceTo({ sec: Math.floor(last), nanosec: Math.round((last % 1) * 1e9) });
  await graph.shutdown();
  await transport.close();
  return commands;
}
