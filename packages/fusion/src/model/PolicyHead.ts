import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@sensorium/core';
import { CUE_MAX_RANGE_M } from '../CueVector.js';
import { SeededRandom } from './SeededRandom.js';
import { WeightStore } from './WeightStore.js';
import type { LoraAdapters } from './LoraAdapters.js';

/** Speed limits the head's tanh outputs are scaled to (the simulator robot's defaults). */
export const POLICY_MAX_LINEAR = 1.0;
export const POLICY_MAX_ANGULAR = 2.0;
/** Goal distances beyond this saturate the goal feature. */
export const POLICY_GOAL_RANGE_M = 5;

/** The parts of a FusedPercept the policy reads (field names as in the message). */
export interface PolicyPercept {
  embedding: Float32Array;
  weights: Float32Array;
  nearest_obstacle_distance: number;
  nearest_obstacle_bearing: number;
  obstacle_ahead_score: number;
  obstacle_count: number;
  contact: boolean;
}

export function policyFeatureDim(embeddingDim: number): number {
  return embeddingDim + 13;
}

/**
 * Policy features, in place: [embedding (E), modality weights (4), nearest distance / 10 (inf → 1),
 * cos and sin of its bearing, obstacle-ahead score, obstacle count / 10, contact, goal distance / 5
 * (clamped), cos and sin of the goal bearing]. The goal is in base_link (x forward, y left). This layout
 * is the contract for anyone running the shipped policy head (models/policy) without this package.
 */
export function writePolicyFeatures(out: Float32Array, percept: PolicyPercept, goal: { x: number; y: number }): Float32Array {
  const e = percept.embedding.length;
  if (out.length !== policyFeatureDim(e)) {
    throw new ValidationError('policy feature buffer has the wrong length', { context: { expected: String(policyFeatureDim(e)), actual: String(out.length) } });
  }
  out.set(percept.embedding, 0);
  for (let i = 0; i < 4; i++) out[e + i] = percept.weights[i] ?? 0;
  const d = percept.nearest_obstacle_distance;
  out[e + 4] = Number.isFinite(d) ? Math.min(1, Math.max(0, d / CUE_MAX_RANGE_M)) : 1;
  out[e + 5] = Number.isFinite(d) ? Math.cos(percept.nearest_obstacle_bearing) : 0;
  out[e + 6] = Number.isFinite(d) ? Math.sin(percept.nearest_obstacle_bearing) : 0;
  out[e + 7] = Number.isFinite(percept.obstacle_ahead_score) ? percept.obstacle_ahead_score : 0;
  out[e + 8] = Math.min(1, Math.max(0, percept.obstacle_count / 10));
  out[e + 9] = percept.contact ? 1 : 0;
  const dist = Math.hypot(goal.x, goal.y);
  out[e + 10] = Math.min(1, dist / POLICY_GOAL_RANGE_M);
  out[e + 11] = dist > 1e-9 ? goal.x / dist : 1;
  out[e + 12] = dist > 1e-9 ? goal.y / dist : 0;
  return out;
}

/**
 * MLP policy head: features → relu(h1) → relu(h2) → tanh(2) scaled to (linear.x, angular.z).
 * Layers `policy.hidden1`, `policy.hidden2`, `policy.out` (tfjs Dense layout: kernel [in, out], bias [out]).
 */
export class PolicyHead {
  readonly weights = new WeightStore();
  readonly inputDim: number;
  lora: LoraAdapters | null = null;
  private readonly action = { linear: 0, angular: 0 };

  constructor(
    readonly embeddingDim: number,
    readonly hidden: readonly [number, number],
    options: { seed?: number } = {},
  ) {
    const rng = new SeededRandom(options.seed ?? 3);
    this.inputDim = policyFeatureDim(embeddingDim);
    this.weights.add('policy.hidden1.kernel', [this.inputDim, hidden[0]], 'glorot', rng);
    this.weights.add('policy.hidden1.bias', [hidden[0]], 'zeros', rng);
    this.weights.add('policy.hidden2.kernel', [hidden[0], hidden[1]], 'glorot', rng);
    this.weights.add('policy.hidden2.bias', [hidden[1]], 'zeros', rng);
    this.weights.add('policy.out.kernel', [hidden[1], 2], 'glorot', rng);
    this.weights.add('policy.out.bias', [2], 'zeros', rng);
  }

  /** Normalised actions in [-1, 1]: [B, 2] (training path). */
  forward(features: tf.Tensor2D): tf.Tensor2D {
    const h1 = tf.relu(this.dense(features, 'policy.hidden1'));
    const h2 = tf.relu(this.dense(h1, 'policy.hidden2'));
    return tf.tanh(this.dense(h2, 'policy.out')) as tf.Tensor2D;
  }

  /** One action in m/s and rad/s; the returned object is reused. */
  act(features: Float32Array): { linear: number; angular: number } {
    const y = tf.tidy(() => this.forward(tf.tensor2d(features, [1, this.inputDim])));
    const v = y.dataSync();
    y.dispose();
    this.action.linear = (v[0] ?? 0) * POLICY_MAX_LINEAR;
    this.action.angular = (v[1] ?? 0) * POLICY_MAX_ANGULAR;
    return this.action;
  }

  dispose(): void {
    this.weights.dispose();
    this.lora?.dispose();
    this.lora = null;
  }

  private dense(x: tf.Tensor2D, layer: string): tf.Tensor2D {
    const y = tf.add(tf.matMul(x, this.weights.get(`${layer}.kernel`) as tf.Variable<tf.Rank.R2>), this.weights.get(`${layer}.bias`)) as tf.Tensor2D;
    const adapted = this.lora?.apply(layer, x) ?? null;
    return adapted === null ? y : tf.add(y, adapted);
  }
}
