import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ConfigError, type GraphDescription } from '@sensorium/core';
import {
  DEFAULT_FUSION_CONFIG,
  FusionModel,
  PolicyHead,
  SimRecorder,
  SyntheticWorld,
  concatDatasets,
  evaluateStack,
  reinforceGate,
  saveFusionModel,
  savePolicyHead,
  trainFusion,
} from '@sensorium/fusion';
import type { FusionDataset, FusionSample, ModelFiles, TrainCheckpoint, TrainProgress } from '@sensorium/fusion';
import { initBackend } from '@sensorium/ml';
import { loadScenario, runScenario, type Scenario } from '@sensorium/sim';
import type { CliCommand, CliIo } from '../CliCommand.js';
import { createNodeRegistry } from '../nodeRegistry.js';
import { REPO_ROOT, loadStackGraph } from '../stack/stackGraph.js';

const USAGE = `Usage: sensorium train [--config FILE] [--out DIR] [--resume] [--steps N]

Trains the fusion model (gating network, cross-modal attention, aux heads) and the policy head:
  1. data: runs the scenario library and randomised variants (seed, lighting, obstacle colours) in the
     simulator with the expert driving through the perception + fusion nodes, recording what the fusion
     node sees (FusionSamples), plus SyntheticWorld episodes if the config asks for them;
  2. behaviour cloning + auxiliary obstacle losses + gate supervision + the gate's L2 penalty;
  3. REINFORCE on the gate (SyntheticWorld rollouts: the simulator stack runs below real time here).
Writes OUT/fusion, OUT/policy (float) and OUT/fusion-int8, OUT/policy-int8, OUT/train-metrics.json, and
OUT/checkpoint.json every checkpoint_every steps (--resume continues from it with the same batches).

  --config FILE   JSON: {"scenarios": ["sim/scenarios"], "variants": 1, "synthetic_episodes": 60,
                  "epochs": 4, "batch_size": 64, "learning_rate": 0.001, "rl_iterations": 6, "rl_episodes": 8,
                  "eval_episodes": 20, "seed": 1,
                  "checkpoint_every": 100, "max_sim_seconds": 30, "near_repeat": 4, "fault_repeat": 3,
                  "gate_weight": 3}
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
    const model = new FusionModel({ seed: config.seed });
    const policy = new PolicyHead(fusionConfig.embeddingDim, fusionConfig.policyHidden, { seed: config.seed + 1 });
    const scenarios = await loadScenarios(config.scenarios, io.cwd);
    const parts: FusionDataset[] = [];
    const simSamples = await recordSimulator(model, scenarios, config, io);
    if (simSamples.length > 0) parts.push(balancedDataset(simSamples, config));
    const world = new SyntheticWorld({ config: fusionConfig, seed: config.seed });
    if (config.synthetic_episodes > 0) parts.push(world.expertDataset({ episodes: config.synthetic_episodes }));
    const dataset = concatDatasets(parts);
    if (dataset.length < config.batch_size) {
      io.stderr(`error: only ${dataset.length} samples (fewer than one batch of ${config.batch_size}); add scenarios or synthetic_episodes\n`);
      return 1;
    }
    io.stderr(`data: ${simSamples.length} simulator samples from ${scenarios.length * config.variants} runs, ${dataset.length - simSamples.length} synthetic\n`);

    // 2. Supervised.
    const checkpointFile = join(out, 'checkpoint.json');
    const resume = values.resume ? await readCheckpoint(checkpointFile) : undefined;
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
    const supervised = await trainFusion({
      model,
      policy,
      dataset: limited,
      epochs,
      batchSize: config.batch_size,
      learningRate: config.learning_rate,
      lossWeights: { gate: config.gate_weight },
      seed: config.seed,
      checkpointEvery: config.checkpoint_every,
      onCheckpoint: (c) => writeCheckpoint(checkpointFile, c),
      ...(resume === undefined ? {} : { resume }),
      onProgress,
    });

    // 3. REINFORCE on the gate.
    const rl = config.rl_iterations > 0 ? await reinforceGate({ model, policy, environment: world, iterations: config.rl_iterations, episodesPerIteration: config.rl_episodes, seed: config.seed, onProgress }) : null;
    if (barStarted) bar.stop();
    const evaluation = await evaluateStack({ model, policy, environment: new SyntheticWorld({ config: fusionConfig, seed: config.seed + 1000 }), episodes: config.eval_episodes, firstEpisode: 0 });

    const metadata = { trainedOn: 'sensorium train', simulatorSamples: simSamples.length, syntheticEpisodes: config.synthetic_episodes, seed: config.seed };
    await writeModel(join(out, 'fusion'), saveFusionModel(model, { metadata }));
    await writeModel(join(out, 'fusion-int8'), saveFusionModel(model, { int8: true, metadata }));
    await writeModel(join(out, 'policy'), savePolicyHead(policy));
    await writeModel(join(out, 'policy-int8'), savePolicyHead(policy, { int8: true }));
    const metrics = {
      config,
      data: { simulatorSamples: simSamples.length, total: dataset.length, scenarios: scenarios.map((s) => s.name) },
      supervised,
      reinforce: rl,
      syntheticEvaluation: evaluation,
      wallSeconds: (performance.now() - started) / 1000,
    };
    await writeFile(join(out, 'train-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    io.stdout(`trained ${supervised.steps} supervised steps${rl === null ? '' : ` + ${config.rl_iterations} REINFORCE iterations`} in ${metrics.wallSeconds.toFixed(0)} s → ${out}\n`);
    io.stdout(`final losses: ${Object.entries(supervised.finalLosses).map(([k, v]) => `${k}=${v.toFixed(4)}`).join(' ')}\n`);
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
    const ok = Array.isArray(expected) ? Array.isArray(value) && value.every((v) => typeof v === 'string') : typeof value === 'number' && Number.isFinite(value) && value >= 0;
    if (!ok) throw new ConfigError('bad training config value', { context: { file, field: key, expected: Array.isArray(expected) ? 'an array of paths' : 'a non-negative number', actual: JSON.stringify(value) } });
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
