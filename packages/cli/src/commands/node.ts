import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  LocalTransport,
  SimClock,
  SystemClock,
  consoleLogger,
  graphOptionsFromRosArgs,
  parseRosArgs,
  paramsForNode,
  remapNodeIdentity,
  SensorDataQoS,
  LatchedQoS,
  DefaultQoS,
  runGraph,
  fullyQualifiedNodeName,
  normalizeNamespace,
} from '@sensorium/core';
import type {
  Clock,
  RclnodejsApi,
  LogLevel,
  NodeRegistry,
  Graph,
  GraphDescription,
  GraphParamSource,
  PortSpec,
  RemapRule,
  RosArgs,
  Transport,
} from '@sensorium/core';
import type { CliCommand, CliIo } from '../CliCommand.js';
import { createNodeRegistry } from '../nodeRegistry.js';
import { openTransport } from '../openTransport.js';

/** The repository root: relative resource paths (models, scenarios) resolve against it, as under `sensorium run`. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const USAGE = `Usage: sensorium node EXEC [EXEC...] [--transport ros2|local] [--describe] [--json] [--ros-args ARGS... [--]]

Runs one Sensorium node as a ROS 2 node (what \`ros2 run sensorium_bringup EXEC\` starts), or several composed in
one process, until SIGINT/SIGTERM.

  EXEC                  a node executable: sensorium node --list shows them
  --transport ros2      (default) through rclnodejs; fails with how to install it when it does not load
  --transport local     in-process LocalTransport (no ROS): only useful for several composed nodes
  --describe            print each node's resolved name, parameters and topics (with QoS) and exit
  --json                with --describe or --list: machine-readable output
  --list                the registered executables

ROS arguments (after --ros-args, rcl's rules): -r from:=to, -r node:from:=to, -r __node:=name, -r __ns:=/ns,
-p name:=value, -p node:name:=value, --params-file FILE, --log-level LEVEL (debug|info|warn|error|fatal). A parameter \`use_sim_time:=true\`
makes the nodes follow /clock.

Example:
  sensorium node lidar_processor --ros-args -r lidar/points:=/ouster/points --params-file launch/params/lidar_processor.yaml`;

/** Every node executable the CLI can start (kept for callers written before `createNodeRegistry`). */
export function loadNodeRegistry(): Promise<NodeRegistry> {
  return Promise.resolve(createNodeRegistry());
}

/** A graph of the given executables, as a launch file would list them, every one at the root namespace. */
export function describeExecs(execs: readonly string[], repoRoot: string = REPO_ROOT): GraphDescription {
  return {
    file: 'command line',
    repoRoot,
    args: {},
    nodes: execs.map((exec, i) => ({
      pkg: 'sensorium_bringup',
      exec,
      namespace: '/',
      params: [],
      remaps: [],
      args: [],
      source: { file: 'command line', path: `EXEC[${i}] (${exec})` },
    })),
  };
}

/**
 * Whether a node's parameters ask for sim time (`use_sim_time`, which every ROS 2 node accepts): the
 * last source that sets it wins, as for any parameter.
 */
export function wantsSimTime(params: readonly GraphParamSource[], nodeFqn: string): boolean {
  let value: unknown = false;
  for (const source of params) {
    const values = source.kind === 'values' ? source.values : paramsForNode(source.params, nodeFqn);
    if (values['use_sim_time'] !== undefined) value = values['use_sim_time'];
  }
  return value === true;
}

/** The fully qualified names the execs get under these remaps (`__node`, `__ns`). */
export function nodeNames(execs: readonly string[], remaps: readonly RemapRule[]): string[] {
  return execs.map((exec) => {
    const id = remapNodeIdentity(remaps, { nodeName: exec, namespace: '/' });
    return fullyQualifiedNodeName({ nodeName: id.nodeName, namespace: normalizeNamespace(id.namespace) });
  });
}

export interface NodeCommandHooks {
  /** Ends the run (the command itself passes one fired by SIGINT/SIGTERM). */
  signal: AbortSignal;
  /** A transport to use instead of creating one (tests). */
  transport?: Transport;
  registry?: NodeRegistry;
  /** An rclnodejs module (or test double) for `--transport ros2` instead of importing `rclnodejs`. */
  rclnodejs?: RclnodejsApi;
  /** A clock to use instead of the system clock or /clock-following sim time (tests step a SimClock). */
  clock?: Clock;
  /** Called once the nodes are configured and activated (tests drive and inspect the running graph). */
  onStarted?: (graph: Graph) => void;
}

interface Parsed {
  execs: string[];
  transport: 'ros2' | 'local';
  describe: boolean;
  json: boolean;
  list: boolean;
  ros: RosArgs;
}

function parse(args: readonly string[]): Parsed {
  const ros = parseRosArgs(args);
  const { values, positionals } = parseArgs({
    args: ros.args,
    allowPositionals: true,
    options: {
      transport: { type: 'string', default: 'ros2' },
      describe: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
    },
  });
  if (values.transport !== 'ros2' && values.transport !== 'local') {
    throw new ConfigError(`unknown transport '${values.transport}'`, { context: { field: '--transport', expected: 'ros2 | local', actual: values.transport } });
  }
  return { execs: positionals, transport: values.transport, describe: values.describe, json: values.json, list: values.list, ros };
}

/** `sensorium node` with an explicit stop signal; the exported `command` wires it to process signals. */
export async function runNodeCommand(args: readonly string[], io: CliIo, hooks: NodeCommandHooks): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(args);
  } catch (error) {
    io.stderr(`sensorium node: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const registry = hooks.registry ?? createNodeRegistry();
  if (parsed.list) {
    const execs = registry.execs().map((exec) => ({ exec, description: registry.get(exec)?.description ?? '' }));
    io.stdout(parsed.json ? `${JSON.stringify(execs, null, 2)}\n` : execs.map((e) => `${e.exec.padEnd(20)} ${e.description}\n`).join(''));
    return 0;
  }
  if (parsed.execs.length === 0) {
    io.stderr(`sensorium node: name at least one executable (one of ${registry.execs().join(', ')})\n\n${USAGE}\n`);
    return 2;
  }
  const unknown = parsed.execs.filter((exec) => !registry.has(exec));
  if (unknown.length > 0) {
    io.stderr(`sensorium node: unknown executable ${unknown.join(', ')} (one of ${registry.execs().join(', ')})\n`);
    return 2;
  }
  const description = describeExecs(parsed.execs);
  const options = graphOptionsFromRosArgs(parsed.ros);
  const names = nodeNames(parsed.execs, options.remaps);
  const simTime = names.some((fqn) => wantsSimTime(options.params, fqn));
  if (parsed.describe) return describe(description, options, registry, io, parsed.json);

  // One rclnodejs node per process, named after the node it runs so `ros2 node list` shows it.
  const first = names[0] ?? '/sensorium';
  const slash = first.lastIndexOf('/');
  const transport =
    hooks.transport ??
    (await openTransport(io, {
      kind: parsed.transport,
      nodeName: names.length === 1 ? first.slice(slash + 1) : 'sensorium_composed',
      ...(names.length === 1 && slash > 0 ? { namespace: first.slice(0, slash) } : {}),
      ...(hooks.rclnodejs === undefined ? {} : { rclnodejs: hooks.rclnodejs }),
      command: 'sensorium node',
      withoutRos: `(or run without ROS: sensorium node ${parsed.execs.join(' ')} --transport local)`,
    }));
  if (transport === undefined) return 1;
  let clock: Clock = hooks.clock ?? new SystemClock();
  let clockSubscription: { unsubscribe(): void } | undefined;
  if (simTime && hooks.clock === undefined) {
    const sim = new SimClock();
    clockSubscription = sim.followTopic(transport, '/clock');
    clock = sim;
  }
  let graph: Graph | undefined;
  try {
    graph = await runGraph(description, { registry, transport, clock, logger: consoleLogger({ level: logLevel(parsed.ros) }), remaps: options.remaps, params: options.params });
    for (const failure of graph.failures) io.stderr(`sensorium node: ${failure.node} failed to ${failure.transition}: ${String((failure.error as Error).message ?? failure.error)}\n`);
    if (graph.failures.length === graph.nodes.length) return 1;
    io.stderr(`sensorium node: running ${graph.nodes.map((n) => n.fullName).join(', ')} on ${transport.kind}${simTime ? ' (sim time from /clock)' : ''}\n`);
    hooks.onStarted?.(graph);
    if (!hooks.signal.aborted) await new Promise<void>((resolve) => hooks.signal.addEventListener('abort', () => resolve(), { once: true }));
    return 0;
  } finally {
    await graph?.shutdown();
    clockSubscription?.unsubscribe();
    if (hooks.transport === undefined) await transport.close();
  }
}

/** `--log-level LEVEL` (the last one without a logger name); ROS's `fatal` is shown as error. */
function logLevel(ros: RosArgs): LogLevel {
  const level = ros.logLevels.filter((l) => l.logger === undefined).at(-1)?.level ?? 'info';
  if (level === 'fatal') return 'error';
  return level === 'debug' || level === 'warn' || level === 'error' ? level : 'info';
}

function describe(
  description: GraphDescription,
  options: ReturnType<typeof graphOptionsFromRosArgs>,
  registry: NodeRegistry,
  io: CliIo,
  json: boolean,
): Promise<number> {
  // Build the runtimes without starting them: names, remaps and parameters resolve exactly as they would run.
  return runGraph(description, {
    registry,
    transport: new LocalTransport(),
    clock: new SimClock(),
    remaps: options.remaps,
    params: options.params,
    autostart: false,
    diagnostics: false,
  }).then(async (graph) => {
    const port = (node: (typeof graph.nodes)[number], p: PortSpec) => {
      const qos = p.qos === 'sensor' ? SensorDataQoS : p.qos === 'latched' ? LatchedQoS : DefaultQoS;
      return { topic: node.resolve(p.topic), type: p.type, qos: `${qos.reliability}, keep_last ${qos.depth}, ${qos.durability}` };
    };
    const out = graph.nodes.map((node) => ({
      node: node.fullName,
      exec: node.definition.exec,
      params: node.params,
      subscribes: node.definition.inputs.map((p) => port(node, p)),
      publishes: node.definition.outputs.map((p) => port(node, p)),
    }));
    await graph.shutdown();
    if (json) io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    else {
      for (const n of out) {
        io.stdout(`${n.node} (${n.exec})\n  parameters:\n`);
        for (const [k, v] of Object.entries(n.params)) io.stdout(`    ${k}: ${JSON.stringify(v)}\n`);
        io.stdout('  subscribes:\n');
        for (const p of n.subscribes) io.stdout(`    ${p.topic} [${p.type}] ${p.qos}\n`);
        io.stdout('  publishes:\n');
        for (const p of n.publishes) io.stdout(`    ${p.topic} [${p.type}] ${p.qos}\n`);
      }
    }
    return 0;
  });
}

export const command: CliCommand = {
  name: 'node',
  summary: 'run node executables as ROS 2 nodes (what ros2 run sensorium_bringup starts), composed in one process',
  usage: USAGE,
  async run(args, io) {
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      return await runNodeCommand(args, io, { signal: stop.signal });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
