import { writeFile, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { createVizServer, type VizServer } from '@sensorium/viz';
import {
  ConfigError,
  SimClock,
  SystemClock,
  graphOptionsFromRosArgs,
  loadLaunchFile,
  parseRosArgs,
  runGraph,
} from '@sensorium/core';
import type { Graph, GraphDescription, NodeRegistry, RosArgs, Transport } from '@sensorium/core';
import { loadScenario, runScenario } from '@sensorium/sim';
import type { RunScenarioOptions } from '@sensorium/sim';
import type { CliCommand, CliIo } from '../CliCommand.js';
import { createNodeRegistry } from '../nodeRegistry.js';
import { numberOption } from '../numberOption.js';
import { openTransport } from '../openTransport.js';
import { splitBySimTime } from '../splitBySimTime.js';

/** The repository root: default controller launch file and relative resource paths resolve against it. */
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const STACK_LAUNCH = 'launch/stack.launch.yaml';

const USAGE = `Usage: sensorium run GRAPH.launch.yaml [name:=value...] [--transport local|ros2] [--duration S] [--port P [--host H] [--origin URL]...] [--ros-args ARGS... [--]]
       sensorium run --scenario FILE [--controller NAME] [--seed N] [--json OUT]

Runs a ROS 2 YAML launch file's graph in this process (no ROS needed), printing one status line per second,
until SIGINT/SIGTERM or --duration. Nodes with use_sim_time follow the /clock topic (the simulator's).

  name:=value           launch arguments, as on the ros2 launch command line
  --transport local     (default) in-process LocalTransport
  --transport ros2      through rclnodejs (needs a sourced ROS 2 and rclnodejs installed)
  --duration S          stop after S seconds of wall time (0: start, print status, stop)
  --port P              serve the web viewer (Foxglove WebSocket protocol) at http://127.0.0.1:P (8080 is
                        npm start's); the printed URL carries the token that lets the page publish goals
  --host H              interface the viewer listens on (default 127.0.0.1). Naming another one (the robot's
                        address, or 0.0.0.0 for all) is the explicit choice to serve other machines: there is
                        no TLS, and only pages holding the printed token can publish
  --origin URL          a browser origin allowed besides the server's own (e.g. http://robot.local:8080 when
                        --host 0.0.0.0); repeat for several
  --ros-args …          -r from:=to, -p name:=value, --params-file FILE for every node (rcl's rules)

  --scenario FILE       run one simulator scenario headless, scored, with a controller:
  --controller NAME     stack (default: ${STACK_LAUNCH}), expert, a node exec, or a .launch.yaml path
  --seed N              override the scenario's seed
  --json OUT            write the scenario result as JSON to OUT ('-' for stdout)

Examples:
  sensorium run launch/sim.launch.yaml scenario:=sim/scenarios/open-field.yaml --duration 10
  sensorium run --scenario sim/scenarios/pedestrian-crossing.yaml --json result.json`;

export interface RunCommandHooks {
  /** Ends the run (the command itself passes one fired by SIGINT/SIGTERM). */
  signal: AbortSignal;
  /** A transport to use instead of creating one (tests). */
  transport?: Transport;
  registry?: NodeRegistry;
}

interface GraphArgs {
  kind: 'graph';
  file: string;
  launchArgs: Record<string, string>;
  transport: 'local' | 'ros2';
  duration: number | undefined;
  port: number | undefined;
  host: string | undefined;
  origins: string[];
  ros: RosArgs;
}

interface ScenarioArgs {
  kind: 'scenario';
  file: string;
  controller: string;
  seed: number | undefined;
  json: string | undefined;
}

function parse(args: readonly string[]): GraphArgs | ScenarioArgs {
  const ros = parseRosArgs(args);
  const { values, positionals } = parseArgs({
    args: ros.args,
    allowPositionals: true,
    options: {
      transport: { type: 'string', default: 'local' },
      duration: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      origin: { type: 'string', multiple: true, default: [] },
      scenario: { type: 'string' },
      controller: { type: 'string', default: 'stack' },
      seed: { type: 'string' },
      json: { type: 'string' },
    },
  });
  if (values.scenario !== undefined) {
    if (positionals.length > 0) throw new ConfigError('--scenario takes no launch file', { context: { field: 'GRAPH', actual: positionals.join(' ') } });
    const seed = numberOption(values.seed, { field: '--seed', expected: 'a non-negative integer', integer: true, min: 0 });
    return { kind: 'scenario', file: values.scenario, controller: values.controller, seed, json: values.json };
  }
  const [file, ...rest] = positionals;
  if (file === undefined) throw new ConfigError('name a launch file (or --scenario FILE)', { context: { field: 'GRAPH', expected: 'a .launch.yaml file' } });
  const launchArgs: Record<string, string> = {};
  for (const arg of rest) {
    const at = arg.indexOf(':=');
    if (at <= 0) throw new ConfigError(`unexpected argument '${arg}'`, { context: { field: 'launch argument', expected: 'name:=value', actual: arg } });
    launchArgs[arg.slice(0, at)] = arg.slice(at + 2);
  }
  if (values.transport !== 'local' && values.transport !== 'ros2') {
    throw new ConfigError(`unknown transport '${values.transport}'`, { context: { field: '--transport', expected: 'local | ros2', actual: values.transport } });
  }
  const duration = numberOption(values.duration, { field: '--duration', expected: 'seconds ≥ 0', min: 0 });
  const port = numberOption(values.port, { field: '--port', expected: 'an integer 0–65535', integer: true, min: 0, max: 65535 });
  if ((values.host !== undefined || values.origin.length > 0) && port === undefined) {
    throw new ConfigError('--host and --origin configure the viewer: give --port too', { context: { field: values.host !== undefined ? '--host' : '--origin', expected: 'used with --port P' } });
  }
  if (values.host === '') throw new ConfigError('empty --host', { context: { field: '--host', expected: 'an interface address or name', actual: "''" } });
  for (const origin of values.origin) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new ConfigError(`bad --origin '${origin}'`, { context: { field: '--origin', expected: 'scheme://host[:port], no path', actual: origin } });
  }
  return { kind: 'graph', file, launchArgs, transport: values.transport, duration, port, host: values.host, origins: values.origin, ros };
}

/** `sensorium run` with an explicit stop signal; the exported `command` wires it to process signals. */
export async function runRunCommand(args: readonly string[], io: CliIo, hooks: RunCommandHooks): Promise<number> {
  let parsed: GraphArgs | ScenarioArgs;
  try {
    parsed = parse(args);
  } catch (error) {
    io.stderr(`sensorium run: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const registry = hooks.registry ?? createNodeRegistry();
  return parsed.kind === 'scenario' ? runOneScenario(parsed, io, registry) : runLaunch(parsed, io, hooks, registry);
}

async function runLaunch(parsed: GraphArgs, io: CliIo, hooks: RunCommandHooks, registry: NodeRegistry): Promise<number> {
  // Load and split before creating any transport: a bad file fails fast, naming file and YAML path.
  const description = loadLaunchFile(resolve(io.cwd, parsed.file), { args: parsed.launchArgs });
  const extra = graphOptionsFromRosArgs(parsed.ros);
  const split = splitBySimTime(description, extra);

  const transport =
    hooks.transport ??
    (await openTransport(io, {
      kind: parsed.transport,
      nodeName: 'sensorium_run',
      command: 'sensorium run',
      withoutRos: `(or run without ROS: sensorium run ${parsed.file} --transport local)`,
    }));
  if (transport === undefined) return 1;
  const wallClock = new SystemClock();
  const simClock = new SimClock();
  const clockSubscription = split.sim.nodes.length > 0 ? simClock.followTopic(transport, '/clock') : undefined;
  const graphs: Graph[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;
  let viewer: VizServer | undefined;
  try {
    const common = { registry, transport, remaps: extra.remaps, params: extra.params, resourceRoot: description.repoRoot };
    // Sim-time nodes first, so they are subscribed before the simulator (wall time) starts stepping.
    if (split.sim.nodes.length > 0) graphs.push(await runGraph(split.sim, { ...common, clock: simClock }));
    if (split.wall.nodes.length > 0) graphs.push(await runGraph(split.wall, { ...common, clock: wallClock }));
    const nodes = graphs.reduce((n, g) => n + g.nodes.length, 0);
    const failures = graphs.flatMap((g) => g.failures);
    for (const failure of failures) io.stderr(`sensorium run: ${failure.node} failed to ${failure.transition}: ${failure.error instanceof Error ? failure.error.message : String(failure.error)}\n`);
    if (nodes > 0 && failures.length === nodes) return 1;
    io.stderr(`sensorium run: ${nodes} node(s) from ${parsed.file} on ${transport.kind}${split.sim.nodes.length > 0 ? ` (${split.sim.nodes.length} on sim time from /clock)` : ''}\n`);

    if (parsed.port !== undefined) {
      const token = randomBytes(12).toString('hex');
      const clock = split.sim.nodes.length > 0 ? simClock : wallClock;
      // Naming a host on the command line is the explicit opt-in the server asks for beyond loopback.
      const reach = parsed.host === undefined ? {} : { host: parsed.host, allowNonLoopback: true };
      viewer = await createVizServer({ transport, clock, port: parsed.port, ...reach, origins: parsed.origins, clientPublish: { token }, graphs: () => graphs });
      io.stderr(`sensorium run: viewer at ${viewer.url}?token=${token}\n`);
    }
    const started = Date.now();
    const status = (): void => io.stdout(`${statusLine(graphs, (Date.now() - started) / 1000, split.sim.nodes.length > 0 ? simClock.nowSec() : undefined)}\n`);
    await new Promise<void>((done) => {
      const stop = (): void => done();
      if (hooks.signal.aborted || parsed.duration === 0) return stop();
      hooks.signal.addEventListener('abort', stop, { once: true });
      timer = setInterval(() => {
        status();
        if (parsed.duration !== undefined && Date.now() - started >= parsed.duration * 1000) stop();
      }, 1000);
      if (parsed.duration !== undefined) setTimeout(stop, parsed.duration * 1000).unref();
    });
    if (timer !== undefined) clearInterval(timer);
    status();
    return 0;
  } finally {
    if (timer !== undefined) clearInterval(timer);
    await viewer?.close();
    // Reverse start order: the simulator stops before the nodes that consume it.
    for (const graph of [...graphs].reverse()) await graph.shutdown();
    clockSubscription?.unsubscribe();
    if (hooks.transport === undefined) await transport.close();
  }
}

/** `[  3.0s] 8/8 active, 0 warn, 0 error | in 412 msg/s, out 180 msg/s | 0 dropped | sim 2.95 s` */
export function statusLine(graphs: readonly Graph[], elapsedSec: number, simSec: number | undefined): string {
  let total = 0;
  let active = 0;
  let warn = 0;
  let error = 0;
  let inRate = 0;
  let outRate = 0;
  let dropped = 0;
  for (const graph of graphs) {
    for (const node of graph.diagnostics().nodes) {
      total++;
      if (node.state === 'active') active++;
      if (node.level === 'warn') warn++;
      if (node.level === 'error') error++;
      for (const topic of node.topics) {
        if (topic.direction === 'in') inRate += topic.rateHz;
        else outRate += topic.rateHz;
      }
      for (const drop of node.drops) dropped += drop.count;
    }
  }
  const sim = simSec === undefined ? '' : ` | sim ${simSec.toFixed(2)} s`;
  return `[${elapsedSec.toFixed(1).padStart(6)}s] ${active}/${total} active, ${warn} warn, ${error} error | in ${inRate.toFixed(0)} msg/s, out ${outRate.toFixed(0)} msg/s | ${dropped} dropped${sim}`;
}

async function runOneScenario(parsed: ScenarioArgs, io: CliIo, registry: NodeRegistry): Promise<number> {
  const path = resolve(io.cwd, parsed.file);
  const scenario = loadScenario(
    await readFile(path, 'utf8').catch((cause: unknown) => {
      throw new ConfigError('cannot read scenario', { context: { file: parsed.file }, cause });
    }),
    { file: parsed.file },
  );
  let controller: RunScenarioOptions['controller'];
  let resourceRoot = io.cwd;
  if (parsed.controller === 'stack' || parsed.controller.endsWith('.yaml') || parsed.controller.endsWith('.yml')) {
    const file = parsed.controller === 'stack' ? resolve(REPO_ROOT, STACK_LAUNCH) : resolve(io.cwd, parsed.controller);
    const launch: GraphDescription = loadLaunchFile(file);
    controller = launch;
    // The stack's model paths are relative to the repository, not to where the command runs.
    resourceRoot = launch.repoRoot ?? REPO_ROOT;
  } else {
    if (parsed.controller !== 'expert' && !registry.has(parsed.controller)) {
      io.stderr(`sensorium run: unknown controller '${parsed.controller}' (stack, expert, a .launch.yaml, or one of ${registry.execs().join(', ')})\n`);
      return 2;
    }
    controller = parsed.controller;
  }
  let lastPrinted = -1;
  let result: Awaited<ReturnType<typeof runScenario>>;
  try {
    result = await runScenario(scenario, {
      controller,
      registry,
      resourceRoot,
      ...(parsed.seed === undefined ? {} : { seed: parsed.seed }),
      onProgress: (p) => {
        const second = Math.floor(p.simSeconds);
        if (second === lastPrinted) return;
        lastPrinted = second;
        io.stderr(`${p.name}: ${p.simSeconds.toFixed(1)}/${p.duration.toFixed(0)} s sim, route ${(100 * p.routeCompletion).toFixed(0)}%\n`);
      },
    });
  } catch (error) {
    // The stack needs trained models (models/); the built-in expert needs nothing.
    io.stderr(`sensorium run: ${(error as Error).message}\n${parsed.controller === 'expert' ? '' : '  (the scripted controller needs no models: --controller expert)\n'}`);
    return 1;
  }
  const m = result.metrics;
  io.stdout(
    `${result.passed ? 'PASS' : 'FAIL'} ${result.name} (controller ${result.controller}, seed ${result.seed}): score ${m.drivingScore.toFixed(2)}, ` +
      `route ${(100 * m.routeCompletion).toFixed(0)}%, collisions ${m.collisions}, ` +
      `clearance ${m.minClearance === null ? '-' : `${m.minClearance.toFixed(2)} m`}, time ${m.timeToGoal === null ? '-' : `${m.timeToGoal.toFixed(1)} s`}, ${m.realtimeFactor.toFixed(1)}× real time\n` +
      result.failures.map((f) => `  ${f}\n`).join(''),
  );
  if (parsed.json !== undefined) {
    const text = `${JSON.stringify(result, null, 2)}\n`;
    if (parsed.json === '-') io.stdout(text);
    else await writeFile(resolve(io.cwd, parsed.json), text);
  }
  return result.passed ? 0 : 1;
}

export const command: CliCommand = {
  name: 'run',
  summary: 'run a launch file graph in one process, or one scored simulator scenario',
  usage: USAGE,
  async run(args, io) {
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      return await runRunCommand(args, io, { signal: controller.signal });
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
