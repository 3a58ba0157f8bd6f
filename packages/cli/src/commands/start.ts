import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { LatchedQoS, LocalTransport, type Logger, type Transport } from '@sensorium/core';
import { loadScenario, type Scenario } from '@sensorium/sim';
import { createVizServer, type VizServer } from '@sensorium/viz';
import type { CliCommand, CliIo } from '../CliCommand.js';
import { createNodeRegistry } from '../nodeRegistry.js';
import { SessionClock } from '../stack/SessionClock.js';
import { StackSession } from '../stack/StackSession.js';
import { StatusTaps } from '../stack/StatusTaps.js';
import { REPO_ROOT, loadStackGraph, worldBounds } from '../stack/stackGraph.js';

const DEFAULT_SCENARIOS = ['static-obstacle-field', 'pop-out-obstacle', 'pedestrian-crossing', 'narrow-doorway'];
/** Sim seconds per loop iteration: control messages, pacing and the stop check happen between chunks. */
const CHUNK_SEC = 0.1;

const USAGE = `Usage: sensorium start [--headless] [--duration SEC] [--port N] [--scenario NAME|FILE]... [--seed N] [--realtime] [--json]

The demo: the simulator and the full stack (launch/stack.launch.yaml: perception, fusion, policy, safety
supervisor) with the web viewer at http://127.0.0.1:8080, looping through a few scenarios
(${DEFAULT_SCENARIOS.join(', ')}), paced to real time, one status line per second.

  --headless          no viewer; not paced unless --realtime; with --duration exits with a summary
  --duration SEC      stop after SEC seconds of simulated time (default: run until Ctrl-C)
  --port N            viewer port (default 8080)
  --scenario X        a scenario name in sim/scenarios or a YAML file; repeat for several (looped in order)
  --seed N            simulator seed (default each scenario's)
  --realtime          pace to wall-clock time even when headless
  --json              the summary as JSON on stdout (status lines go to stderr)
  --models DIR        read models/… (fusion, policy) from DIR instead of the repository's models/

The viewer steers through std_msgs/String on /scenario/control: "start NAME", "pause", "resume", "reset";
the state is published (latched) as JSON in std_msgs/String on /scenario/status.`;

interface ScenarioOutcome {
  name: string;
  passed: boolean;
  finished: boolean;
  simSeconds: number;
  routeCompletion: number;
  collisions: number;
  drivingScore: number;
  interventions: number;
}

/** What `sensorium start` can be made to do from outside (tests, the viewer's control topic). */
type Control = { kind: 'start'; name: string } | { kind: 'pause' } | { kind: 'resume' } | { kind: 'reset' };

export const command: CliCommand = {
  name: 'start',
  summary: 'the demo: simulator + full stack + web viewer, looping through scenarios',
  usage: USAGE,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...args],
        options: {
          headless: { type: 'boolean', default: false },
          duration: { type: 'string' },
          port: { type: 'string', default: '8080' },
          scenario: { type: 'string', multiple: true },
          seed: { type: 'string' },
          realtime: { type: 'boolean', default: false },
          json: { type: 'boolean', default: false },
          models: { type: 'string' },
          help: { type: 'boolean', default: false },
        },
      }).values;
    } catch (error) {
      io.stderr(`${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (parsed.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const duration = parsed.duration === undefined ? Infinity : Number(parsed.duration);
    const port = Number(parsed.port);
    const seed = parsed.seed === undefined ? undefined : Number(parsed.seed);
    if (!(duration > 0) || !Number.isInteger(port) || port < 0 || port > 65535 || (seed !== undefined && !Number.isInteger(seed))) {
      io.stderr(`bad --duration, --port or --seed\n\n${USAGE}\n`);
      return 2;
    }
    let scenarios: Scenario[];
    try {
      scenarios = (parsed.scenario ?? DEFAULT_SCENARIOS).map((s) => readScenario(s, io.cwd));
    } catch (error) {
      io.stderr(`${(error as Error).message}\n`);
      return 2;
    }
    return start({ io, scenarios, duration, port, seed, headless: parsed.headless, paced: !parsed.headless || parsed.realtime, json: parsed.json, models: parsed.models === undefined ? undefined : path.resolve(io.cwd, parsed.models) });
  },
};

function readScenario(nameOrFile: string, cwd: string): Scenario {
  const asFile = path.resolve(cwd, nameOrFile);
  const file = existsSync(asFile) && nameOrFile.endsWith('.yaml') ? asFile : path.join(REPO_ROOT, 'sim/scenarios', `${nameOrFile.replace(/\.yaml$/, '')}.yaml`);
  if (!existsSync(file)) throw new Error(`scenario not found: ${nameOrFile} (a name in sim/scenarios or a YAML file)`);
  return loadScenario(readFileSync(file, 'utf8'), { file });
}

interface StartOptions {
  io: CliIo;
  scenarios: Scenario[];
  duration: number;
  port: number;
  seed: number | undefined;
  headless: boolean;
  paced: boolean;
  json: boolean;
  models: string | undefined;
}

async function start(o: StartOptions): Promise<number> {
  const { io } = o;
  const say = (line: string) => (o.json ? io.stderr(`${line}\n`) : io.stdout(`${line}\n`));
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (m, f) => io.stderr(`warn: ${m}${f === undefined ? '' : ` ${JSON.stringify(f)}`}\n`),
    error: (m, f) => io.stderr(`error: ${m}${f === undefined ? '' : ` ${JSON.stringify(f)}`}\n`),
  };
  const transport: Transport = new LocalTransport({ onWarning: () => undefined });
  const clock = new SessionClock();
  const registry = createNodeRegistry();
  const taps = new StatusTaps(transport);
  const controls: Control[] = [];
  const controlSub = transport.subscribe('/scenario/control', 'std_msgs/msg/String').subscribe((m) => {
    const control = parseControl(m.data);
    if (control === undefined) logger.warn(`scenario/control: unknown command "${m.data}" (start NAME | pause | resume | reset)`);
    else controls.push(control);
  });
  const statusPub = transport.advertise('/scenario/status', 'std_msgs/msg/String', LatchedQoS);
  let viz: VizServer | undefined;
  if (!o.headless) viz = await startViewer(o.port, transport, clock, say, logger);

  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(130);
    stopping = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const outcomes: ScenarioOutcome[] = [];
  const wallStart = performance.now();
  let simTotal = 0;
  let index = 0;
  let exitCode = 0;
  try {
    while (!stopping && simTotal < o.duration - 1e-9) {
      const scenario = o.scenarios[index % o.scenarios.length]!;
      const bounds = worldBounds(scenario.world.size);
      const stack = loadStackGraph({ params: { policy: { map_bounds: bounds }, planner: { map_bounds: bounds } } });
      say(`scenario ${scenario.name}: ${scenario.description ?? ''}`.trimEnd());
      const session = await StackSession.create({ scenario, stack, registry, transport, logger, ...(o.seed === undefined ? {} : { seed: o.seed }), resourceRoot: REPO_ROOT, ...(o.models === undefined ? {} : { readResource: modelsFrom(o.models) }) });
      clock.use(session.clock);
      taps.reset();
      let paused = false;
      let next: { name: string } | 'reset' | undefined;
      let sessionWall = performance.now();
      let pausedSim = 0;
      let lastStatus = -1;
      const publishStatus = (state: string) =>
        statusPub.publish({
          data: JSON.stringify({ state, scenario: scenario.name, scenarios: o.scenarios.map((s) => s.name), sim_time: round(session.time), route_completion: round(session.simulator.scorer.snapshot().routeCompletion) }),
        });
      publishStatus('running');
      try {
        while (!stopping && !session.finished && simTotal < o.duration - 1e-9 && next === undefined) {
          for (const c of controls.splice(0)) {
            if (c.kind === 'pause') paused = true;
            else if (c.kind === 'resume') paused = false;
            else if (c.kind === 'reset') next = 'reset';
            else next = { name: c.name };
            publishStatus(paused ? 'paused' : 'running');
          }
          if (next !== undefined) break;
          if (paused) {
            await sleep(100);
            pausedSim = session.time;
            sessionWall = performance.now();
            continue;
          }
          const step = Math.min(CHUNK_SEC, o.duration - simTotal);
          session.advance(step);
          simTotal += step;
          const second = Math.floor(session.time);
          if (second !== lastStatus) {
            lastStatus = second;
            say(taps.line(session.time, scenario.name));
            publishStatus('running');
          }
          if (o.paced) {
            const ahead = (session.time - pausedSim) * 1000 - (performance.now() - sessionWall);
            if (ahead > 0) await sleep(ahead);
          } else {
            await new Promise((r) => setImmediate(r)); // control messages and signals get through
          }
        }
        const score = session.simulator.scorer.snapshot();
        const outcome: ScenarioOutcome = {
          name: scenario.name,
          passed: session.simulator.scorer.timeToGoal !== null && score.collisions === 0,
          finished: session.finished,
          simSeconds: round(session.time),
          routeCompletion: round(score.routeCompletion),
          collisions: score.collisions,
          drivingScore: round(score.drivingScore),
          interventions: taps.interventions,
        };
        outcomes.push(outcome);
        say(
          `${scenario.name}: ${outcome.finished ? (session.simulator.scorer.timeToGoal !== null ? 'goal reached' : 'time up') : 'stopped'} after ${outcome.simSeconds} s, ` +
            `completion ${outcome.routeCompletion}, collisions ${outcome.collisions}, driving score ${outcome.drivingScore}, interventions ${outcome.interventions}` +
            (taps.byReason.size > 0 ? ` (${[...taps.byReason].map(([r, n]) => `${r} ${n}`).join(', ')})` : ''),
        );
        publishStatus('finished');
      } finally {
        await session.shutdown();
      }
      if (next === 'reset') continue;
      if (next !== undefined) {
        const name = next.name;
        const found = o.scenarios.findIndex((s) => s.name === name);
        if (found >= 0) index = found;
        else {
          try {
            o.scenarios.push(readScenario(name, REPO_ROOT));
            index = o.scenarios.length - 1;
          } catch (error) {
            logger.warn((error as Error).message);
            index += 1;
          }
        }
        continue;
      }
      index += 1;
    }
  } catch (error) {
    io.stderr(`start: ${(error as Error).message}\n`);
    exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    controlSub.unsubscribe();
    taps.dispose();
    statusPub.close();
    await viz?.close();
    await transport.close();
  }
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const summary = {
    scenarios: outcomes,
    simSeconds: round(simTotal),
    wallSeconds: round(wallSeconds),
    realtimeFactor: round(simTotal / Math.max(wallSeconds, 1e-9)),
    collisions: outcomes.reduce((a, r) => a + r.collisions, 0),
    interventions: outcomes.reduce((a, r) => a + r.interventions, 0),
    meanDrivingScore: round(outcomes.reduce((a, r) => a + r.drivingScore, 0) / Math.max(1, outcomes.length)),
  };
  if (o.json) io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    io.stdout(
      `summary: ${outcomes.length} scenario run(s), ${summary.simSeconds} s simulated in ${summary.wallSeconds} s (×${summary.realtimeFactor}), ` +
        `collisions ${summary.collisions}, interventions ${summary.interventions}, mean driving score ${summary.meanDrivingScore}\n`,
    );
  }
  return exitCode;
}

function parseControl(data: string): Control | undefined {
  const [verb, ...rest] = data.trim().split(/\s+/);
  if (verb === 'pause' || verb === 'resume' || verb === 'reset') return { kind: verb };
  if (verb === 'start' && rest.length > 0) return { kind: 'start', name: rest.join(' ') };
  return undefined;
}

/** The viewer server on the shared transport; without it (port taken…) the demo keeps running and says why. */
async function startViewer(port: number, transport: Transport, clock: SessionClock, say: (l: string) => void, logger: Logger): Promise<VizServer | undefined> {
  const token = randomBytes(12).toString('hex');
  try {
    const server = await createVizServer({ transport, clock, port, clientPublish: { token }, graphs: 'running' });
    say(`viewer: ${server.url}?token=${token}`);
    if (server.viewerError !== undefined) logger.warn(`viewer page unavailable (${server.viewerError}); the WebSocket server runs`);
    return server;
  } catch (error) {
    logger.error(`viewer failed to start on port ${port}: ${(error as Error).message}; running without it`);
    return undefined;
  }
}

/** Resources read from the repository, except `models/…`, which come from `dir`. */
function modelsFrom(dir: string): (p: string) => Promise<Uint8Array> {
  return async (p) => {
    const file = p.startsWith('models/') ? path.join(dir, p.slice('models/'.length)) : path.resolve(REPO_ROOT, p);
    return new Uint8Array(await readFile(file));
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
