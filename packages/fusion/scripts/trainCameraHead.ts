/**
 * Trains the camera encoder's obstacle-ahead head (`VitEncoder.obstacleFeatures` → 64 → GELU → 1 → sigmoid:
 * the class token, the mean and max of the central patch tokens, per-row colour statistics of the input) on
 * simulator frames (see cameraFrames.ts). The ViT's token weights stay the seeded ones, so the fusion model's
 * vision tokens do not change; the whole encoder (trained head + seeded token weights) is written where
 * `camera_encoder`'s `model` parameter loads it.
 *
 *   npx tsx packages/fusion/scripts/trainCameraHead.ts [--variants 12] [--clear-heavy 18] [--frames 120]
 *       [--held-out 3] [--epochs 30] [--batch 256] [--lr 0.003] [--l2 0.0003] [--clear-weight 3]
 *       [--cache /tmp/camera-frames.json]
 *       [--out models/camera] [--baseline models/camera/model.json]
 *
 * Held-out: variants 9–11 of every scenario (other positions, colours, materials, lighting); the
 * `--clear-heavy` variants after them (half the obstacles glass or soft) are training data only.
 * `--baseline`: the head the frames are scored with while rendering (the old-vs-new table in metrics.json).
 * `--clear-weight`: loss weight of frames whose nearest in-cone solid is glass or soft (the faint ones).
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { encodeWeights, gelu, initBackend, vitObstacleInputDim, vitObstacleRegion } from '@sensorium/ml';
import { loadModelInto, VitEncoder } from '@sensorium/perception';
import { loadScenario, type Scenario } from '@sensorium/sim';
import { AHEAD_M, cameraFrames, CONE_HALF_ANGLE, loadFrames, mulberry, saveFrames, STACK_VIT, type CameraFrame } from './cameraFrames.js';
import { REPO_ROOT } from './simStack.js';

const { values: args } = parseArgs({
  options: {
    variants: { type: 'string', default: '12' },
    'clear-heavy': { type: 'string', default: '18' },
    frames: { type: 'string', default: '120' },
    'held-out': { type: 'string', default: '3' },
    epochs: { type: 'string', default: '30' },
    batch: { type: 'string', default: '256' },
    lr: { type: 'string', default: '0.003' },
    l2: { type: 'string', default: '0.0003' },
    'clear-weight': { type: 'string', default: '3' },
    cache: { type: 'string' },
    out: { type: 'string', default: 'models/camera' },
    baseline: { type: 'string', default: 'models/camera/model.json' },
    seed: { type: 'string', default: '1' },
  },
});
const variants = Number(args.variants);
const heldOut = Number(args['held-out']);
const seed = Number(args.seed);
const read = (p: string): Promise<Uint8Array> => readFile(path.resolve(REPO_ROOT, p));

await initBackend();

const vit = new VitEncoder(STACK_VIT);
const c = vit.config;
const dir = path.join(REPO_ROOT, 'sim/scenarios');
const scenarios: Scenario[] = [];
for (const n of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) scenarios.push(loadScenario(await readFile(path.join(dir, n), 'utf8'), { file: n }));

let frames: CameraFrame[] | undefined;
const cacheFile = args.cache === undefined ? undefined : path.resolve(args.cache);
if (cacheFile !== undefined) {
  frames = await loadFrames(cacheFile).catch(() => undefined);
  if (frames !== undefined) console.error(`frames: ${frames.length} from ${cacheFile}`);
}
if (frames === undefined) {
  // The frames carry the score of the head shipped so far (the baseline column of the table).
  const baseline = new VitEncoder(STACK_VIT);
  if (args.baseline !== '') await loadModelInto(baseline, args.baseline, read).catch((e: unknown) => console.error(`baseline not loaded (${String(e)}): scores are the seeded head's`));
  const t0 = performance.now();
  frames = await cameraFrames({
    scenarios,
    variants,
    clearHeavyVariants: Number(args['clear-heavy']),
    framesPerVariant: Number(args.frames),
    seed,
    vit: baseline,
    onProgress: (d, t, name) => process.stderr.write(`frames: ${d}/${t} runs (${name}) ${((performance.now() - t0) / 1000).toFixed(0)} s\n`),
  });
  baseline.dispose();
  if (cacheFile !== undefined) await saveFrames(cacheFile, frames);
}

const isTest = (f: CameraFrame): boolean => f.variant >= variants - heldOut && f.variant < variants;
const train = frames.filter((f) => !isTest(f));
const test = frames.filter(isTest);
console.error(`train ${train.length} (${train.filter((f) => f.label === 1).length} positive), test ${test.length} (${test.filter((f) => f.label === 1).length} positive)`);

const inDim = vitObstacleInputDim(c);
const region = vitObstacleRegion(c);
const P = c.patchSize;

/** The head's input from a frame's cached tokens and row colour sums: what `VitEncoder.obstacleFeatures` computes. */
function featuresOf(f: CameraFrame, out: Float32Array, o: number): void {
  const d = c.dim;
  out.set(f.tokens.subarray(0, d), o);
  for (let j = 0; j < d; j++) {
    let sum = 0;
    let max = -Infinity;
    for (const p of region) {
      const v = f.tokens[(1 + p) * d + j]!;
      sum += v;
      if (v > max) max = v;
    }
    out[o + d + j] = sum / region.length;
    out[o + 2 * d + j] = max;
  }
  const rows = vit.patches * P;
  for (let r = 0; r < rows; r++) {
    for (let ch = 0; ch < 3; ch++) {
      const mean = f.colour[r * 6 + ch]!;
      const meanSq = f.colour[r * 6 + 3 + ch]!;
      out[o + 3 * d + r * 3 + ch] = mean;
      out[o + 3 * d + rows * 3 + r * 3 + ch] = Math.sqrt(Math.max(0, meanSq - mean * mean));
    }
  }
}
function featureMatrix(set: readonly CameraFrame[]): Float32Array {
  const x = new Float32Array(set.length * inDim);
  set.forEach((f, i) => featuresOf(f, x, i * inDim));
  return x;
}

// Standardise with the training set's statistics (shipped as obstacle/mean and obstacle/scale).
const xTrain = featureMatrix(train);
const mu = new Float32Array(inDim);
const sd = new Float32Array(inDim);
for (let i = 0; i < train.length; i++) for (let j = 0; j < inDim; j++) mu[j]! += xTrain[i * inDim + j]! / train.length;
for (let i = 0; i < train.length; i++) for (let j = 0; j < inDim; j++) sd[j]! += (xTrain[i * inDim + j]! - mu[j]!) ** 2 / train.length;
for (let j = 0; j < inDim; j++) sd[j] = Math.sqrt(sd[j]!) + 1e-3;
for (let i = 0; i < train.length; i++) for (let j = 0; j < inDim; j++) xTrain[i * inDim + j] = (xTrain[i * inDim + j]! - mu[j]!) / sd[j]!;

const w = vit.weights;
const head = ['obstacle/w1', 'obstacle/b1', 'obstacle/w2', 'obstacle/b2'].map((n) => w.get(n)!);
const [w1, b1, w2, b2] = head as [tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>, tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>];
const hidden = w1.shape[1];
const logits = (x: tf.Tensor2D): tf.Tensor2D => tf.add(tf.matMul(gelu(tf.add(tf.matMul(x, w1), b1)), w2), b2);

// Re-initialise the head (seeded Glorot), then Adam on class-balanced BCE + L2 in seeded mini-batches.
const rand = mulberry(seed);
tf.tidy(() => {
  const limit1 = Math.sqrt(6 / (inDim + hidden));
  w1.assign(tf.tensor2d(Float32Array.from({ length: inDim * hidden }, () => (2 * rand() - 1) * limit1), [inDim, hidden]));
  b1.assign(tf.zeros([hidden]));
  const limit2 = Math.sqrt(6 / (hidden + 1));
  w2.assign(tf.tensor2d(Float32Array.from({ length: hidden }, () => (2 * rand() - 1) * limit2), [hidden, 1]));
  b2.assign(tf.zeros([1]));
});
const labels = Float32Array.from(train, (f) => f.label);
const positives = labels.reduce((a, b) => a + b, 0);
const posWeight = (train.length - positives) / Math.max(1, positives);
// Class-balanced, and the faint materials (a pane shows as an 18 % tint) weighted up.
const clearWeight = Number(args['clear-weight']);
const sampleWeights = Float32Array.from(train, (f) => (f.label === 1 ? posWeight : 1) * (f.material === 'glass' || f.material === 'soft' ? clearWeight : 1));
const optimizer = tf.train.adam(Number(args.lr));
const l2 = Number(args.l2);
const epochs = Number(args.epochs);
const batch = Number(args.batch);
const order = Int32Array.from({ length: train.length }, (_, i) => i);
const xb = new Float32Array(batch * inDim);
const yb = new Float32Array(batch);
const wb = new Float32Array(batch);
const t0 = performance.now();
for (let e = 0; e < epochs; e++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let lossSum = 0;
  let steps = 0;
  for (let s = 0; s < order.length; s += batch) {
    const n = Math.min(batch, order.length - s);
    for (let k = 0; k < n; k++) {
      const i = order[s + k]!;
      xb.set(xTrain.subarray(i * inDim, (i + 1) * inDim), k * inDim);
      yb[k] = labels[i]!;
      wb[k] = sampleWeights[i]!;
    }
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(xb.subarray(0, n * inDim), [n, inDim]);
      const y = tf.tensor2d(yb.subarray(0, n), [n, 1]);
      const weight = tf.tensor2d(wb.subarray(0, n), [n, 1]);
      return optimizer.minimize(
        () => tf.add(tf.losses.sigmoidCrossEntropy(y, logits(x), weight), tf.mul(l2, tf.add(tf.sum(tf.square(w1)), tf.sum(tf.square(w2))))) as tf.Scalar,
        true,
        head,
      )!;
    });
    lossSum += loss.dataSync()[0]!;
    loss.dispose();
    steps++;
  }
  console.error(`epoch ${e} loss ${(lossSum / steps).toFixed(4)} ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

// The standardisation ships as the head's own input normalisation (float, before an int8 first layer too).
vit.weights.get('obstacle/mean')!.assign(tf.tensor1d(mu));
(vit.weights.get('obstacle/scale')! as tf.Variable).assign(tf.tensor1d(Float32Array.from(sd, (s) => 1 / s)));
const standardise = (x: tf.Tensor2D): tf.Tensor2D => tf.mul(tf.sub(x, vit.weights.get('obstacle/mean')!), vit.weights.get('obstacle/scale')!) as tf.Tensor2D;

function scores(set: readonly CameraFrame[]): Float32Array {
  const out = new Float32Array(set.length);
  for (let s = 0; s < set.length; s += 1024) {
    const part = set.slice(s, s + 1024);
    const p = tf.tidy(() => tf.sigmoid(logits(standardise(tf.tensor2d(featureMatrix(part), [part.length, inDim])))).dataSync());
    out.set(p, s);
  }
  return out;
}

// Parity: the trained encoder on freshly rendered frames gives what the head gives on their cached features.
{
  const fresh = await cameraFrames({ scenarios: scenarios.slice(0, 2), variants: 1, framesPerVariant: 10, seed: seed + 99, vit });
  const viaCache = scores(fresh);
  const worst = Math.max(...fresh.map((f, i) => Math.abs(f.score - viaCache[i]!)));
  if (!(worst < 1e-3)) throw new Error(`cached features do not reproduce VitEncoder.apply's score (max |Δ| ${worst})`);
  console.error(`parity with VitEncoder.apply on ${fresh.length} fresh frames: max |Δscore| ${worst.toExponential(1)}`);
}

function evaluate(set: readonly CameraFrame[], p: ArrayLike<number>) {
  const stats = (pick: (f: CameraFrame) => boolean) => {
    let tp = 0, fp = 0, fn = 0, tn = 0;
    let posScore = 0, negScore = 0;
    set.forEach((f, i) => {
      if (!pick(f)) return;
      const yes = p[i]! >= 0.5;
      if (f.label === 1) { posScore += p[i]!; if (yes) tp++; else fn++; } else { negScore += p[i]!; if (yes) fp++; else tn++; }
    });
    const r = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);
    return { frames: tp + fp + fn + tn, positives: tp + fn, precision: r(tp + fp === 0 ? null : tp / (tp + fp)), recall: r(tp + fn === 0 ? null : tp / (tp + fn)), falsePositives: fp, meanScorePositive: r(tp + fn === 0 ? null : posScore / (tp + fn)), meanScoreNegative: r(tn + fp === 0 ? null : negScore / (tn + fp)) };
  };
  return {
    all: stats(() => true),
    // Frames whose nearest in-cone solid is of this material (within 2 m: positives; farther: negatives).
    default: stats((f) => f.material === 'default'),
    glass: stats((f) => f.material === 'glass'),
    soft: stats((f) => f.material === 'soft'),
    black: stats((f) => f.material === 'black'),
    nothingInCone: stats((f) => f.material === 'none'),
    darkCamera: stats((f) => f.material === 'dark'),
    within1m: stats((f) => f.distanceM <= 1),
  };
}
const testScores = scores(test);
const metrics = {
  data: { frames: frames.length, train: train.length, test: test.length, variants, clearHeavyVariants: Number(args['clear-heavy']), heldOutVariants: heldOut, coneHalfAngleDeg: (CONE_HALF_ANGLE * 180) / Math.PI, aheadM: AHEAD_M },
  head: { inputs: inDim, hidden, region, features: 'class token, mean + max of the region patch tokens, per patch-row channel mean + std' },
  training: { epochs, batch, lr: Number(args.lr), l2, posWeight, clearWeight, seed },
  train: evaluate(train, scores(train)),
  heldOut: evaluate(test, testScores),
  heldOutBaseline: { head: args.baseline, ...evaluate(test, Float32Array.from(test, (f) => f.score)) },
};
console.log(JSON.stringify(metrics, null, 1));

const out = path.resolve(REPO_ROOT, args.out);
await mkdir(out, { recursive: true });
const files = await encodeWeights(vit.weights, { metadata: { model: 'camera_encoder', config: STACK_VIT, trained: 'obstacle head on simulator frames (packages/fusion/scripts/trainCameraHead.ts)' } });
await writeFile(path.join(out, 'model.json'), files.modelJson);
await writeFile(path.join(out, 'weights.bin'), files.weightsBin);
await writeFile(path.join(out, 'metrics.json'), JSON.stringify(metrics, null, 1) + '\n');
console.error(`wrote ${out}`);
