import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ConfigError, NodeRegistry, type GraphDescription } from '@sensorium/core';
import {
  DEFAULT_FUSION_CONFIG,
  FusionModel,
  PolicyHead,
  SimGateEnvironment,
  SimRecorder,
  SyntheticWorld,
  concatDatasets,
  evaluateStack,
  loadFusionModel,
  loadPolicyHead,
  reinforceGate,
  saveFusionModel,
  savePolicyHead,
  trainFusion,
} from '@sensorium/fusion';
import type { FusionDataset, FusionSample, GateEnvironment, ModelFiles, SimEpisode, StackMetrics, TrainCheckpoint, TrainProgress } from '@sensorium/fusion';
import { initBackend } from '@sensorium/ml';
import { loadScenario, runScenario, type Scenario } from '@sensorium/sim';
import type { CliCommand, CliIo } from '../CliCommand.js';
import { createNodeRegistry } from '../nodeRegistry.js';
import { REPO_ROOT, loadStackGraph, worldBounds } from '../stack/stackGraph.js';
import { controlNodes } from '@sensorium/control';
import { fusionNodes } from '@sensorium/fusion';
import { perceptionNodes } from '@sensorium/perception';
import { simNodes } from '@sensorium/sim';

const USAGE = `Usage: sensorium train [--config FILE] [--out DIR] [--resume] [--steps N]

Trains the fusion model (gating network, cross-modal attention, aux heads) and the policy head:
  1. data: runs the scenario library and randomised variants (seed, lighting, obstacle colours) in the
     simulator with the expert driving through the perception + fusion nodes, recording what the fusion
     node sees (FusionSamples), plus SyntheticWorld episodes if the config asks for them;
  2. behaviour cloning + auxiliary obstacle losses + gate supervision + the gate's L2 penalty;
  3. REINFORCE on the gate only, on the scenario reward (driving score − 0.25 × collisions) of closed-loop
     simulator rollouts of the full stack (launch/stack.launch.yaml: the fusion node steps the model being
     trained with exploration noise on the gate logits; planner, policy node and supervisor drive), each
     iteration rl_episodes runs of one rl_scenarios entry (same seed: only the exploration differs, the
     batch mean is the baseline); before and after, each rl_scenario once without noise (reward, success,
     gating). rl_environment "synthetic" uses SyntheticWorld rollouts instead.
Writes OUT/fusion, OUT/policy (float) and OUT/fusion-int8, OUT/policy-int8, OUT/train-metrics.json, and
OUT/checkpoint.json every checkpoint_every steps and OUT/checkpoint-reinforce.json every REINFORCE iteration
(--resume continues from the latest phase with the same batches and episodes).

  --config FILE   JSON: {"scenarios": ["sim/scenarios"], "variants": 1, "synthetic_episodes": 60,
                  "epochs": 4, "batch_size": 64, "learning_rate": 0.001, "rl_iterations": 6, "rl_episodes": 8,
                  "eval_episodes": 20, "seed": 1,
                  "checkpoint_every": 100, "max_sim_seconds": 30, "near_repeat": 4, "fault_repeat": 3,
                  "gate_weight": 3, "init": "", "rl_environment": "simulator",
                  "rl_scenarios": ["sim/scenarios/camera-freeze.yaml", ...], "rl_sigma": 0.3,
                  "rl_learning_rate": 0.0003, "rl_max_sim_seconds": 30, "rl_near_weight": 4}
                  init: a models directory (fusion/, policy/) to start from instead of the seeded
                  initialisation (with epochs 0 and no data: REINFORCE fine-tuning of shipped weights)
  --out DIR       output directory (default models-trained)
  --resume        continue from OUT/checkpoint.json
  --steps N       stop the supervised phase after N steps (smoke runs)
  -h, --help      this help`;

export interface TrainConfig {
  scenarios: string[];
  variants: number;
  synthetic_episodes: number;
  epochs: number;
  batch_size: number;
  learning_rate: number;
  rl_iterations: number;
  rl_episodes: number;
  eval_episodes: number;
  seed: number;
  checkpoint_every: number;
  max_sim_seconds: number;
  /** Simulator samples with an obstacle within 3 m ahead are repeated this often (few per run otherwise). */
  near_repeat: number;
  /** Simulator samples in a sensor fault are repeated this often. */
  fault_repeat: number;
  /** Weight of the gate cross-entropy in the loss. */
  gate_weight: number;
  /** Models directory (fusion/, policy/) to start from; '' = seeded initialisation. */
  init: string;
  /** Where REINFORCE rolls out: the simulator through the stack graph, or SyntheticWorld. */
  rl_environment: string;
  /** Scenario files REINFORCE (and its before/after evaluation) runs in the simulator. */
  rl_scenarios: string[];
  /** Std of the exploration noise on the gate logits. */
  rl_sigma: number;
  rl_learning_rate: number;
  /** Sim seconds per REINFORCE episode at most. */
  rl_max_sim_seconds: number;
  /** Weight of near-obstacle steps (within 3 m ahead) in REINFORCE's supervised gate term. */
  rl_near_weight: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  scenarios: ['sim/scenarios'],
  variants: 1,
  synthetic_episodes: 60,
  epochs: 4,
  batch_size: 64,
  learning_rate: 1e-3,
  rl_iterations: 6,
  rl_episodes: 8,
  eval_episodes: 20,
  seed: 1,
  checkpoint_every: 100,
  max_sim_seconds: 30,
  near_repeat: 4,
  fault_repeat: 3,
  gate_weight: 3,
  init: '',
  rl_environment: 'simulator',
  rl_scenarios: ['sim/scenarios/camera-freeze.yaml', 'sim/scenarios/lidar-dropout.yaml', 'sim/scenarios/pop-out-obstacle.yaml', 'sim/scenarios/glass-wall.yaml'],
  rl_sigma: 0.3,
  rl_learning_rate: 3e-4,
  rl_max_sim_seconds: 30,
  rl_near_weight: 4,
};

export const command: CliCommand = {
  name: 'train',
  summary: 'train the fusion model and policy head on simulator runs (BC + aux + gate L2, then REINFORCE)',
  usage: USAGE,
  async run(args, io) {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: {
          config: { type: 'string' },
          out: { type: 'string', default: 'models-trained' },
          resume: { type: 'boolean', default: false },
          steps: { type: 'string' },
          help: { type: 'boolean', short: 'h', default: false },
        },
      }));
    } catch (error) {
      io.stderr(`${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (values.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const maxSteps = values.steps === undefined ? undefined : Number(values.steps);
    if (maxSteps !== undefined && (!Number.isInteger(maxSteps) || maxSteps < 1)) {
      io.stderr(`--steps must be a positive integer\n`);
      return 2;
    }
    let config: TrainConfig;
    try {
      config = await readConfig(values.config, io.cwd);
    } catch (error) {
      io.stderr(`error: ${(error as Error).message}\n`);
      return 2;
    }
    const out = resolve(io.cwd, values.out);
    await mkdir(out, { recursive: true });
    await initBackend({ prefer: ['wasm'], log: () => {} });
    const started = performance.now();

    // 1. Data.
    const fusionConfig = DEFAULT_FUSION_CONFIG;
    let model: FusionModel;
    let policy: PolicyHead;
    if (config.init === '') {
      model = new FusionModel({ seed: config.seed });
      policy = new PolicyHead(fusionConfig.embeddingDim, fusionConfig.policyHidden, { seed: config.seed + 1 });
    } else {
      const reader = { read: (p: string) => readFile(resolve(io.cwd, p)).then((b) => new Uint8Array(b)) };
      try {
        model = await loadFusionModel(reader, join(config.init, 'fusion'));
        policy = await loadPolicyHead(reader, join(config.init, 'policy'));
      } catch (error) {
        io.stderr(`error: cannot load init models from ${config.init}: ${(error as Error).message}\n`);
        return 2;
      }
    }
    const scenarios = await loadScenarios(config.scenarios, io.cwd);
    const parts: FusionDataset[] = [];
    const simSamples = await recordSimulator(model, scenarios, config, io);
    if (simSamples.length > 0) parts.push(balancedDataset(simSamples, config));
    const world = new SyntheticWorld({ config: fusionConfig, seed: config.seed });
    if (config.synthetic_episodes > 0) parts.push(world.expertDataset({ episodes: config.synthetic_episodes }));
    const dataset = concatDatasets(parts);
    if (config.epochs > 0 && dataset.length < config.batch_size) {
      io.stderr(`error: only ${dataset.length} samples (fewer than one batch of ${config.batch_size}); add scenarios or synthetic_episodes\n`);
      return 1;
    }
    io.stderr(`data: ${simSamples.length} simulator samples from ${scenarios.length * config.variants} runs, ${dataset.length - simSamples.length} synthetic\n`);

    // 2. Supervised.
    const checkpointFile = join(out, 'checkpoint.json');
    // REINFORCE checkpoints go to their own file, written only once the supervised phase is done: with one,
    // --resume continues REINFORCE (the supervised weights come back with it), else the supervised phase.
    const rlCheckpointFile = join(out, 'checkpoint-reinforce.json');
    const resumeReinforce = values.resume && (await exists(rlCheckpointFile)) ? await readCheckpoint(rlCheckpointFile) : undefined;
    const resumeSupervised = values.resume && resumeReinforce === undefined ? await readCheckpoint(checkpointFile) : undefined;
    const bar = new cliProgress.SingleBar(
      { format: '{phase} [{bar}] {value}/{total} {losses}', stream: process.stderr, hideCursor: false, noTTYOutput: true, notTTYSchedule: 2000 },
      cliProgress.Presets.shades_classic,
    );
    let barStarted = false;
    const onProgress = (p: TrainProgress): void => {
      const losses = Object.entries(p.losses)
        .map(([k, v]) => `${k}=${v.toFixed(3)}`)
        .join(' ');
      if (!barStarted) {
        bar.start(p.totalSteps, p.step, { phase: p.phase, losses });
        barStarted = true;
      } else {
        bar.setTotal(p.totalSteps);
        bar.update(p.step, { phase: p.phase, losses });
      }
    };
    const epochs = maxSteps === undefined ? config.epochs : Math.max(1, Math.ceil(maxSteps / Math.max(1, Math.floor(dataset.length / config.batch_size))));
    const limited = maxSteps === undefined ? dataset : limitDataset(dataset, maxSteps, config.batch_size, epochs);
    // A REINFORCE checkpoint means the supervised phase finished: its weights come back with the RL resume.
    const supervised = resumeReinforce !== undefined ? { steps: 0, finalLosses: {} as Record<string, number> } : await trainFusion({
      model,
      policy,
      dataset: limited,
      epochs: config.epochs === 0 ? 0 : epochs,
      batchSize: config.batch_size,
      learningRate: config.learning_rate,
      lossWeights: { gate: config.gate_weight },
      seed: config.seed,
      checkpointEvery: config.checkpoint_every,
      onCheckpoint: (c) => writeCheckpoint(checkpointFile, c),
      ...(resumeSupervised === undefined ? {} : { resume: resumeSupervised }),
      onProgress,
    });

    // 3. REINFORCE on the gate (the policy node of the simulator stack loads the policy trained above).
    if (barStarted) bar.stop();
    barStarted = false;
    await writeModel(join(out, 'policy'), savePolicyHead(policy));
    const inSimulator = config.rl_environment === 'simulator';
    const rlScenarios = inSimulator && config.rl_iterations > 0 ? await loadScenarios(config.rl_scenarios, io.cwd) : [];
    const simEnvironment = (groupSize: number): GateEnvironment =>
      new SimGateEnvironment({
        model,
        episode: (index) => simEpisode(rlScenarios[Math.floor(index / groupSize) % rlScenarios.length]!, join(out, 'policy'), config),
        onEpisode: (index, name, score, reward) => io.stderr(`  episode ${index} ${name}: reward ${reward.toFixed(3)} score ${score.drivingScore.toFixed(2)} collisions ${score.collisions}${score.passed ? ' passed' : ''}\n`),
      });
    const rlEvaluation = async (): Promise<StackMetrics | null> =>
      rlScenarios.length === 0 ? null : evaluateStack({ model, policy, environment: simEnvironment(1), episodes: rlScenarios.length, firstEpisode: 0 });
    let before: StackMetrics | null = null;
    let rl = null;
    if (config.rl_iterations > 0) {
      if (inSimulator) io.stderr(`REINFORCE in the simulator: ${config.rl_iterations} iterations × ${config.rl_episodes} episodes over ${rlScenarios.map((s) => s.name).join(', ')}; before:\n`);
      before = inSimulator && resumeReinforce === undefined ? await rlEvaluation() : null;
      rl = await reinforceGate({
        model,
        policy,
        environment: inSimulator ? simEnvironment(config.rl_episodes) : world,
        iterations: config.rl_iterations,
        episodesPerIteration: config.rl_episodes,
        sigma: config.rl_sigma,
        learningRate: config.rl_learning_rate,
        supervisedNearWeight: config.rl_near_weight,
        seed: config.seed,
        firstEpisode: 0,
        onProgress: (p) => io.stderr(`reinforce ${p.step}/${p.totalSteps} ${Object.entries(p.losses).map(([k, v]) => `${k}=${v.toFixed(3)}`).join(' ')}\n`),
        onCheckpoint: (c) => writeCheckpoint(rlCheckpointFile, c),
        ...(resumeReinforce === undefined ? {} : { resume: resumeReinforce }),
      });
    }
    if (inSimulator && config.rl_iterations > 0) io.stderr('after:\n');
    const after = inSimulator && config.rl_iterations > 0 ? await rlEvaluation() : null;
    const evaluation = config.eval_episodes > 0 ? await evaluateStack({ model, policy, environment: new SyntheticWorld({ config: fusionConfig, seed: config.seed + 1000 }), episodes: config.eval_episodes, firstEpisode: 0 }) : null;

    const metadata = { trainedOn: 'sensorium train', simulatorSamples: simSamples.length, syntheticEpisodes: config.synthetic_episodes, seed: config.seed };
    await writeModel(join(out, 'fusion'), saveFusionModel(model, { metadata }));
    await writeModel(join(out, 'fusion-int8'), saveFusionModel(model, { int8: true, metadata }));
    await writeModel(join(out, 'policy'), savePolicyHead(policy));
    await writeModel(join(out, 'policy-int8'), savePolicyHead(policy, { int8: true }));
    const metrics = {
      config,
      data: { simulatorSamples: simSamples.length, total: dataset.length, scenarios: scenarios.map((s) => s.name) },
      supervised,
      reinforce: rl === null ? null : { environment: config.rl_environment, ...rl, simulatorBefore: before, simulatorAfter: after },
      syntheticEvaluation: evaluation,
      wallSeconds: (performance.now() - started) / 1000,
    };
    await writeFile(join(out, 'train-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    io.stdout(`trained ${supervised.steps} supervised steps${rl === null ? '' : ` + ${config.rl_iterations} REINFORCE iterations`} in ${metrics.wallSeconds.toFixed(0)} s → ${out}\n`);
    io.stdout(`final losses: ${Object.entries(supervised.finalLosses).map(([k, v]) => `${k}=${v.toFixed(4)}`).join(' ')}\n`);
    const line = (m: StackMetrics): string => `reward ${m.meanReward.toFixed(3)} success ${m.successRate.toFixed(2)} collisions ${m.collisionRate.toFixed(2)} clear vision ${m.gating.clearVisionWeight.toFixed(2)} onsets answered ${m.gating.onsetResponseRate.toFixed(2)}`;
    if (before !== null) io.stdout(`simulator before REINFORCE: ${line(before)}\n`);
    if (after !== null) io.stdout(`simulator after REINFORCE:  ${line(after)}\n`);
    model.dispose();
    policy.weights.dispose();
    return 0;
  },
};

async function readConfig(file: string | undefined, cwd: string): Promise<TrainConfig> {
  if (file === undefined) return { ...DEFAULT_TRAIN_CONFIG };
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(resolve(cwd, file), 'utf8'));
  } catch (cause) {
    throw new ConfigError('cannot read the training config', { context: { file, expected: 'a JSON object' }, cause });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError('training config is not an object', { context: { file, expected: 'a JSON object' } });
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG };
  for (const [key, value] of Object.entries(raw)) {
    if (!(key in config)) throw new ConfigError('unknown training config key', { context: { file, field: key, expected: Object.keys(config).join(', ') } });
    const expected = DEFAULT_TRAIN_CONFIG[key as keyof TrainConfig];
    const what = Array.isArray(expected) ? 'an array of paths' : key === 'rl_environment' ? '"simulator" or "synthetic"' : typeof expected === 'string' ? 'a string' : 'a non-negative number';
    const ok = Array.isArray(expected)
      ? Array.isArray(value) && value.every((v) => typeof v === 'string')
      : key === 'rl_environment'
        ? value === 'simulator' || value === 'synthetic'
        : typeof expected === 'string'
          ? typeof value === 'string'
          : typeof value === 'number' && Number.isFinite(value) && value >= 0;
    if (!ok) throw new ConfigError('bad training config value', { context: { file, field: key, expected: what, actual: JSON.stringify(value) } });
    (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}

async function loadScenarios(paths: readonly string[], cwd: string): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  for (const p of paths) {
    const full = resolve(cwd, p);
    const names = p.endsWith('.yaml') || p.endsWith('.yml') ? [full] : (await readdir(full)).filter((n) => n.endsWith('.yaml')).sort().map((n) => join(full, n));
    for (const file of names) scenarios.push(loadScenario(await readFile(file, 'utf8'), { file }));
  }
  return scenarios;
}

/** The stack launch file with the expert driving in place of policy + safety supervisor. */
function expertStack(): GraphDescription {
  const graph = loadStackGraph();
  const nodes = graph.nodes.filter((n) => n.exec !== 'policy' && n.exec !== 'safety_supervisor');
  nodes.push({ pkg: 'sensorium_sim', exec: 'expert_controller', name: 'expert', namespace: '/', params: [], remaps: [], args: [], source: { file: 'sensorium train', path: 'expert' } });
  return { ...graph, nodes };
}

/** Variant v of a scenario: v = 0 as written; v > 0 new seed, lighting ×[0.6, 1.4], shuffled obstacle colours. */
function variant(scenario: Scenario, v: number, seed: number, maxSimSeconds: number): Scenario {
  const duration = Math.min(scenario.duration, maxSimSeconds);
  if (v === 0) return { ...scenario, duration };
  let state = (seed * 7919 + v * 104729 + scenario.name.length * 31) >>> 0;
  const rand = (): number => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const colour = (): string => `#${Math.floor(rand() * 0xffffff).toString(16).padStart(6, '0')}`;
  const world = scenario.world as Scenario['world'] & { obstacles?: Array<Record<string, unknown>> };
  return {
    ...scenario,
    seed: scenario.seed + 1000 * v,
    duration,
    world: {
      ...scenario.world,
      lighting: Math.min(2, scenario.world.lighting * (0.6 + 0.8 * rand())),
      ...(world.obstacles === undefined ? {} : { obstacles: world.obstacles.map((o) => ('color' in o ? { ...o, color: colour() } : o)) }),
    },
  } as Scenario;
}

async function recordSimulator(model: FusionModel, scenarios: readonly Scenario[], config: TrainConfig, io: CliIo): Promise<FusionSample[]> {
  if (scenarios.length === 0 || config.variants === 0) return [];
  const registry = createNodeRegistry();
  const controller = expertStack();
  const samples: FusionSample[] = [];
  const runs = scenarios.length * config.variants;
  const bar = new cliProgress.SingleBar({ format: 'simulator [{bar}] {value}/{total} runs {name} {samples} samples', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic);
  bar.start(runs, 0, { name: '', samples: 0 });
  let done = 0;
  for (let v = 0; v < config.variants; v++) {
    for (const base of scenarios) {
      const scenario = variant(base, v, config.seed, config.max_sim_seconds);
      const recorder = new SimRecorder(model, { lighting: scenario.world.lighting, faults: scenario.faults });
      let detach: { unsubscribe(): void } | undefined;
      try {
        await runScenario(scenario, {
          controller,
          registry,
          resourceRoot: REPO_ROOT,
          onStart: ({ transport, clock }) => (detach = recorder.attach(transport, () => clock.now())),
        });
      } catch (error) {
        io.stderr(`\nwarning: ${scenario.name} (variant ${v}) failed: ${(error as Error).message}\n`);
      } finally {
        detach?.unsubscribe();
      }
      samples.push(...recorder.samples);
      bar.update(++done, { name: scenario.name, samples: samples.length });
    }
  }
  bar.stop();
  return samples;
}

/** The fusion node under training in place of the shipped one; everything else as `sensorium scenario` has it. */
function trainingRegistry(fusionNode: SimEpisodeHooksNode): NodeRegistry {
  return new NodeRegistry().register(...perceptionNodes, ...fusionNodes.filter((n) => n.exec !== 'fusion'), fusionNode, ...controlNodes, ...simNodes);
}
type SimEpisodeHooksNode = Parameters<SimEpisode['run']>[0]['fusionNode'];

/**
 * A REINFORCE episode: the scenario (its own seed, so the episodes of an iteration differ only in the
 * exploration) with the full stack graph, the policy node reading `policyDir`, at most rl_max_sim_seconds.
 */
function simEpisode(scenario: Scenario, policyDir: string, config: TrainConfig): SimEpisode {
  const bounds = worldBounds(scenario.world.size);
  const controller = loadStackGraph({ params: { policy: { map_bounds: bounds, model_dir: policyDir }, planner: { map_bounds: bounds } } });
  const run = { ...scenario, duration: Math.min(scenario.duration, config.rl_max_sim_seconds) };
  return {
    name: scenario.name,
    lighting: scenario.world.lighting,
    faults: scenario.faults,
    async run(hooks) {
      const r = await runScenario(run, { controller, registry: trainingRegistry(hooks.fusionNode), resourceRoot: REPO_ROOT, onStart: ({ transport }) => hooks.onStart({ transport }) });
      return { drivingScore: r.metrics.drivingScore, collisions: r.metrics.collisions, reachedGoal: r.metrics.timeToGoal !== null, passed: r.passed };
    },
  };
}

/**
 * Simulator samples with the rare ones repeated: a library run gives ~170 samples, few near an obstacle or in
 * a fault, and the gate has to learn exactly those.
 */
function balancedDataset(samples: readonly FusionSample[], config: TrainConfig): FusionDataset {
  const order: number[] = [];
  samples.forEach((s, i) => {
    const fault = Array.from(s.available).some((a, m) => a < 0.5 || (s.gateTarget[m] ?? 0) === 0);
    const repeat = s.obstacleDistanceM <= 3 ? config.near_repeat : fault ? config.fault_repeat : 1;
    for (let k = 0; k < Math.max(1, Math.round(repeat)); k++) order.push(i);
  });
  return { length: order.length, get: (i) => samples[order[i]!]! };
}

/** Just enough samples that `epochs` epochs take `steps` steps (smoke runs). */
function limitDataset(dataset: FusionDataset, steps: number, batchSize: number, epochs: number): FusionDataset {
  const perEpoch = Math.max(1, Math.ceil(steps / epochs));
  const length = Math.min(dataset.length, perEpoch * batchSize);
  return { length, get: (i) => dataset.get(i) };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

async function writeModel(dir: string, files: ModelFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of files) await writeFile(join(dir, name), bytes);
}

interface StoredWeight {
  name: string;
  shape: number[];
  data: number[];
}

async function writeCheckpoint(file: string, c: TrainCheckpoint): Promise<void> {
  const store = (ws: TrainCheckpoint['weights']): StoredWeight[] => ws.map((w) => ({ name: w.name, shape: [...w.shape], data: Array.from(w.data) }));
  await writeFile(file, JSON.stringify({ phase: c.phase, step: c.step, weights: store(c.weights), optimizer: store(c.optimizer) }));
}

async function readCheckpoint(file: string): Promise<TrainCheckpoint> {
  let raw: { phase: 'supervised' | 'reinforce'; step: number; weights: StoredWeight[]; optimizer: StoredWeight[] };
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new ConfigError('cannot read the checkpoint to resume from', { context: { file, expected: 'checkpoint.json written by sensorium train' }, cause });
  }
  const load = (ws: StoredWeight[]) => ws.map((w) => ({ name: w.name, shape: w.shape, data: Float32Array.from(w.data) }));
  return { phase: raw.phase, step: raw.step, weights: load(raw.weights), optimizer: load(raw.optimizer) };
}
