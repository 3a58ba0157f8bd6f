/**
 * Fine-tunes the fusion model (gate, attention, embedding, aux heads) and the policy head on simulator
 * FusionSamples recorded by recordSimSamples.ts: behaviour cloning of the expert + aux obstacle losses +
 * gate supervision + point-encoder target + the gate's L2 penalty (trainFusion), on a balanced dataset:
 * samples with an obstacle within 3 m ahead (approaches and onsets) and samples in a sensor fault are
 * repeated, since a library run gives ~170 samples of which few are near an obstacle.
 *
 *   npx tsx packages/fusion/scripts/trainSimGate.ts --data /tmp/sim-samples.jsonl [--data more.jsonl]
 *       [--init models] [--epochs 6] [--held-out 7] [--lr 5e-4] [--near-repeat 4] [--fault-repeat 3] [--token-swap 0] [--out /tmp/sim-trained]
 *       [--trainable all|gate] [--clear-repeat 1] [--edge-repeat 1] [--token-noise 0]
 *
 * `--trainable gate --init models` fine-tunes only the gating network of the given weights (embedding and
 * policy frozen); `--clear-repeat` repeats samples with nothing within 3 m ahead (no fault), `--edge-repeat` those
 * of them with an obstacle 3–4.5 m ahead (where the gate rose early: its cues cannot place the 3 m edge
 * sharply, and the runner's clear-path steps include them); `--token-noise σ`
 * perturbs each sample's tokens (scale × (1 + σ·N), plus σ·rms·N per value, seeded per sample) so the gate's
 * token statistics (RMS, mean-token summary) carry less run-specific detail and it leans on the cues.
 *
 * Writes OUT/{fusion,policy}{,-int8} and OUT/train-metrics.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '@sensorium/ml';
import { FusionModel, PolicyHead, SeededRandom, DEFAULT_FUSION_CONFIG, gateTarget, loadFusionModel, loadPolicyHead, saveFusionModel, savePolicyHead, trainFusion } from '@sensorium/fusion';
import type { FusionDataset, FusionSample, ModelFiles, ModelReader, TrainProgress } from '@sensorium/fusion';
import { evaluateGate, inFault, readSamples, type RecordedSample } from './simSamples.js';
import { REPO_ROOT } from './simStack.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', multiple: true, default: ['/tmp/sim-samples.jsonl'] },
    init: { type: 'string', default: 'models' },
    epochs: { type: 'string', default: '6' },
    lr: { type: 'string', default: '0.0005' },
    'batch-size': { type: 'string', default: '64' },
    'near-repeat': { type: 'string', default: '4' },
    'fault-repeat': { type: 'string', default: '3' },
    'gate-weight': { type: 'string', default: '1' },
    'token-swap': { type: 'string', default: '0' },
    trainable: { type: 'string', default: 'all' },
    'clear-repeat': { type: 'string', default: '1' },
    'edge-repeat': { type: 'string', default: '1' },
    'token-noise': { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    'held-out': { type: 'string', default: '7' },
    out: { type: 'string', default: '/tmp/sim-trained' },
  },
});
const seed = Number(args.seed);
await initBackend({ prefer: ['wasm'], log: () => {} });
const started = performance.now();

const heldOutVariant = Number(args['held-out']);
const recorded = readSamples(args.data);
const samples: FusionSample[] = [];
const heldOut: RecordedSample[] = [];
const kinds = { near: 0, fault: 0, edge: 0, clear: 0, plain: 0 };
const order: number[] = [];
const scenarios = new Set<string>();
for (const r of recorded) {
  scenarios.add(`${r.scenario}#${r.variant}`);
  // Targets from the current gateTarget() (the recording stored the targets of its day): which modalities
  // were informative is what the stored target kept above 0.
  const informative = Array.from(r.sample.gateTarget, (t) => t > 0) as [boolean, boolean, boolean, boolean];
  gateTarget(r.sample.gateTarget, { obstacleAheadM: r.sample.obstacleDistanceM, informative });
  if (r.variant === heldOutVariant) {
    heldOut.push(r);
    continue;
  }
  const index = samples.push(r.sample) - 1;
  const fault = inFault(r.sample);
  const near = r.sample.obstacleDistanceM <= 3;
  const clear = !near && !fault;
  const edge = clear && r.sample.obstacleDistanceM <= 4.5;
  const repeat = near ? Number(args['near-repeat']) : fault ? Number(args['fault-repeat']) : edge ? Number(args['edge-repeat']) : clear ? Number(args['clear-repeat']) : 1;
  if (near) kinds.near++;
  else if (fault) kinds.fault++;
  else if (edge) kinds.edge++;
  else if (clear) kinds.clear++;
  else kinds.plain++;
  for (let k = 0; k < repeat; k++) order.push(index);
}
/**
 * Token swap (augmentation, off by default): with probability `--token-swap` a training sample gets the
 * tokens of another sample with the same informative pattern (same zeros in its gate target: a dark camera's
 * tokens stay a dark camera's), keeping its own cues and labels. Tried against the gate memorising the
 * runs' token statistics (held-out variant: steps near an obstacle answered 0.29 vs 0.76 on training
 * variants); at 0.5 it did not help (held-out 0.26, simulator onsets 5/9 vs 7/9 without), so the shipped
 * weights were trained without it.
 */
const swap = Number(args['token-swap']);
const byPattern = new Map<string, number[]>();
const patternOf = (s: FusionSample): string => Array.from(s.gateTarget, (t, m) => ((s.available[m] ?? 0) > 0.5 ? (t > 0 ? 'i' : 'f') : '-')).join('');
samples.forEach((s, i) => {
  const key = patternOf(s);
  const list = byPattern.get(key) ?? [];
  list.push(i);
  byPattern.set(key, list);
});
const hash = (i: number, salt: number): number => {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
};
const tokenNoise = Number(args['token-noise']);
const noisy = (s: FusionSample, i: number): FusionSample => {
  if (tokenNoise <= 0) return s;
  const rng = new SeededRandom(seed * 1_000_003 + i);
  const tokens = s.tokens.map((b) => {
    if (b === undefined) return undefined;
    let sq = 0;
    for (const v of b.data) sq += v * v;
    const rms = Math.sqrt(sq / Math.max(1, b.data.length));
    const scale = Math.max(0.2, 1 + tokenNoise * rng.normal());
    return { count: b.count, data: b.data.map((v) => v * scale + tokenNoise * rms * rng.normal()) };
  });
  return { ...s, tokens };
};
const dataset: FusionDataset = {
  length: order.length,
  get: (i) => {
    const own = samples[order[i]!]!;
    if (hash(i, seed) >= swap) return noisy(own, i);
    const peers = byPattern.get(patternOf(own))!;
    const donor = samples[peers[Math.floor(hash(i, seed + 7) * peers.length)]!]!;
    return noisy({ ...own, tokens: donor.tokens }, i);
  },
};
console.error(`data: ${samples.length} samples from ${scenarios.size} runs (near ${kinds.near}, fault ${kinds.fault}, edge ${kinds.edge}, clear ${kinds.clear}, other ${kinds.plain}); balanced ${order.length}`);

const reader: ModelReader = { read: (p) => Promise.resolve(new Uint8Array(readFileSync(path.resolve(REPO_ROOT, p)))) };
const config = DEFAULT_FUSION_CONFIG;
const model = args.init === 'none' ? new FusionModel({ seed }) : await loadFusionModel(reader, path.join(args.init, 'fusion'));
const policy = args.init === 'none' ? new PolicyHead(config.embeddingDim, config.policyHidden, { seed: seed + 1 }) : await loadPolicyHead(reader, path.join(args.init, 'policy'));

let lastPrint = 0;
const onProgress = (p: TrainProgress): void => {
  if (p.step - lastPrint >= 100 || p.step === p.totalSteps) {
    lastPrint = p.step;
    console.error(`${p.phase} ${p.step}/${p.totalSteps} ${Object.entries(p.losses).map(([k, v]) => `${k}=${v.toFixed(3)}`).join(' ')}`);
  }
};
const result = await trainFusion({
  model,
  policy,
  dataset,
  epochs: Number(args.epochs),
  batchSize: Number(args['batch-size']),
  learningRate: Number(args.lr),
  seed,
  lossWeights: { gate: Number(args['gate-weight']) },
  trainable: args.trainable === 'gate' ? 'gate' : 'all',
  onProgress,
});

// Held-out variant, open loop (a proxy for metrics.gating, which needs closed-loop runs).
const evaluation = heldOut.length > 0 ? evaluateGate(model, policy, heldOut, { perScenario: true }) : null;
console.log(JSON.stringify(evaluation, null, 1));

const out = path.resolve(args.out);
const write = (dir: string, files: ModelFiles): void => {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(path.join(dir, name), bytes);
};
const metadata = { trainedOn: 'simulator (packages/fusion/scripts/trainSimGate.ts)', init: args.init, samples: samples.length, runs: scenarios.size, seed };
write(path.join(out, 'fusion'), saveFusionModel(model, { metadata }));
write(path.join(out, 'fusion-int8'), saveFusionModel(model, { int8: true, metadata }));
write(path.join(out, 'policy'), savePolicyHead(policy));
write(path.join(out, 'policy-int8'), savePolicyHead(policy, { int8: true }));
const metrics = {
  args,
  data: { samples: samples.length, runs: scenarios.size, ...kinds, balanced: order.length },
  supervised: result,
  heldOut: evaluation,
  wallSeconds: (performance.now() - started) / 1000,
};
writeFileSync(path.join(out, 'train-metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
console.error(`trained ${result.steps} steps in ${metrics.wallSeconds.toFixed(0)} s → ${out}`);
model.dispose();
policy.dispose();
