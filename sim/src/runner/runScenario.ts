import { DiagnosticsPublisher, Graph, LocalTransport, NodeRegistry, NodeRuntime, SimClock, runGraph, type GraphDescription, type NodeDefinition, type ParamSpecs, type Transport } from '@sensorium/core';
import type { Scenario } from '../scenario/ScenarioSchema.js';
import { expertControllerNode } from '../expert/expertControllerNode.js';
import { createSimulatorNode } from '../simulatorNode.js';
import type { Simulator } from '../Simulator.js';
import { polygonCircleDistance, polygonDistance, rectCorners } from '../world/geometry2d.js';
import type { GraphNode, NodeResolver } from './GraphNode.js';
import type { GatingCheck, GatingFaultResponse, GatingReport, ScenarioResult, ScenarioSummary } from './ScenarioResult.js';

export interface ScenarioProgress {
  name: string;
  simSeconds: number;
  duration: number;
  routeCompletion: number;
}

export interface RunScenarioOptions {
  /**
   * `expert` (built in), the exec name of a controller node in `registry`, a list of graph nodes, or a launch
   * file's GraphDescription (core `loadLaunchFile`; a `simulator` node in it is replaced by this run's). Default `expert`.
   */
  controller?: string | readonly GraphNode[] | GraphDescription;
  /** Resolves exec names of controller graph nodes (the CLI's NodeRegistry). */
  registry?: NodeResolver;
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Pace the run to wall-clock time (for watching in the viewer). */
  realtime?: boolean;
  /**
   * A modality the simulator never publishes: camera (or vision), lidar, audio, touch; or `gating`: every
   * `fusion` node of the controller graph runs with `fixed_weights: true` (equal weights, no learned gate).
   */
  ablate?: string;
  onProgress?(progress: ScenarioProgress): void;
  /** Extra simulator parameters (sensor rates, resolutions, noise). */
  simulatorParams?: Readonly<Record<string, unknown>>;
  /** Transport to run on (default a fresh LocalTransport); tests and the viewer tap it. */
  transport?: Transport;
  /** Called with the transport and clock before any node starts (to subscribe taps). */
  onStart?(context: { transport: Transport; clock: SimClock }): void;
  /** Reads resources (WAV files) for nodes; default the file system relative to `resourceRoot`. */
  readResource?(path: string): Promise<Uint8Array>;
  resourceRoot?: string;
}

/** Sim seconds advanced between checks of the stop condition, progress and real-time pacing. */
const CHUNK_SEC = 0.1;
const LATENCY_TOPICS = ['lidar/points', 'camera/image_raw', 'audio/audio', 'touch/tactile', 'sim/world'] as const;

/**
 * Runs one scenario headless: the simulator and the controller graph as nodes on one transport, stepped
 * on a SimClock, until the goal is reached or the duration is up; then scores it against `expect`.
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): Promise<ScenarioResult> {
  const seed = options.seed ?? scenario.seed;
  const controller = options.controller ?? 'expert';
  const ablateGating = options.ablate === 'gating';
  const launch = isGraphDescription(controller) ? (ablateGating ? fixedWeightsLaunch(controller) : controller) : undefined;
  const controllerName = typeof controller === 'string' ? controller : launch !== undefined ? (launch.file ?? 'launch') : 'graph';
  const graph = launch === undefined ? controllerGraph(controller as string | readonly GraphNode[]).map((n) => (ablateGating && n.exec === 'fusion' ? { ...n, params: { ...n.params, fixed_weights: true } } : n)) : [];
  const clock = new SimClock();
  const transport = options.transport ?? new LocalTransport({ onWarning: () => undefined });
  let simulator: Simulator | undefined;
  const simulatorDefinition = createSimulatorNode({ scenario, onCreated: (s) => (simulator = s) });
  const resolveExec = (exec: string): NodeDefinition<ParamSpecs> => {
    if (exec === 'expert_controller') return expertControllerNode as unknown as NodeDefinition<ParamSpecs>;
    const found = options.registry?.get(exec);
    if (found === undefined) throw new Error(`unknown controller node exec "${exec}" (not built in and not in the registry)`);
    return found;
  };
  const simParams: Record<string, unknown> = { seed, ...options.simulatorParams };
  if (options.ablate !== undefined && options.ablate !== '' && !ablateGating) simParams['ablate'] = options.ablate;
  const runtimes: NodeRuntime[] = [
    new NodeRuntime(simulatorDefinition as unknown as NodeDefinition<ParamSpecs>, {
      transport,
      clock,
      params: [{ values: simParams }],
      logger: quietLogger,
      ...resourceOptions(options),
    }),
    ...graph.map(
      (node) =>
        new NodeRuntime(resolveExec(node.exec), {
          transport,
          clock,
          ...(node.name === undefined ? {} : { name: node.name }),
          ...(node.namespace === undefined ? {} : { namespace: node.namespace }),
          params: [{ values: { ...node.params } }],
          remaps: Object.entries(node.remaps ?? {}).map(([from, to]) => ({ from, to })),
          logger: quietLogger,
          ...resourceOptions(options),
        }),
    ),
  ];

  // Taps: control latency and fusion gating.
  let newestSensorSec = -Infinity;
  const latencies: number[] = [];
  const gatingSamples: GatingSample[] = [];
  const taps = [
    ...LATENCY_TOPICS.map((topic) =>
      transport.subscribe(`/${topic}`, topicType(topic), { reliability: 'best_effort' }).subscribe((m) => {
        const stamp = (m as { header: { stamp: { sec: number; nanosec: number } } }).header.stamp;
        newestSensorSec = Math.max(newestSensorSec, stamp.sec + stamp.nanosec * 1e-9);
      }),
    ),
    transport.subscribe('/cmd_vel', 'geometry_msgs/msg/Twist', { reliability: 'best_effort' }).subscribe(() => {
      if (Number.isFinite(newestSensorSec)) latencies.push((clock.nowSec() - newestSensorSec) * 1000);
    }),
    transport.subscribe('/fusion/gating', 'sensorium_msgs/msg/ModalityWeights', { reliability: 'best_effort' }).subscribe((m) => {
      const weights = new Map<string, number>();
      m.modalities.forEach((name, i) => weights.set(name, m.weights[i] ?? 0));
      // t: the message's stamp (its oldest sensor input); rt: when it arrived (sim s), which the response-time metrics use.
      gatingSamples.push({ t: m.header.stamp.sec + m.header.stamp.nanosec * 1e-9, rt: clock.nowSec(), weights, pointEncoder: m.active_modules.includes('lidar_point_encoder') });
    }),
  ];
  options.onStart?.({ transport, clock });

  let wallStart = performance.now();
  const obstacleAhead = new Map<number, number[]>();
  const wasWithin = new Map<number, boolean>();
  const track: TrackSample[] = [];
  let launched: Graph | undefined;
  let diagnostics: DiagnosticsPublisher | undefined;
  try {
    for (const r of runtimes) await r.configure();
    for (const r of runtimes) r.activate();
    if (launch !== undefined) {
      launched = await runGraph(
        { ...launch, nodes: launch.nodes.filter((n) => n.exec !== 'simulator') },
        { registry: toNodeRegistry(options.registry), transport, clock, logger: quietLogger, diagnostics: false, ...resourceOptions(options) },
      );
      const failure = launched.failures[0];
      if (failure !== undefined) throw failure.error;
    }
    // Real-time factor measures stepping, not loading WASM and building BVHs.
    wallStart = performance.now();
    // `/diagnostics` at 1 Hz of sim time over every node, as `sensorium run` publishes it.
    const own = new Graph(runtimes, { clock, logger: quietLogger });
    diagnostics = new DiagnosticsPublisher({
      transport,
      clock,
      snapshot: () => {
        const a = own.diagnostics();
        return launched === undefined ? a : { stamp: a.stamp, nodes: [...a.nodes, ...launched.diagnostics().nodes] };
      },
    });
    const sim = simulator;
    if (sim === undefined) throw new Error('simulator node did not start');
    const distances = [...new Set(scenario.expect.gating.map((g) => g.distance))];
    let lastYield = performance.now();
    while (sim.time < scenario.duration - 1e-9) {
      clock.advanceBy(Math.min(CHUNK_SEC, scenario.duration - sim.time));
      track.push({ t: sim.time, ahead: nearestAhead(sim), any: nearestAny(sim) });
      for (const d of distances) {
        const within = nearestAhead(sim) <= d;
        if (within && wasWithin.get(d) !== true) obstacleAhead.set(d, [...(obstacleAhead.get(d) ?? []), sim.time]);
        wasWithin.set(d, within);
      }
      options.onProgress?.({ name: scenario.name, simSeconds: sim.time, duration: scenario.duration, routeCompletion: sim.scorer.snapshot().routeCompletion });
      if (sim.scorer.timeToGoal !== null) break;
      if (options.realtime === true) {
        const ahead = sim.time * 1000 - (performance.now() - wallStart);
        if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
      } else if (performance.now() - lastYield > 200) {
        // Let progress bars and signals through on long runs.
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
    }
    sim.finish();
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const score = sim.scorer.snapshot();
    const gating = evaluateGating(scenario, gatingSamples, obstacleAhead, track);
    const metrics = {
      collisions: score.collisions,
      minClearance: score.minClearance,
      routeCompletion: score.routeCompletion,
      timeToGoal: score.timeToGoal,
      infractions: score.infractions,
      drivingScore: score.drivingScore,
      simSeconds: sim.time,
      wallSeconds,
      realtimeFactor: wallSeconds > 0 ? sim.time / wallSeconds : Infinity,
      latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
      gating,
    };
    const counters: Record<string, Record<string, number>> = {};
    for (const r of [...runtimes, ...(launched?.nodes ?? [])]) counters[r.fullName] = { ...r.diagnostics.snapshot().counters };
    const failures = checkExpectations(scenario, metrics);
    const result: ScenarioResult = { name: scenario.name, seed, controller: controllerName, passed: failures.length === 0, failures, metrics, counters };
    if (scenario.file !== undefined) result.file = scenario.file;
    return result;
  } finally {
    for (const t of taps) t.unsubscribe();
    diagnostics?.stop();
    await launched?.shutdown();
    for (const r of [...runtimes].reverse()) await r.shutdown();
    if (options.transport === undefined) await transport.close();
  }
}

/** Runs scenarios one after another and sums them up. */
export async function runScenarios(
  scenarios: readonly Scenario[],
  options: RunScenarioOptions & { onResult?(result: ScenarioResult, index: number): void } = {},
): Promise<ScenarioSummary> {
  const start = performance.now();
  const results: ScenarioResult[] = [];
  for (const [i, scenario] of scenarios.entries()) {
    const result = await runScenario(scenario, options);
    results.push(result);
    options.onResult?.(result, i);
  }
  const passed = results.filter((r) => r.passed).length;
  return { total: results.length, passed, failed: results.length - passed, wallSeconds: (performance.now() - start) / 1000, results };
}

/** The launch graph with `fixed_weights: true` on its fusion nodes (ablation `gating`). */
function fixedWeightsLaunch(launch: GraphDescription): GraphDescription {
  return { ...launch, nodes: launch.nodes.map((n) => (n.exec === 'fusion' ? { ...n, params: [...n.params, { kind: 'values' as const, values: { fixed_weights: true }, file: 'ablate gating' }] } : n)) };
}

function isGraphDescription(c: unknown): c is GraphDescription {
  return typeof c === 'object' && c !== null && !Array.isArray(c) && Array.isArray((c as GraphDescription).nodes);
}

/** core's runGraph wants a NodeRegistry: the expert plus whatever the given resolver lists. */
function toNodeRegistry(resolver: NodeResolver | undefined): NodeRegistry {
  if (resolver instanceof NodeRegistry) return resolver.has('expert_controller') ? resolver : new NodeRegistry().register(...resolver.execs().map((e) => resolver.get(e)!), expertControllerNode as unknown as NodeDefinition<ParamSpecs>);
  const registry = new NodeRegistry().register(expertControllerNode as unknown as NodeDefinition<ParamSpecs>);
  const execs = (resolver as { execs?: () => string[] } | undefined)?.execs?.() ?? [];
  for (const exec of execs) {
    const d = resolver?.get(exec);
    if (d !== undefined && exec !== 'expert_controller') registry.register(d);
  }
  return registry;
}

function controllerGraph(controller: string | readonly GraphNode[]): readonly GraphNode[] {
  if (typeof controller !== 'string') return controller;
  if (controller === 'expert') return [{ exec: 'expert_controller' }];
  return [{ exec: controller }];
}

function resourceOptions(options: RunScenarioOptions) {
  return {
    ...(options.readResource === undefined ? {} : { readResource: options.readResource }),
    ...(options.resourceRoot === undefined ? {} : { resourceRoot: options.resourceRoot }),
  };
}

const quietLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: (m: string, f?: Record<string, unknown>) => console.error(m, f ?? '') };

function topicType(topic: (typeof LATENCY_TOPICS)[number]) {
  switch (topic) {
    case 'lidar/points':
      return 'sensor_msgs/msg/PointCloud2' as const;
    case 'camera/image_raw':
      return 'sensor_msgs/msg/Image' as const;
    case 'audio/audio':
      return 'audio_common_msgs/msg/AudioDataStamped' as const;
    case 'touch/tactile':
      return 'sensorium_msgs/msg/TactileArray' as const;
    case 'sim/world':
      return 'sensorium_msgs/msg/WorldState' as const;
  }
}

const aheadCorners = new Float64Array(8);
/** Distance from the footprint to the nearest solid whose bearing is within ±45° of the heading. */
function nearestAhead(sim: Simulator): number {
  const pose = { x: 0, y: 0, yaw: 0 };
  sim.physics.pose(pose);
  const corners = rectCorners(pose.x, pose.y, pose.yaw, 0.25, 0.2, aheadCorners);
  let best = Infinity;
  for (const s of sim.world.solids) {
    if (s.kind === 'wall' && s.id.startsWith('boundary-')) continue;
    const bearing = Math.atan2(s.y - pose.y, s.x - pose.x) - pose.yaw;
    if (Math.abs(Math.atan2(Math.sin(bearing), Math.cos(bearing))) > Math.PI / 4) continue;
    const d = s.shape === 'circle' ? polygonCircleDistance(corners, s.x, s.y, s.hx) : polygonDistance(corners, s.corners);
    best = Math.min(best, d);
  }
  return best;
}

interface GatingSample {
  t: number;
  rt: number;
  weights: Map<string, number>;
  pointEncoder: boolean;
}
interface TrackSample {
  t: number;
  ahead: number;
  any: number;
}

const anyCorners = new Float64Array(8);
/** Distance from the footprint to the nearest solid in any direction, boundary walls aside. */
function nearestAny(sim: Simulator): number {
  const pose = { x: 0, y: 0, yaw: 0 };
  sim.physics.pose(pose);
  const corners = rectCorners(pose.x, pose.y, pose.yaw, 0.25, 0.2, anyCorners);
  let best = Infinity;
  for (const s of sim.world.solids) {
    if (s.kind === 'wall' && s.id.startsWith('boundary-')) continue;
    best = Math.min(best, s.shape === 'circle' ? polygonCircleDistance(corners, s.x, s.y, s.hx) : polygonDistance(corners, s.corners));
  }
  return best;
}

const FAULT_MODALITY: Record<string, string> = { camera: 'vision', lidar: 'lidar', audio: 'audio', touch: 'touch' };

/**
 * The issue-5 gating behaviour, measured on every run (expectations or not): vision weight with nothing
 * within 3 m, response to obstacles appearing within 2 m ahead, and each fault's effect on its modality.
 */
function gatingBehaviour(scenario: Scenario, samples: readonly GatingSample[], track: readonly TrackSample[]) {
  const trackAt = (t: number): TrackSample | undefined => {
    let best: TrackSample | undefined;
    for (const s of track) if (s.t <= t + 1e-9) best = s;
    return best ?? track[0];
  };
  let clearSum = 0;
  let clearMessages = 0;
  for (const s of samples) {
    const where = trackAt(s.rt);
    if (where !== undefined && where.any > 3) {
      clearSum += s.weights.get('vision') ?? 0;
      clearMessages++;
    }
  }
  let onsets = 0;
  let onsetsAnswered = 0;
  let was = true; // an obstacle already within 2 m at the start is no onset
  for (const [i, p] of track.entries()) {
    const within = p.ahead <= 2;
    if (within && !was && i > 0) {
      onsets++;
      const t0 = track[i - 1]!.t;
      if (samples.some((s) => s.rt >= t0 - 1e-6 && s.rt <= t0 + 0.5 + 1e-6 && (s.weights.get('vision') ?? 0) >= 0.7 && s.pointEncoder)) onsetsAnswered++;
    }
    was = within;
  }
  const mean = (from: number, to: number, pick: (s: GatingSample) => number): number => {
    const xs = samples.filter((s) => s.rt >= from && s.rt < to).map(pick);
    return xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  const faults: GatingFaultResponse[] = [];
  for (const f of scenario.faults) {
    const m = FAULT_MODALITY[f.sensor] ?? f.sensor;
    const own = (s: GatingSample): number => s.weights.get(m) ?? 0;
    const others = (s: GatingSample): number => [...s.weights].reduce((a, [k, v]) => (k === m ? a : a + v), 0);
    const weightBefore = mean(f.at - 1, f.at, own);
    const end = Math.min(f.at + f.duration, f.at + 1.5);
    const threshold = Math.max(0.05, weightBefore / 3);
    const fell = samples.find((s) => s.rt >= f.at && s.rt <= f.at + f.duration && own(s) < threshold);
    faults.push({
      sensor: f.sensor,
      kind: f.kind,
      at: f.at,
      weightBefore,
      othersBefore: mean(f.at - 1, f.at, others),
      weightAfter: mean(f.at + 0.5, end, own),
      othersAfter: mean(f.at + 0.5, end, others),
      fallSeconds: fell === undefined ? null : fell.rt - f.at,
    });
  }
  return { clearVisionWeight: clearMessages === 0 ? null : clearSum / clearMessages, clearMessages, onsets, onsetsAnswered, faults };
}

function evaluateGating(scenario: Scenario, samples: GatingSample[], events: Map<number, number[]>, track: readonly TrackSample[]): GatingReport {
  const expectations = scenario.expect.gating;
  const behaviour = gatingBehaviour(scenario, samples, track);
  if (expectations.length === 0) return { status: 'none', messages: samples.length, checks: [], ...behaviour };
  const checks: GatingCheck[] = expectations.map((g) => {
    const times = events.get(g.distance) ?? [];
    const satisfied = times.filter((t0) => samples.some((s) => s.t >= t0 - 1e-6 && s.t <= t0 + g.within && (s.weights.get(g.modality) ?? 0) >= g.min_weight)).length;
    return { modality: g.modality, distance: g.distance, minWeight: g.min_weight, within: g.within, events: times, satisfied, passed: satisfied === times.length };
  });
  if (samples.length === 0) return { status: 'not_evaluated', messages: 0, checks, ...behaviour };
  return { status: checks.every((c) => c.passed) ? 'passed' : 'failed', messages: samples.length, checks, ...behaviour };
}

function checkExpectations(scenario: Scenario, m: ScenarioResult['metrics']): string[] {
  const e = scenario.expect;
  const failures: string[] = [];
  if (e.reach_goal && m.timeToGoal === null) failures.push(`goal not reached within ${scenario.duration} s (route completion ${(100 * m.routeCompletion).toFixed(0)}%)`);
  if (m.collisions > e.max_collisions) failures.push(`${m.collisions} collision(s), at most ${e.max_collisions} allowed`);
  if (e.min_clearance !== undefined && m.minClearance !== null && m.minClearance < e.min_clearance) failures.push(`min clearance ${m.minClearance.toFixed(3)} m < ${e.min_clearance} m`);
  if (e.max_time !== undefined && m.timeToGoal !== null && m.timeToGoal > e.max_time) failures.push(`time to goal ${m.timeToGoal.toFixed(1)} s > ${e.max_time} s`);
  if (e.max_infractions !== undefined && m.infractions > e.max_infractions) failures.push(`${m.infractions} keep-out infraction(s), at most ${e.max_infractions}`);
  if (e.min_driving_score !== undefined && m.drivingScore < e.min_driving_score) failures.push(`driving score ${m.drivingScore.toFixed(2)} < ${e.min_driving_score}`);
  if (m.gating.status === 'failed') {
    for (const c of m.gating.checks.filter((c) => !c.passed)) failures.push(`gating: ${c.modality} weight ≥ ${c.minWeight} within ${c.within} s of an obstacle at ${c.distance} m: ${c.satisfied}/${c.events.length}`);
  }
  return failures;
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
