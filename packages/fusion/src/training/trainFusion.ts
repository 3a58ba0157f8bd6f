import * as tf from '@tensorflow/tfjs';
import type { FusionModel } from '../model/FusionModel.js';
import type { PolicyHead } from '../model/PolicyHead.js';
import { POLICY_MAX_ANGULAR, POLICY_MAX_LINEAR } from '../model/PolicyHead.js';
import { SeededRandom } from '../model/SeededRandom.js';
import type { NamedWeight } from '../model/WeightStore.js';
import { AUX_MAX_DISTANCE_M } from '../model/FusionModel.js';
import type { FusionBatchOutput } from '../model/FusionModel.js';
import { CUE_MAX_RANGE_M } from '../CueVector.js';
import { POLICY_GOAL_RANGE_M } from '../model/PolicyHead.js';
import { disposeBatch, toBatchTensors } from './FusionSample.js';
import type { FusionDataset, FusionSample } from './FusionSample.js';

export interface LossWeights {
  /** Behaviour cloning (MSE on normalised linear / angular). */
  bc: number;
  /** Auxiliary: obstacle within 2 m ahead (binary cross-entropy). */
  presence: number;
  /** Auxiliary: distance to the nearest obstacle ahead (MSE, / AUX_MAX_DISTANCE_M). */
  distance: number;
  /** Gate: cross-entropy to the informative-modality target. */
  gate: number;
  /** Point encoder on/off (binary cross-entropy). */
  pointEncoder: number;
  /** L2 penalty on the gate's weight matrices. */
  gateL2: number;
}

export const DEFAULT_LOSS_WEIGHTS: LossWeights = Object.freeze({ bc: 1, presence: 0.3, distance: 0.3, gate: 1, pointEncoder: 0.3, gateL2: 1e-4 });

export interface TrainProgress {
  phase: 'supervised' | 'reinforce';
  epoch: number;
  step: number;
  totalSteps: number;
  losses: Record<string, number>;
}

/** Everything needed to continue a run exactly: weights, optimizer slots, position. */
export interface TrainCheckpoint {
  phase: 'supervised' | 'reinforce';
  step: number;
  weights: NamedWeight[];
  optimizer: NamedWeight[];
}

export interface TrainFusionOptions {
  model: FusionModel;
  policy: PolicyHead;
  dataset: FusionDataset;
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  lossWeights?: Partial<LossWeights>;
  /**
   * `all` trains base weights; `lora` trains only the attached adapters (base frozen); `gate` only the gating
   * network (`gate.*`: summary, hidden, logits, point encoder), e.g. to re-balance its weights without
   * moving the embedding and the policy that were trained on them.
   */
  trainable?: 'all' | 'lora' | 'gate';
  /** Called every `checkpointEvery` steps and at the end. */
  onCheckpoint?: (checkpoint: TrainCheckpoint) => void | Promise<void>;
  checkpointEvery?: number;
  resume?: TrainCheckpoint;
  onProgress?: (progress: TrainProgress) => void;
}

export interface TrainResult {
  steps: number;
  finalLosses: Record<string, number>;
}

/**
 * Behaviour cloning of the expert + auxiliary obstacle losses + gate supervision + the gate's L2 penalty,
 * end to end through gate, attention, fused embedding and policy head. Seeded (shuffle order is a function
 * of seed and epoch), so a resumed run takes the same batches as an uninterrupted one.
 */
export async function trainFusion(options: TrainFusionOptions): Promise<TrainResult> {
  const { model, policy, dataset } = options;
  const batchSize = options.batchSize ?? 64;
  const weights = { ...DEFAULT_LOSS_WEIGHTS, ...options.lossWeights };
  const stepsPerEpoch = Math.max(1, Math.floor(dataset.length / batchSize));
  const totalSteps = stepsPerEpoch * options.epochs;
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  const variables = trainableVariables(model, policy, options.trainable ?? 'all');
  let step = 0;
  if (options.resume !== undefined) {
    restoreCheckpoint(model, policy, options.resume);
    await restoreOptimizer(optimizer, options.resume.optimizer);
    step = options.resume.step;
  }
  let last: Record<string, number> = {};
  const order = new Int32Array(dataset.length);
  for (let epoch = Math.floor(step / stepsPerEpoch); epoch < options.epochs; epoch++) {
    shuffled(order, (options.seed ?? 1) * 1009 + epoch);
    for (let b = step % stepsPerEpoch; b < stepsPerEpoch; b++) {
      const samples: FusionSample[] = [];
      for (let i = 0; i < batchSize; i++) samples.push(dataset.get(order[b * batchSize + i] ?? 0));
      last = supervisedStep(model, policy, optimizer, variables, samples, weights);
      step++;
      options.onProgress?.({ phase: 'supervised', epoch, step, totalSteps, losses: last });
      if (options.onCheckpoint !== undefined && options.checkpointEvery !== undefined && step % options.checkpointEvery === 0) {
        await options.onCheckpoint(await makeCheckpoint('supervised', step, model, policy, optimizer));
      }
    }
  }
  if (options.onCheckpoint !== undefined) await options.onCheckpoint(await makeCheckpoint('supervised', step, model, policy, optimizer));
  optimizer.dispose();
  return { steps: step, finalLosses: last };
}

function supervisedStep(
  model: FusionModel,
  policy: PolicyHead,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  samples: readonly FusionSample[],
  w: LossWeights,
): Record<string, number> {
  const batch = toBatchTensors(model.config, samples);
  const labels = labelTensors(samples);
  const parts: Record<string, tf.Scalar> = {};
  const total = optimizer.minimize(
    () => {
      const out = model.forwardBatch(batch);
      const action = policy.forward(policyFeatureTensor(out, labels.staticFeatures, samples.length));
      parts.bc = tf.keep(tf.losses.meanSquaredError(labels.action, action) as tf.Scalar);
      parts.presence = tf.keep(tf.losses.sigmoidCrossEntropy(labels.presence, out.presenceLogit) as tf.Scalar);
      parts.distance = tf.keep(tf.mean(tf.square(tf.div(tf.sub(out.distanceM, labels.distance), AUX_MAX_DISTANCE_M))) as tf.Scalar);
      parts.gate = tf.keep(tf.neg(tf.mean(tf.sum(tf.mul(labels.gate, tf.log(tf.add(out.weights, 1e-6))), 1))) as tf.Scalar);
      parts.pointEncoder = tf.keep(tf.losses.sigmoidCrossEntropy(labels.pointEncoder, out.pointEncoderLogit) as tf.Scalar);
      parts.gateL2 = tf.keep(model.gateL2());
      return tf.addN([
        tf.mul(parts.bc, w.bc),
        tf.mul(parts.presence, w.presence),
        tf.mul(parts.distance, w.distance),
        tf.mul(parts.gate, w.gate),
        tf.mul(parts.pointEncoder, w.pointEncoder),
        tf.mul(parts.gateL2, w.gateL2),
      ]) as tf.Scalar;
    },
    true,
    variables,
  );
  const losses: Record<string, number> = { total: total?.dataSync()[0] ?? Number.NaN };
  for (const [k, v] of Object.entries(parts)) {
    losses[k] = v.dataSync()[0] ?? Number.NaN;
    v.dispose();
  }
  total?.dispose();
  disposeBatch(batch);
  tf.dispose(Object.values(labels));
  return losses;
}

/** Label tensors plus the policy features that do not come from the model. */
function labelTensors(samples: readonly FusionSample[]): Record<'action' | 'presence' | 'distance' | 'gate' | 'pointEncoder' | 'staticFeatures', tf.Tensor2D> {
  const n = samples.length;
  const action = new Float32Array(n * 2);
  const presence = new Float32Array(n);
  const distance = new Float32Array(n);
  const gate = new Float32Array(n * 4);
  const pe = new Float32Array(n);
  const stat = new Float32Array(n * STATIC_FEATURES);
  samples.forEach((s, i) => {
    action[i * 2] = s.expert.linear / POLICY_MAX_LINEAR;
    action[i * 2 + 1] = s.expert.angular / POLICY_MAX_ANGULAR;
    presence[i] = s.obstacleAhead;
    distance[i] = s.obstacleDistanceM;
    gate.set(s.gateTarget, i * 4);
    pe[i] = s.pointEncoderTarget;
    writeStaticPolicyFeatures(stat, i * STATIC_FEATURES, s);
  });
  return {
    action: tf.tensor2d(action, [n, 2]),
    presence: tf.tensor2d(presence, [n, 1]),
    distance: tf.tensor2d(distance, [n, 1]),
    gate: tf.tensor2d(gate, [n, 4]),
    pointEncoder: tf.tensor2d(pe, [n, 1]),
    staticFeatures: tf.tensor2d(stat, [n, STATIC_FEATURES]),
  };
}

const STATIC_FEATURES = 8;

/** The policy-feature columns that come from perception and the goal (see writePolicyFeatures). */
function writeStaticPolicyFeatures(out: Float32Array, offset: number, s: FusionSample): void {
  const d = s.perceived.nearestDistanceM;
  out[offset] = Number.isFinite(d) ? Math.min(1, Math.max(0, d / CUE_MAX_RANGE_M)) : 1;
  out[offset + 1] = Number.isFinite(d) ? Math.cos(s.perceived.nearestBearing) : 0;
  out[offset + 2] = Number.isFinite(d) ? Math.sin(s.perceived.nearestBearing) : 0;
  out[offset + 3] = Math.min(1, Math.max(0, s.perceived.count / 10));
  out[offset + 4] = s.perceived.contact ? 1 : 0;
  const dist = Math.hypot(s.goal.x, s.goal.y);
  out[offset + 5] = Math.min(1, dist / POLICY_GOAL_RANGE_M);
  out[offset + 6] = dist > 1e-9 ? s.goal.x / dist : 1;
  out[offset + 7] = dist > 1e-9 ? s.goal.y / dist : 0;
}

/** Same column order as writePolicyFeatures, with the model's own outputs in place. */
export function policyFeatureTensor(out: FusionBatchOutput, staticFeatures: tf.Tensor2D, n: number): tf.Tensor2D {
  const col = (a: number, b: number): tf.Tensor2D => tf.slice(staticFeatures, [0, a], [n, b - a]);
  return tf.concat([out.embedding, out.weights, col(0, 3), tf.sigmoid(out.presenceLogit), col(3, 8)], 1) as tf.Tensor2D;
}

/** Packs static policy features for samples (REINFORCE and evaluation reuse it). */
export function staticPolicyFeatures(samples: readonly FusionSample[]): tf.Tensor2D {
  const stat = new Float32Array(samples.length * STATIC_FEATURES);
  samples.forEach((s, i) => writeStaticPolicyFeatures(stat, i * STATIC_FEATURES, s));
  return tf.tensor2d(stat, [samples.length, STATIC_FEATURES]);
}

function trainableVariables(model: FusionModel, policy: PolicyHead, mode: 'all' | 'lora' | 'gate'): tf.Variable[] {
  if (mode === 'gate') return model.weights.select(['gate.']);
  if (mode === 'lora') return [...(model.lora?.variables() ?? []), ...(policy.lora?.variables() ?? [])];
  return [...model.weights.select(), ...policy.weights.select()];
}

export async function makeCheckpoint(
  phase: TrainCheckpoint['phase'],
  step: number,
  model: FusionModel,
  policy: PolicyHead,
  optimizer: tf.Optimizer,
): Promise<TrainCheckpoint> {
  const slots = await optimizer.getWeights();
  const optimizerWeights = slots.map((s) => ({ name: s.name, shape: s.tensor.shape, data: Float32Array.from(s.tensor.dataSync()) }));
  return {
    phase,
    step,
    weights: [...model.weights.read(), ...policy.weights.read(), ...(model.lora?.read() ?? []), ...(policy.lora?.read() ?? [])],
    optimizer: optimizerWeights,
  };
}

export function restoreCheckpoint(model: FusionModel, policy: PolicyHead, checkpoint: TrainCheckpoint): void {
  const has = (store: { has(n: string): boolean }) => checkpoint.weights.filter((w) => store.has(w.name));
  model.weights.assign(has(model.weights));
  policy.weights.assign(has(policy.weights));
  const loraWeights = checkpoint.weights.filter((w) => w.name.startsWith('lora.'));
  if (model.lora !== null) model.lora.assign(loraWeights.filter((w) => model.lora?.targets.some((t) => w.name.startsWith(`lora.${t}.`)) === true));
}

export async function restoreOptimizer(optimizer: tf.Optimizer, slots: readonly NamedWeight[]): Promise<void> {
  if (slots.length === 0) return;
  // Adam's slot names embed variable names; after a restart, variables are new, so map slots by order.
  await optimizer.setWeights(slots.map((s) => ({ name: s.name, tensor: tf.tensor(s.data, [...s.shape]) })));
}

function shuffled(order: Int32Array, seed: number): void {
  const rng = new SeededRandom(seed);
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = t;
  }
}
