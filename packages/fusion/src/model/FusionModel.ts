import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@sensorium/core';
import { resolveFusionConfig } from '../FusionConfig.js';
import type { FusionConfig } from '../FusionConfig.js';
import { cueDim } from '../CueVector.js';
import { MODALITIES, VISION } from '../Modality.js';
import type { LoraAdapters } from './LoraAdapters.js';
import { SeededRandom } from './SeededRandom.js';
import { WeightStore } from './WeightStore.js';

/** One modality's tokens for a step: `count` rows of the modality's dim, row-major. */
export interface TokenBlock {
  readonly count: number;
  readonly data: Float32Array;
}

/** Inputs of one fusion step (batch of one: the node's hot path). */
export interface FusionStepInput {
  /** Indexed like MODALITIES; undefined (or count 0) = no tokens this step. */
  readonly tokens: readonly (TokenBlock | undefined)[];
  /** 1 where the modality is fresh (LiDAR may be fresh through its sectors while its point encoder is off). */
  readonly available: ArrayLike<number>;
  /** The cue vector (see CueVector.ts). */
  readonly cues: Float32Array;
  /** Added to the gate logits (REINFORCE exploration); omit at inference. */
  readonly gateNoise?: Float32Array | undefined;
  /**
   * Ablation `gating`: equal weights over the available modalities instead of the gate's (and the point
   * encoder requested whenever LiDAR is available), everything downstream unchanged.
   */
  readonly fixedWeights?: boolean;
}

/** Outputs of one fusion step; arrays are owned by the model and overwritten by the next step. */
export interface FusionStepOutput {
  readonly weights: Float32Array;
  pointEncoderProb: number;
  readonly embedding: Float32Array;
  /** P(obstacle within 2 m ahead), from the auxiliary head. */
  obstaclePresence: number;
  /** Estimated distance to the nearest obstacle ahead, m (auxiliary head, meaningful when presence is high). */
  obstacleDistanceM: number;
}

/** A padded training batch: tokens [B, maxTokens, dim] per modality with row masks. */
export interface FusionBatchTensors {
  readonly tokens: readonly tf.Tensor3D[];
  /** [B, maxTokens] per modality, 1 for real rows. */
  readonly tokenMask: readonly tf.Tensor2D[];
  /** [B, 4]. */
  readonly available: tf.Tensor2D;
  /** [B, cueDim]. */
  readonly cues: tf.Tensor2D;
  /** [B, 4] RMS of each modality's raw tokens (0 when none). */
  readonly energy: tf.Tensor2D;
  /** [B, 4] added to the gate logits (REINFORCE replays the exploration noise of its rollouts). */
  readonly gateNoise?: tf.Tensor2D | undefined;
}

export interface FusionBatchOutput {
  /** [B, 4] gate logits before masking (what REINFORCE perturbs). */
  readonly gateLogits: tf.Tensor2D;
  readonly weights: tf.Tensor2D;
  /** [B, 1] point-encoder logit. */
  readonly pointEncoderLogit: tf.Tensor2D;
  readonly embedding: tf.Tensor2D;
  readonly presenceLogit: tf.Tensor2D;
  /** [B, 1] in metres. */
  readonly distanceM: tf.Tensor2D;
}

/** Largest distance the auxiliary head can report, m. */
export const AUX_MAX_DISTANCE_M = 5;
const MASK_NEG = -1e4;
const SUMMARY_DIM = 4;

/** Dense-layer names LoRA may target, and the 2-D kernels the L2 gate penalty covers. */
export const GATE_KERNELS = ['gate.hidden.kernel', 'gate.logits.kernel', 'gate.point_encoder.kernel'] as const;

/**
 * Gating network + cross-modal attention + fused embedding with auxiliary obstacle heads.
 *
 * - Every modality's tokens are projected to `modelDim`; the gate sees the cue vector, per-modality
 *   token energy, availability and a 4-d summary of each modality's mean token, and outputs softmax
 *   weights over {vision, lidar, audio, touch} (unavailable ones masked to exactly 0) and a point-encoder logit.
 * - Attention: visual tokens (or a learned query when there are none) are the queries; for each other
 *   modality with tokens, each head computes softmax(q·kᵀ/√d)·v with plain 2-D matMuls, and the
 *   modality's output is scaled by its gate weight before the sum, so a gated-off modality contributes nothing.
 * - The fused embedding is an MLP over [gated mean visual token, pooled attention output, weights, cues].
 *
 * `step` is the inference path (one sample, only 2-D matMuls, no transpose flags: fast on tfjs-wasm);
 * `forwardBatch` is the training path over padded batches. A test keeps the two equal.
 */
export class FusionModel {
  readonly config: FusionConfig;
  readonly weights = new WeightStore();
  readonly cueDim: number;
  readonly gateInputDim: number;
  lora: LoraAdapters | null = null;
  private readonly headDim: number;
  private readonly output: FusionStepOutput;
  private readonly availableScratch = new Float32Array(4);
  private readonly energyScratch = new Float32Array(4);

  constructor(options: { config?: Partial<FusionConfig>; seed?: number } = {}) {
    this.config = resolveFusionConfig(options.config);
    const c = this.config;
    const rng = new SeededRandom(options.seed ?? 1);
    this.cueDim = cueDim(c.sectors);
    this.gateInputDim = this.cueDim + 8 + SUMMARY_DIM * MODALITIES.length;
    this.headDim = c.modelDim / c.heads;
    const w = this.weights;
    for (const m of MODALITIES) {
      w.add(`proj.${m}.kernel`, [c.tokenDims[m], c.modelDim], 'glorot', rng);
      w.add(`proj.${m}.bias`, [c.modelDim], 'zeros', rng);
    }
    w.add('gate.summary.kernel', [c.modelDim, SUMMARY_DIM], 'glorot', rng);
    w.add('gate.hidden.kernel', [this.gateInputDim, c.gateHidden], 'glorot', rng);
    w.add('gate.hidden.bias', [c.gateHidden], 'zeros', rng);
    w.add('gate.logits.kernel', [c.gateHidden, MODALITIES.length], 'glorot', rng);
    w.add('gate.logits.bias', [MODALITIES.length], 'zeros', rng);
    w.add('gate.point_encoder.kernel', [c.gateHidden, 1], 'glorot', rng);
    w.add('gate.point_encoder.bias', [1], 'zeros', rng);
    w.add('attn.query_default', [1, c.modelDim], { normal: 0.1 }, rng);
    for (let h = 0; h < c.heads; h++) {
      w.add(`attn.h${h}.q`, [c.modelDim, this.headDim], 'glorot', rng);
      // Stored transposed so kᵀ = Wkᵀ·Xᵀ is a plain 2-D matMul at inference.
      w.add(`attn.h${h}.kT`, [this.headDim, c.modelDim], 'glorot', rng);
      w.add(`attn.h${h}.v`, [c.modelDim, this.headDim], 'glorot', rng);
    }
    w.add('attn.out.kernel', [c.modelDim, c.modelDim], 'glorot', rng);
    w.add('attn.out.bias', [c.modelDim], 'zeros', rng);
    w.add('fuse.hidden.kernel', [2 * c.modelDim + MODALITIES.length + this.cueDim, c.fuseHidden], 'glorot', rng);
    w.add('fuse.hidden.bias', [c.fuseHidden], 'zeros', rng);
    w.add('fuse.out.kernel', [c.fuseHidden, c.embeddingDim], 'glorot', rng);
    w.add('fuse.out.bias', [c.embeddingDim], 'zeros', rng);
    w.add('aux.presence.kernel', [c.embeddingDim, 1], 'glorot', rng);
    w.add('aux.presence.bias', [1], 'zeros', rng);
    w.add('aux.distance.kernel', [c.embeddingDim, 1], 'glorot', rng);
    w.add('aux.distance.bias', [1], 'zeros', rng);
    this.output = {
      weights: new Float32Array(MODALITIES.length),
      pointEncoderProb: 0,
      embedding: new Float32Array(c.embeddingDim),
      obstaclePresence: 0,
      obstacleDistanceM: AUX_MAX_DISTANCE_M,
    };
  }

  paramCount(): number {
    return this.weights.paramCount();
  }

  /**
   * One fusion step. Validates shapes (a bad block throws ValidationError naming the modality; the node
   * checks tokens before this), runs inside tf.tidy, reads back once, and returns the model-owned output.
   */
  step(input: FusionStepInput): FusionStepOutput {
    const c = this.config;
    if (input.cues.length !== this.cueDim) {
      throw new ValidationError('cue vector has the wrong length', { context: { field: 'cues', expected: String(this.cueDim), actual: String(input.cues.length) } });
    }
    const avail = this.availableScratch;
    const energy = this.energyScratch;
    for (let m = 0; m < MODALITIES.length; m++) {
      const block = input.tokens[m];
      const name = MODALITIES[m] as (typeof MODALITIES)[number];
      if (block !== undefined && block.count > 0) {
        if (block.count > c.maxTokens[name] || block.data.length < block.count * c.tokenDims[name]) {
          throw new ValidationError('token block does not fit the model', {
            context: { field: `tokens.${name}`, expected: `count ≤ ${c.maxTokens[name]}, dim ${c.tokenDims[name]}`, actual: `count ${block.count}, ${block.data.length} values` },
          });
        }
      }
      avail[m] = (input.available[m] ?? 0) > 0.5 ? 1 : 0;
      energy[m] = avail[m] === 1 && block !== undefined ? tokenRms(block.data, block.count * c.tokenDims[name]) : 0;
    }
    const packed = tf.tidy(() => {
      const projected: (tf.Tensor2D | null)[] = MODALITIES.map((m, i) => {
        const block = input.tokens[i];
        if (block === undefined || block.count === 0 || avail[i] === 0) return null;
        const x = tf.tensor2d(block.data.subarray(0, block.count * c.tokenDims[m]), [block.count, c.tokenDims[m]]);
        return this.dense(x, `proj.${m}`);
      });
      const summaries = projected.map((p) =>
        p === null ? tf.zeros([1, SUMMARY_DIM]) : tf.tanh(tf.matMul(tf.mean(p, 0, true), this.kernel('gate.summary.kernel'))),
      );
      const gateIn = tf.concat(
        [tf.tensor2d(input.cues, [1, this.cueDim]), tf.tensor2d(energy, [1, 4]), tf.tensor2d(avail, [1, 4]), ...summaries],
        1,
      ) as tf.Tensor2D;
      const hidden = tf.relu(this.dense(gateIn, 'gate.hidden'));
      const availT = tf.tensor2d(avail, [1, 4]);
      const rawLogits = this.dense(hidden, 'gate.logits');
      const noisy = input.gateNoise === undefined ? rawLogits : tf.add(rawLogits, tf.tensor2d(input.gateNoise, [1, 4]));
      const logits = tf.add(noisy, tf.mul(tf.sub(1, availT), MASK_NEG));
      const weights = (input.fixedWeights === true ? tf.div(availT, tf.maximum(tf.sum(availT), 1)) : tf.mul(tf.softmax(logits), availT)) as tf.Tensor2D;
      const peLogit = input.fixedWeights === true ? tf.fill([1, 1], 20) : this.dense(hidden, 'gate.point_encoder');

      const vision = projected[VISION] ?? null;
      const queries = vision ?? this.kernel('attn.query_default');
      const weightsFlat = weights.reshape([4]);
      let attended: tf.Tensor2D | null = null;
      for (let m = 1; m < MODALITIES.length; m++) {
        const keys = projected[m];
        if (keys === null || keys === undefined) continue;
        const keysT = tf.transpose(keys);
        const heads: tf.Tensor2D[] = [];
        for (let h = 0; h < c.heads; h++) {
          const q = tf.matMul(queries, this.kernel(`attn.h${h}.q`));
          const kT = tf.matMul(this.kernel(`attn.h${h}.kT`), keysT);
          const v = tf.matMul(keys, this.kernel(`attn.h${h}.v`));
          const attention = tf.softmax(tf.mul(tf.matMul(q, kT), 1 / Math.sqrt(this.headDim)));
          heads.push(tf.matMul(attention, v));
        }
        const contribution = tf.mul(tf.concat(heads, 1), tf.slice(weightsFlat, [m], [1])) as tf.Tensor2D;
        attended = attended === null ? contribution : (tf.add(attended, contribution) as tf.Tensor2D);
      }
      const attendedFull = attended ?? tf.zeros([queries.shape[0], c.modelDim]);
      const pooledAttention = tf.mean(this.dense(attendedFull as tf.Tensor2D, 'attn.out'), 0, true);
      const visualPool = vision === null ? tf.zeros([1, c.modelDim]) : tf.mul(tf.mean(vision, 0, true), tf.slice(weightsFlat, [VISION], [1]));
      const fused = tf.concat([visualPool, pooledAttention, weights, tf.tensor2d(input.cues, [1, this.cueDim])], 1) as tf.Tensor2D;
      const embedding = tf.tanh(this.dense(tf.relu(this.dense(fused, 'fuse.hidden')), 'fuse.out')) as tf.Tensor2D;
      const presence = tf.sigmoid(this.dense(embedding, 'aux.presence'));
      const distance = tf.mul(tf.sigmoid(this.dense(embedding, 'aux.distance')), AUX_MAX_DISTANCE_M);
      return tf.concat([weights, tf.sigmoid(peLogit), embedding, presence, distance], 1);
    });
    const values = packed.dataSync();
    packed.dispose();
    const out = this.output;
    out.weights.set(values.subarray(0, 4));
    out.pointEncoderProb = values[4] ?? 0;
    out.embedding.set(values.subarray(5, 5 + c.embeddingDim));
    out.obstaclePresence = values[5 + c.embeddingDim] ?? 0;
    out.obstacleDistanceM = values[6 + c.embeddingDim] ?? AUX_MAX_DISTANCE_M;
    return out;
  }

  /** Training forward over a padded batch (call inside tf.tidy / optimizer.minimize). */
  forwardBatch(batch: FusionBatchTensors): FusionBatchOutput {
    const c = this.config;
    const size = batch.available.shape[0];
    const projected = MODALITIES.map((m, i) => {
      const x = batch.tokens[i] as tf.Tensor3D;
      const n = x.shape[1];
      return tf.reshape(this.dense(tf.reshape(x, [size * n, c.tokenDims[m]]) as tf.Tensor2D, `proj.${m}`), [size, n, c.modelDim]) as tf.Tensor3D;
    });
    const masks = batch.tokenMask.map((mask, i) => tf.mul(mask, tf.slice(batch.available, [0, i], [size, 1])) as tf.Tensor2D);
    const hasTokens = masks.map((mask) => tf.cast(tf.greater(tf.sum(mask, 1, true), 0), 'float32') as tf.Tensor2D);
    const means = projected.map((p, i) => maskedMean(p, masks[i] as tf.Tensor2D));
    const summaries = means.map((mean) => tf.tanh(tf.matMul(mean, this.kernel('gate.summary.kernel'))));
    const gateIn = tf.concat([batch.cues, batch.energy, batch.available, ...summaries], 1) as tf.Tensor2D;
    const hidden = tf.relu(this.dense(gateIn, 'gate.hidden'));
    const gateLogits = this.dense(hidden, 'gate.logits');
    const noisy = batch.gateNoise === undefined ? gateLogits : tf.add(gateLogits, batch.gateNoise);
    const weights = tf.mul(tf.softmax(tf.add(noisy, tf.mul(tf.sub(1, batch.available), MASK_NEG))), batch.available) as tf.Tensor2D;
    const pointEncoderLogit = this.dense(hidden, 'gate.point_encoder');

    // Queries: visual tokens where there are any, else the learned default query in row 0.
    const visionMask = masks[VISION] as tf.Tensor2D;
    const visionHas = hasTokens[VISION] as tf.Tensor2D;
    const nv = c.maxTokens.vision;
    const defaultQuery = tf.reshape(this.kernel('attn.query_default'), [1, 1, c.modelDim]);
    const queries = tf.add(
      tf.mul(projected[VISION] as tf.Tensor3D, tf.reshape(visionHas, [size, 1, 1])),
      tf.mul(tf.pad(defaultQuery, [[0, 0], [0, nv - 1], [0, 0]]), tf.reshape(tf.sub(1, visionHas), [size, 1, 1])),
    ) as tf.Tensor3D;
    const firstRow = tf.pad(tf.ones([1, 1]), [[0, 0], [0, nv - 1]]);
    const queryMask = tf.add(visionMask, tf.mul(firstRow, tf.sub(1, visionHas))) as tf.Tensor2D;
    const queries2d = tf.reshape(queries, [size * nv, c.modelDim]) as tf.Tensor2D;
    let attended: tf.Tensor3D = tf.zeros([size, nv, c.modelDim]);
    for (let m = 1; m < MODALITIES.length; m++) {
      const keys = projected[m] as tf.Tensor3D;
      const n = keys.shape[1];
      const keys2d = tf.reshape(keys, [size * n, c.modelDim]) as tf.Tensor2D;
      const keyBias = tf.reshape(tf.mul(tf.sub(1, masks[m] as tf.Tensor2D), MASK_NEG), [size, 1, n]);
      const heads: tf.Tensor3D[] = [];
      for (let h = 0; h < c.heads; h++) {
        const q = tf.reshape(tf.matMul(queries2d, this.kernel(`attn.h${h}.q`)), [size, nv, this.headDim]) as tf.Tensor3D;
        const k = tf.reshape(tf.matMul(keys2d, tf.transpose(this.kernel(`attn.h${h}.kT`))), [size, n, this.headDim]) as tf.Tensor3D;
        const v = tf.reshape(tf.matMul(keys2d, this.kernel(`attn.h${h}.v`)), [size, n, this.headDim]) as tf.Tensor3D;
        const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(this.headDim)), keyBias);
        heads.push(tf.matMul(tf.softmax(scores), v));
      }
      const scale = tf.mul(tf.slice(weights, [0, m], [size, 1]), hasTokens[m] as tf.Tensor2D);
      attended = tf.add(attended, tf.mul(tf.concat(heads, 2), tf.reshape(scale, [size, 1, 1])));
    }
    const out = tf.reshape(this.dense(tf.reshape(attended, [size * nv, c.modelDim]) as tf.Tensor2D, 'attn.out'), [size, nv, c.modelDim]) as tf.Tensor3D;
    const pooledAttention = maskedMean(out, queryMask);
    const visualPool = tf.mul(means[VISION] as tf.Tensor2D, tf.mul(tf.slice(weights, [0, VISION], [size, 1]), visionHas));
    const fused = tf.concat([visualPool, pooledAttention, weights, batch.cues], 1) as tf.Tensor2D;
    const embedding = tf.tanh(this.dense(tf.relu(this.dense(fused, 'fuse.hidden')), 'fuse.out')) as tf.Tensor2D;
    return {
      gateLogits,
      weights,
      pointEncoderLogit,
      embedding,
      presenceLogit: this.dense(embedding, 'aux.presence'),
      distanceM: tf.mul(tf.sigmoid(this.dense(embedding, 'aux.distance')), AUX_MAX_DISTANCE_M) as tf.Tensor2D,
    };
  }

  /** Sum of squares of the gate's weight matrices (the L2 penalty of the loss). */
  gateL2(): tf.Scalar {
    return tf.addN(GATE_KERNELS.map((name) => tf.sum(tf.square(this.weights.get(name))))) as tf.Scalar;
  }

  dispose(): void {
    this.weights.dispose();
    this.lora?.dispose();
    this.lora = null;
  }

  private kernel(name: string): tf.Tensor2D {
    return this.weights.get(name) as tf.Variable<tf.Rank.R2>;
  }

  private dense(x: tf.Tensor2D, layer: string): tf.Tensor2D {
    const y = tf.add(tf.matMul(x, this.kernel(`${layer}.kernel`)), this.weights.get(`${layer}.bias`)) as tf.Tensor2D;
    const adapted = this.lora?.apply(layer, x) ?? null;
    return adapted === null ? y : tf.add(y, adapted);
  }
}

function maskedMean(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  const [b, n] = mask.shape;
  const summed = tf.sum(tf.mul(x, tf.reshape(mask, [b, n, 1])), 1);
  return tf.div(summed, tf.maximum(tf.sum(mask, 1, true), 1)) as tf.Tensor2D;
}

/** Root-mean-square of the first `length` values (0 for none). */
export function tokenRms(data: Float32Array, length: number): number {
  if (length <= 0) return 0;
  let s = 0;
  for (let i = 0; i < length; i++) {
    const v = data[i] ?? 0;
    s += v * v;
  }
  return Math.sqrt(s / length);
}
