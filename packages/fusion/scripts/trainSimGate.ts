/**
 * Fine-tunes the fusion model (gate, attention, embedding, aux heads) and the policy head on simulator
 * FusionSamples recorded by recordSimSamples.ts: behaviour cloning of the expert + aux obstacle losses +
 * gate supervision + point-encoder target + the gate's L2 penalty (trainFusion), on a balanced dataset:
 * samples with an obstacle within 3 m ahead (approaches and onsets) and samples in a sensor fault are
 * repeated, since a library run gives ~170 samples of which few are near an obstacle.
 *
 *   npx tsx packages/fusion/scripts/trainSimGate.ts --data /tmp/sim-samples.jsonl [--data more.jsonl]
 *       [--init models] [--epochs 6] [--lr 5e-4] [--near-repeat 4] [--fault-repeat 3] [--out /tmp/sim-trained]
 *
 * Writes OUT/{fusion,policy}{,-int8} and OUT/train-metrics.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '@sensorium/ml';
import { FusionModel, PolicyHead, DEFAULT_FUSION_CONFIG, loadFusionModel, loadPolicyHead, saveFusionModel, savePolicyHead, trainFusion } from '@sensorium/fusion';
import type { FusionDataset, FusionSample, ModelFiles, ModelReader, TrainProgress } from '@sensorium/fusion';
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
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: '/tmp/sim-trained' },
  },
});
const seed = Number(args.seed);
await initBackend({ prefer: ['wasm'], log: () => {} });
const started = performance.now();

interface Row {
  scenario: string;
  variant: number;
  tokens: ({ count: number; data: number[] } | null)[];
  available: number[];
  cues: number[];
  goal: { x: number; y: number };
  perceived: { nearestDistanceM: number | null; nearestBearing: number; count: number; contact: boolean };
  expert: { linear: number; angular: number };
  obstacleAhead: number;
  obstacleDistanceM: number;
  gateTarget: number[];
  pointEncoderTarget: number;
}

const samples: FusionSample[] = [];
const kinds = { near: 0, fault: 0, plain: 0 };
const order: number[] = [];
const scenarios = new Set<string>();
for (const file of args.data) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as Row;
    scenarios.add(`${r.scenario}#${r.variant}`);
    const s: FusionSample = {
      tokens: r.tokens.map((b) => (b === null ? undefined : { count: b.count, data: Float32Array.from(b.data) })),
      available: Float32Array.from(r.available),
      cues: Float32Array.from(r.cues),
      goal: r.goal,
      perceived: { ...r.perceived, nearestDistanceM: r.perceived.nearestDistanceM ?? Infinity },
      expert: r.expert,
      obstacleAhead: r.obstacleAhead,
      obstacleDistanceM: r.obstacleDistanceM,
      gateTarget: Float32Array.from(r.gateTarget),
      pointEncoderTarget: r.pointEncoderTarget,
    };
    const index = samples.push(s) - 1;
    // A fault: an available modality the target gives nothing (dark/frozen camera, LiDAR dropout window).
    const fault = r.available.some((a, m) => a > 0.5 && (r.gateTarget[m] ?? 0) === 0) || r.available.some((a) => a < 0.5);
    const near = r.obstacleDistanceM <= 3;
    const repeat = near ? Number(args['near-repeat']) : fault ? Number(args['fault-repeat']) : 1;
    if (near) kinds.near++;
    else if (fault) kinds.fault++;
    else kinds.plain++;
    for (let k = 0; k < repeat; k++) order.push(index);
  }
}
const dataset: FusionDataset = { length: order.length, get: (i) => samples[order[i]!]! };
console.error(`data: ${samples.length} samples from ${scenarios.size} runs (near ${kinds.near}, fault ${kinds.fault}, other ${kinds.plain}); balanced ${order.length}`);

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
  onProgress,
});

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
  wallSeconds: (performance.now() - started) / 1000,
};
writeFileSync(path.join(out, 'train-metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
console.error(`trained ${result.steps} steps in ${metrics.wallSeconds.toFixed(0)} s → ${out}`);
model.dispose();
policy.dispose();
