/**
 * LoRA on a new simulator family: rank-8 adapters on `proj.vision`, `gate.hidden` (fusion) and `policy.out`
 * (policy), base frozen, fine-tuned on runs of unseen layouts (recordSimSamples.ts variants the base never
 * saw: obstacles moved, new colours and materials, other lighting), evaluated open loop on other unseen runs
 * before and after, and on the base's own held-out variant (forgetting). Adapters are saved on their own.
 *
 *   npx tsx packages/fusion/scripts/loraSim.ts --data /tmp/sim-L.jsonl --train-variant 8 --eval-variant 9
 *       [--original /tmp/sim-A.jsonl --original-variant 7] [--base models] [--out models] [--epochs 3]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '@sensorium/ml';
import { attachLora, loadFusionModel, loadPolicyHead, saveLoraAdapters, trainFusion } from '@sensorium/fusion';
import type { FusionDataset, ModelFiles, ModelReader } from '@sensorium/fusion';
import { evaluateGate, inFault, readSamples } from './simSamples.js';
import { REPO_ROOT } from './simStack.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: '/tmp/sim-L.jsonl' },
    'train-variant': { type: 'string', default: '8' },
    'eval-variant': { type: 'string', default: '9' },
    original: { type: 'string' },
    'original-variant': { type: 'string', default: '7' },
    base: { type: 'string', default: 'models' },
    out: { type: 'string', default: '/tmp/lora-sim' },
    name: { type: 'string', default: 'lora-new-layouts' },
    epochs: { type: 'string', default: '3' },
    lr: { type: 'string', default: '0.002' },
    seed: { type: 'string', default: '1' },
  },
});
await initBackend({ prefer: ['wasm'], log: () => {} });
const reader: ModelReader = { read: (p) => Promise.resolve(new Uint8Array(readFileSync(path.resolve(REPO_ROOT, p)))) };
const model = await loadFusionModel(reader, path.join(args.base, 'fusion'));
const policy = await loadPolicyHead(reader, path.join(args.base, 'policy'));
const family = readSamples([args.data]);
const train = family.filter((r) => r.variant === Number(args['train-variant']));
const test = family.filter((r) => r.variant === Number(args['eval-variant']));
const original = args.original === undefined ? [] : readSamples([args.original]).filter((r) => r.variant === Number(args['original-variant']));
console.error(`family: ${train.length} training samples, ${test.length} evaluation samples; original held-out ${original.length}`);

const before = { family: evaluateGate(model, policy, test), original: original.length > 0 ? evaluateGate(model, policy, original) : null };
const order: number[] = [];
train.forEach((r, i) => {
  const repeat = r.sample.obstacleDistanceM <= 3 ? 4 : inFault(r.sample) ? 3 : 1;
  for (let k = 0; k < repeat; k++) order.push(i);
});
const dataset: FusionDataset = { length: order.length, get: (i) => train[order[i]!]!.sample };
const lora = attachLora(model, { targets: ['proj.vision', 'gate.hidden'], rank: 8, seed: Number(args.seed) });
const policyLora = attachLora(policy, { targets: ['policy.out'], rank: 8, seed: Number(args.seed) + 1 });
const trainable = lora.paramCount() + policyLora.paramCount();
const total = model.paramCount() + policy.weights.paramCount();
const t0 = performance.now();
const result = await trainFusion({ model, policy, dataset, epochs: Number(args.epochs), trainable: 'lora', learningRate: Number(args.lr), seed: Number(args.seed) + 5, lossWeights: { gate: 3 } });
const after = { family: evaluateGate(model, policy, test), original: original.length > 0 ? evaluateGate(model, policy, original) : null };

const write = (dir: string, files: ModelFiles): void => {
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(path.join(dir, name), bytes);
};
const metadata = { family: `recordSimSamples variants ${args['train-variant']} (train) / ${args['eval-variant']} (eval)`, rank: 8 };
write(path.join(args.out, 'fusion', args.name), saveLoraAdapters(lora, { metadata }));
write(path.join(args.out, 'policy', args.name), saveLoraAdapters(policyLora, { metadata }));
const metrics = { trainable, total, share: trainable / total, steps: result.steps, seconds: (performance.now() - t0) / 1000, before, after };
console.log(JSON.stringify(metrics, null, 1));
writeFileSync(path.join(args.out, 'fusion', args.name, 'lora-metrics.json'), JSON.stringify(metrics, null, 1) + '\n');
