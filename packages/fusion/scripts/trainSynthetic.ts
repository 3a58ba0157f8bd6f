/**
 * Trains the shipped fusion model + policy head on SyntheticWorld data (the simulator-driven generator
 * belongs to `sensorium train`), evaluates them, runs the LoRA and INT8 experiments, and writes
 * models/fusion, models/fusion-int8, models/policy, models/policy-int8, models/fusion/lora-novel-colours
 * and models/fusion/metrics.json. A dev script (it uses fs, which the package itself never does).
 *
 *   npx tsx packages/fusion/scripts/trainSynthetic.ts [--episodes 160] [--epochs 8] [--rl 12] [--out models]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@sensorium/ml';
import {
  DEFAULT_FUSION_CONFIG,
  FusionModel,
  PolicyHead,
  SyntheticWorld,
  attachLora,
  concatDatasets,
  learnedDriver,
  evaluateStack,
  loadFusionModel,
  loadPolicyHead,
  modelBytes,
  policyFeatureDim,
  reinforceGate,
  saveFusionModel,
  saveLoraAdapters,
  savePolicyHead,
  trainFusion,
  writePolicyFeatures,
} from '@sensorium/fusion';
import type { FusionDataset, ModelFiles, ModelReader, TrainProgress } from '@sensorium/fusion';

const { values: args } = parseArgs({
  options: {
    episodes: { type: 'string', default: '160' },
    epochs: { type: 'string', default: '8' },
    rl: { type: 'string', default: '12' },
    dagger: { type: 'string', default: '80' },
    'dagger-epochs': { type: 'string', default: '3' },
    'eval-episodes': { type: 'string', default: '100' },
    'lora-episodes': { type: 'string', default: '60' },
    'lora-epochs': { type: 'string', default: '3' },
    out: { type: 'string', default: 'models' },
    seed: { type: 'string', default: '1' },
  },
});
const seed = Number(args.seed);
const out = path.resolve(args.out);
await initBackend({ prefer: ['wasm'], log: () => {} });
const started = Date.now();
const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const progress = (p: TrainProgress): void => {
  if (p.step % 25 === 0 || p.step === p.totalSteps || p.phase === 'reinforce') {
    const losses = Object.entries(p.losses).map(([k, v]) => `${k}=${v.toFixed(4)}`).join(' ');
    console.log(`[${elapsed()}] ${p.phase} ${p.step}/${p.totalSteps} ${losses}`);
  }
};
const write = (dir: string, files: ModelFiles): void => {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(path.join(dir, name), bytes);
};
const reader: ModelReader = { read: (p) => Promise.resolve(new Uint8Array(readFileSync(p))) };

const config = DEFAULT_FUSION_CONFIG;
const world = new SyntheticWorld({ config, seed });
const evalWorld = new SyntheticWorld({ config, seed: seed + 1000 });
const novelWorld = new SyntheticWorld({ config, seed: seed + 2000, hueRange: [0.5, 1] });
const dataset = world.expertDataset({ episodes: Number(args.episodes) });
console.log(`[${elapsed()}] dataset: ${dataset.length} steps from ${args.episodes} expert episodes`);

const model = new FusionModel({ seed });
const policy = new PolicyHead(config.embeddingDim, config.policyHidden, { seed: seed + 1 });
const supervised = await trainFusion({ model, policy, dataset, epochs: Number(args.epochs), batchSize: 64, learningRate: 1e-3, seed, onProgress: progress });
// DAgger round: states the learner visits, labelled by the expert, then a few more epochs on everything.
const dagger = world.expertDataset({ episodes: Number(args.dagger), firstEpisode: 500_000, driver: learnedDriver(model, policy) });
const allData = concatDatasets([dataset, dagger]);
console.log(`[${elapsed()}] DAgger: ${dagger.length} learner-visited steps`);
const supervised2 = await trainFusion({ model, policy, dataset: allData, epochs: Number(args['dagger-epochs']), batchSize: 64, learningRate: 5e-4, seed: seed + 1, onProgress: progress });
const evalEpisodes = Number(args['eval-episodes']);
const afterSupervised = await evaluateStack({ model, policy, environment: evalWorld, episodes: evalEpisodes, firstEpisode: 0 });
console.log(`[${elapsed()}] after supervised`, JSON.stringify(afterSupervised));
const rl = await reinforceGate({ model, policy, environment: world, iterations: Number(args.rl), episodesPerIteration: 8, seed, onProgress: progress });
const afterRl = await evaluateStack({ model, policy, environment: evalWorld, episodes: evalEpisodes, firstEpisode: 0 });
console.log(`[${elapsed()}] after REINFORCE`, JSON.stringify(afterRl));
const expert = await evaluateStack({ model, policy, environment: { rollout: (i, _drive) => evalWorld.rollout(i, (s) => s.expert) }, episodes: evalEpisodes, firstEpisode: 0 });

// Save float and int8.
const fusionFloat = saveFusionModel(model, { metadata: { trainedOn: 'SyntheticWorld', seed } });
const fusionInt8 = saveFusionModel(model, { int8: true, metadata: { trainedOn: 'SyntheticWorld', seed } });
const policyFloat = savePolicyHead(policy);
const policyInt8 = savePolicyHead(policy, { int8: true });
write(path.join(out, 'fusion'), fusionFloat);
write(path.join(out, 'fusion-int8'), fusionInt8);
write(path.join(out, 'policy'), policyFloat);
write(path.join(out, 'policy-int8'), policyInt8);

// INT8 accuracy: action error on held-out steps and closed-loop success.
const qModel = await loadFusionModel(reader, path.join(out, 'fusion-int8'));
const qPolicy = await loadPolicyHead(reader, path.join(out, 'policy-int8'));
const heldOut = evalWorld.expertDataset({ episodes: 30 });
const actionError = compareActions(model, policy, qModel, qPolicy, heldOut);
const int8Stack = await evaluateStack({ model: qModel, policy: qPolicy, environment: evalWorld, episodes: evalEpisodes, firstEpisode: 0 });

// LoRA: new obstacle colours. Base success, then adapters on proj.vision + gate.hidden + policy.out.
const novelBase = await evaluateStack({ model, policy, environment: novelWorld, episodes: evalEpisodes, firstEpisode: 10_000 });
const novelData = novelWorld.expertDataset({ episodes: Number(args['lora-episodes']) });
const lora = attachLora(model, { targets: ['proj.vision', 'gate.hidden'], rank: 8 });
const policyLora = attachLora(policy, { targets: ['policy.out'], rank: 8 });
const trainable = lora.paramCount() + policyLora.paramCount();
const totalParams = model.paramCount() + policy.weights.paramCount();
await trainFusion({ model, policy, dataset: novelData, epochs: Number(args['lora-epochs']), trainable: 'lora', learningRate: 2e-3, seed: seed + 5, onProgress: progress });
const novelLora = await evaluateStack({ model, policy, environment: novelWorld, episodes: evalEpisodes, firstEpisode: 10_000 });
const originalWithLora = await evaluateStack({ model, policy, environment: evalWorld, episodes: evalEpisodes, firstEpisode: 0 });
write(path.join(out, 'fusion', 'lora-novel-colours'), saveLoraAdapters(lora, { metadata: { hueRange: [0.5, 1] } }));
write(path.join(out, 'policy', 'lora-novel-colours'), saveLoraAdapters(policyLora, { metadata: { hueRange: [0.5, 1] } }));

const metrics = {
  trainedAt: new Date().toISOString(),
  wallSeconds: (Date.now() - started) / 1000,
  settings: { ...args, batchSize: 64, learningRate: 1e-3, config },
  data: { trainSteps: dataset.length, trainEpisodes: Number(args.episodes), novelSteps: novelData.length },
  supervised: { steps: supervised.steps, finalLosses: supervised.finalLosses, daggerSteps: supervised2.steps, daggerFinalLosses: supervised2.finalLosses, daggerSamples: dagger.length },
  reinforce: rl,
  expert: { successRate: expert.successRate, collisionRate: expert.collisionRate, meanReward: expert.meanReward },
  afterSupervised,
  afterRl,
  int8: {
    bytesFloat: modelBytes(fusionFloat) + modelBytes(policyFloat),
    bytesInt8: modelBytes(fusionInt8) + modelBytes(policyInt8),
    ratio: (modelBytes(fusionInt8) + modelBytes(policyInt8)) / (modelBytes(fusionFloat) + modelBytes(policyFloat)),
    actionError,
    successRate: int8Stack.successRate,
    collisionRate: int8Stack.collisionRate,
    gating: int8Stack.gating,
  },
  lora: {
    rank: 8,
    targets: [...lora.targets, ...policyLora.targets],
    trainableParams: trainable,
    totalParams,
    trainableFraction: trainable / totalParams,
    novelColoursBase: { successRate: novelBase.successRate, collisionRate: novelBase.collisionRate, meanReward: novelBase.meanReward },
    novelColoursLora: { successRate: novelLora.successRate, collisionRate: novelLora.collisionRate, meanReward: novelLora.meanReward },
    originalWithLora: { successRate: originalWithLora.successRate, collisionRate: originalWithLora.collisionRate },
  },
};
writeFileSync(path.join(out, 'fusion', 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
console.log(JSON.stringify(metrics, null, 2));
tf.disposeVariables();

function compareActions(a: FusionModel, ap: PolicyHead, b: FusionModel, bp: PolicyHead, data: FusionDataset): { meanAbsLinear: number; meanAbsAngular: number; maxAbs: number; relativeToFloatRange: number } {
  const fa = new Float32Array(policyFeatureDim(a.config.embeddingDim));
  let lin = 0;
  let ang = 0;
  let max = 0;
  let n = 0;
  for (let i = 0; i < data.length; i += 3) {
    const s = data.get(i);
    const act = (m: FusionModel, p: PolicyHead): { linear: number; angular: number } => {
      const o = m.step(s);
      writePolicyFeatures(fa, { embedding: o.embedding, weights: o.weights, nearest_obstacle_distance: s.perceived.nearestDistanceM, nearest_obstacle_bearing: s.perceived.nearestBearing, obstacle_ahead_score: o.obstaclePresence, obstacle_count: s.perceived.count, contact: s.perceived.contact }, s.goal);
      return { ...p.act(fa) };
    };
    const x = act(a, ap);
    const y = act(b, bp);
    lin += Math.abs(x.linear - y.linear);
    ang += Math.abs(x.angular - y.angular);
    max = Math.max(max, Math.abs(x.linear - y.linear), Math.abs(x.angular - y.angular) / 2);
    n++;
  }
  // Relative to the command range (linear 1 m/s, angular 2 rad/s span per side).
  return { meanAbsLinear: lin / n, meanAbsAngular: ang / n, maxAbs: max, relativeToFloatRange: (lin / n / 1 + ang / n / 2) / 2 };
}
