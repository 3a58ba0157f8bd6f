/**
 * Trains the camera encoder's obstacle-ahead head (LN'd class token → 32 → GELU → 1 → sigmoid) on
 * simulator frames (see cameraFrames.ts), the ViT's token weights fixed so the fusion model's vision
 * tokens do not change, and writes the whole encoder (trained head + the seeded token weights) where
 * `camera_encoder`'s `model` parameter loads it.
 *
 *   npx tsx packages/fusion/scripts/trainCameraHead.ts [--variants 12] [--frames 120] [--held-out 3]
 *       [--epochs 1500] [--lr 0.01] [--cache /tmp/camera-frames.json] [--out models/camera]
 *
 * Held-out: the last `--held-out` variants of every scenario (other positions, colours, materials, lighting).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { encodeWeights, gelu, initBackend } from '@sensorium/ml';
import { VitEncoder } from '@sensorium/perception';
import { loadScenario, type Scenario } from '@sensorium/sim';
import { readdir } from 'node:fs/promises';
import { cameraFrames, STACK_VIT, mulberry, type CameraFrame, AHEAD_M, CONE_HALF_ANGLE } from './cameraFrames.js';
import { REPO_ROOT } from './simStack.js';

const { values: args } = parseArgs({
  options: {
    variants: { type: 'string', default: '12' },
    frames: { type: 'string', default: '120' },
    'held-out': { type: 'string', default: '3' },
    epochs: { type: 'string', default: '1500' },
    lr: { type: 'string', default: '0.01' },
    l2: { type: 'string', default: '0.0003' },
    cache: { type: 'string' },
    out: { type: 'string', default: 'models/camera' },
    seed: { type: 'string', default: '1' },
  },
});
const variants = Number(args.variants);
const heldOut = Number(args['held-out']);
const seed = Number(args.seed);

await initBackend();

const vit = new VitEncoder(STACK_VIT);
let frames: CameraFrame[];
const cacheFile = args.cache === undefined ? undefined : path.resolve(args.cache);
let cached: CameraFrame[] | undefined;
if (cacheFile !== undefined) {
  try {
    const raw = JSON.parse(await readFile(cacheFile, 'utf8')) as Array<Omit<CameraFrame, 'features'> & { features: number[] }>;
    cached = raw.map((f) => ({ ...f, distanceM: f.distanceM ?? Infinity, features: Float32Array.from(f.features) }));
    console.error(`frames: ${cached.length} from ${cacheFile}`);
  } catch {
    cached = undefined;
  }
}
if (cached !== undefined) frames = cached;
else {
  const dir = path.join(REPO_ROOT, 'sim/scenarios');
  const scenarios: Scenario[] = [];
  for (const n of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) scenarios.push(loadScenario(await readFile(path.join(dir, n), 'utf8'), { file: n }));
  const t0 = performance.now();
  frames = await cameraFrames({
    scenarios,
    variants,
    framesPerVariant: Number(args.frames),
    seed,
    vit,
    onProgress: (d, t, name) => process.stderr.write(`frames: ${d}/${t} runs (${name}) ${((performance.now() - t0) / 1000).toFixed(0)} s\n`),
  });
  if (cacheFile !== undefined) await writeFile(cacheFile, JSON.stringify(frames.map((f) => ({ ...f, features: Array.from(f.features) }))));
}

const train = frames.filter((f) => f.variant < variants - heldOut);
const test = frames.filter((f) => f.variant >= variants - heldOut);
console.error(`train ${train.length} (${train.filter((f) => f.label === 1).length} positive), test ${test.length} (${test.filter((f) => f.label === 1).length} positive)`);

const dim = vit.config.dim;
const w = vit.weights;
const head = ['obstacle/w1', 'obstacle/b1', 'obstacle/w2', 'obstacle/b2'].map((n) => w.get(n)!);
const [w1, b1, w2, b2] = head as [tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>, tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>];
const logits = (x: tf.Tensor2D): tf.Tensor2D => tf.add(tf.matMul(gelu(tf.add(tf.matMul(x, w1), b1)), w2), b2);

// Parity: the head on our class features gives what the encoder gave (features are the head's input).
{
  const sample = frames.slice(0, 20);
  const mine = tf.tidy(() => tf.sigmoid(logits(tf.tensor2d(sample.flatMap((f) => Array.from(f.features)), [sample.length, dim]))).dataSync());
  const worst = Math.max(...sample.map((f, i) => Math.abs(f.score - mine[i]!)));
  if (!(worst < 1e-4)) throw new Error(`class features do not reproduce the encoder's score (max |Δ| ${worst})`);
  console.error(`parity with VitEncoder.apply: max |Δscore| ${worst.toExponential(1)}`);
}

const toTensors = (set: readonly CameraFrame[]) => ({
  x: tf.tensor2d(set.flatMap((f) => Array.from(f.features)), [set.length, dim]),
  y: tf.tensor2d(set.map((f) => f.label), [set.length, 1]),
});
// Re-initialise the head (seeded) and train with class-balanced BCE + L2, full batch (the set is small).
tf.tidy(() => {
  const rand = mulberry(seed);
  const limit1 = Math.sqrt(6 / (dim + 32));
  w1.assign(tf.tensor2d(Float32Array.from({ length: dim * 32 }, () => (2 * rand() - 1) * limit1), [dim, 32]));
  b1.assign(tf.zeros([32]));
  const limit2 = Math.sqrt(6 / 33);
  w2.assign(tf.tensor2d(Float32Array.from({ length: 32 }, () => (2 * rand() - 1) * limit2), [32, 1]));
  b2.assign(tf.zeros([1]));
});
const tr = toTensors(train);
const positives = train.filter((f) => f.label === 1).length;
const posWeight = (train.length - positives) / Math.max(1, positives);
const sampleWeight = tf.tidy(() => tf.add(tf.mul(tr.y, posWeight - 1), 1));
const optimizer = tf.train.adam(Number(args.lr));
const l2 = Number(args.l2);
const epochs = Number(args.epochs);
for (let e = 0; e < epochs; e++) {
  const loss = optimizer.minimize(
    () => {
      const z = logits(tr.x);
      const bce = tf.losses.sigmoidCrossEntropy(tr.y, z, sampleWeight);
      return tf.add(bce, tf.mul(l2, tf.add(tf.sum(tf.square(w1)), tf.sum(tf.square(w2))))) as tf.Scalar;
    },
    true,
    head,
  )!;
  if (e % 50 === 0 || e === epochs - 1) console.error(`epoch ${e} loss ${loss.dataSync()[0]!.toFixed(4)}`);
  loss.dispose();
}

function evaluate(set: readonly CameraFrame[]) {
  const p = tf.tidy(() => tf.sigmoid(logits(tf.tensor2d(set.flatMap((f) => Array.from(f.features)), [set.length, dim]))).dataSync());
  const stats = (pick: (f: CameraFrame) => boolean) => {
    let tp = 0, fp = 0, fn = 0, tn = 0;
    let posScore = 0, negScore = 0;
    set.forEach((f, i) => {
      if (!pick(f)) return;
      const yes = p[i]! >= 0.5;
      if (f.label === 1) { posScore += p[i]!; if (yes) tp++; else fn++; } else { negScore += p[i]!; if (yes) fp++; else tn++; }
    });
    return { frames: tp + fp + fn + tn, positives: tp + fn, precision: tp + fp === 0 ? null : tp / (tp + fp), recall: tp + fn === 0 ? null : tp / (tp + fn), accuracy: (tp + tn) / Math.max(1, tp + fp + fn + tn), meanScorePositive: tp + fn === 0 ? null : posScore / (tp + fn), meanScoreNegative: tn + fp === 0 ? null : negScore / (tn + fp) };
  };
  return {
    all: stats(() => true),
    // Frames whose nearest in-cone solid is of this material (within 2 m: positives; farther: negatives).
    glass: stats((f) => f.material === 'glass'),
    black: stats((f) => f.material === 'black'),
    soft: stats((f) => f.material === 'soft'),
    default: stats((f) => f.material === 'default'),
    nothingInCone: stats((f) => f.material === 'none'),
    darkCamera: stats((f) => f.material === 'dark'),
    within1m: stats((f) => f.distanceM <= 1),
  };
}
const metrics = {
  data: { frames: frames.length, train: train.length, test: test.length, variants, heldOutVariants: heldOut, coneHalfAngleDeg: (CONE_HALF_ANGLE * 180) / Math.PI, aheadM: AHEAD_M },
  training: { epochs, lr: Number(args.lr), l2, posWeight, seed },
  train: evaluate(train),
  heldOut: evaluate(test),
};
console.log(JSON.stringify(metrics, null, 1));

const out = path.resolve(REPO_ROOT, args.out);
await mkdir(out, { recursive: true });
const files = await encodeWeights(vit.weights, { metadata: { model: 'camera_encoder', config: STACK_VIT, trained: 'obstacle head on simulator frames (packages/fusion/scripts/trainCameraHead.ts)' } });
await writeFile(path.join(out, 'model.json'), files.modelJson);
await writeFile(path.join(out, 'weights.bin'), files.weightsBin);
await writeFile(path.join(out, 'metrics.json'), JSON.stringify(metrics, null, 1) + '\n');
console.error(`wrote ${out}`);
