import * as tf from '@tensorflow/tfjs';
import { dense2d, exportPointEncoderOnnx, gelu, glorotUniform, Module, perSampleRunner, pointEncoderOnnxIo, weightsFromTensors, type InferenceSession, type NodeModel } from '@sensorium/ml';

export interface PointEncoderConfig {
  /** Bearing sectors = output tokens. */
  groups: number;
  /** Points sampled per group (padded by repetition). */
  pointsPerGroup: number;
  hidden: number;
  tokenDim: number;
  seed: number;
}

export const DEFAULT_POINT_ENCODER: Readonly<PointEncoderConfig> = Object.freeze({ groups: 16, pointsPerGroup: 32, hidden: 64, tokenDim: 64, seed: 11 });

/** Per-point input features: x, y, z and the offset from the group centroid. */
const FEATURES = 6;

/**
 * PointNet-style LiDAR encoder: points grouped by bearing sector, a shared per-point MLP (6 → hidden →
 * hidden, GELU), max-pooled per group, projected to `tokenDim`: one token per sector. Grouping and
 * sampling happen in JS into a reused buffer; the network is MatMul/Add/Gelu/Reshape/ReduceMax (ONNX).
 * Costly next to the geometric pipeline, so the node runs it only while the gating network enables it.
 */
export class PointEncoder extends Module {
  readonly config: PointEncoderConfig;
  private readonly w1: tf.Variable<tf.Rank.R2>;
  private readonly b1: tf.Variable<tf.Rank.R1>;
  private readonly w2: tf.Variable<tf.Rank.R2>;
  private readonly b2: tf.Variable<tf.Rank.R1>;
  private readonly w3: tf.Variable<tf.Rank.R2>;
  private readonly b3: tf.Variable<tf.Rank.R1>;
  private readonly input: Float32Array;
  private counts = new Int32Array(0);
  private members = new Int32Array(0);

  constructor(config: Partial<PointEncoderConfig> = {}) {
    super();
    const c = { ...DEFAULT_POINT_ENCODER, ...config };
    this.config = c;
    this.w1 = this.weight('mlp/w1', glorotUniform([FEATURES, c.hidden], c.seed));
    this.b1 = this.weight('mlp/b1', tf.zeros([c.hidden]));
    this.w2 = this.weight('mlp/w2', glorotUniform([c.hidden, c.hidden], c.seed + 1));
    this.b2 = this.weight('mlp/b2', tf.zeros([c.hidden]));
    this.w3 = this.weight('proj/w', glorotUniform([c.hidden, c.tokenDim], c.seed + 2));
    this.b3 = this.weight('proj/b', tf.zeros([c.tokenDim]));
    this.input = new Float32Array(c.groups * c.pointsPerGroup * FEATURES);
  }

  /** features [groups·pointsPerGroup, 6] → tokens [groups, tokenDim]. */
  apply(features: tf.Tensor2D): tf.Tensor2D {
    const c = this.config;
    return tf.tidy(() => {
      const h = gelu(dense2d(gelu(dense2d(features, this.w1, this.b1)), this.w2, this.b2));
      const pooled = tf.max(tf.reshape(h, [c.groups, c.pointsPerGroup, c.hidden]), 1) as tf.Tensor2D;
      return dense2d(pooled, this.w3, this.b3);
    });
  }

  /** This encoder as a node's model for `openModelSession` (`features` in, `tokens` out). */
  nodeModel(): NodeModel {
    return {
      name: 'point_encoder',
      ...pointEncoderOnnxIo(this.config),
      exportOnnx: (options) => exportPointEncoderOnnx(weightsFromTensors(this.weights), this.config, options),
      tfjs: () => Promise.resolve(perSampleRunner('features', ['tokens'], (x) => [this.apply(x)])),
    };
  }

  /** Groups the points like `encode` and runs them through `session` (ONNX Runtime or tfjs); tokens as a new Float32Array. */
  encodeWith(session: InferenceSession, xyz: Float32Array, count: number, skip?: Uint8Array): Float32Array {
    this.group(xyz, count, skip);
    return session.runSync({ features: this.input }, { batch: 1 })['tokens']!;
  }

  /** Groups `count` points of `xyz` (those with skip[i] = 0) and encodes them; tokens as a new Float32Array. */
  encode(xyz: Float32Array, count: number, skip?: Uint8Array): Float32Array {
    this.group(xyz, count, skip);
    const c = this.config;
    const x = tf.tensor2d(this.input, [c.groups * c.pointsPerGroup, FEATURES]);
    const y = this.apply(x);
    const out = y.dataSync() as Float32Array;
    x.dispose();
    y.dispose();
    return out;
  }

  private group(xyz: Float32Array, count: number, skip?: Uint8Array): void {
    const { groups: G, pointsPerGroup: M } = this.config;
    if (this.members.length < count) this.members = new Int32Array(count);
    if (this.counts.length < G + 1) this.counts = new Int32Array(G + 1);
    const counts = this.counts;
    counts.fill(0);
    const sectorOf = (i: number): number => {
      const a = Math.atan2(xyz[i * 3 + 1]!, xyz[i * 3]!) + Math.PI / G; // sector 0 centred ahead
      const s = Math.floor(((a / (2 * Math.PI)) % 1 + 1) % 1 * G);
      return Math.min(G - 1, s);
    };
    for (let i = 0; i < count; i++) if (skip === undefined || skip[i] === 0) counts[sectorOf(i) + 1]!++;
    for (let g = 0; g < G; g++) counts[g + 1]! += counts[g]!;
    const cursor = this.members; // filled by counting sort below via a second pass
    const start = Int32Array.from(counts); // small (G+1), once per cloud
    for (let i = 0; i < count; i++) if (skip === undefined || skip[i] === 0) cursor[start[sectorOf(i)]!++] = i;
    const inp = this.input;
    inp.fill(0);
    for (let g = 0; g < G; g++) {
      const from = counts[g]!, n = counts[g + 1]! - from;
      if (n === 0) continue;
      let cx = 0, cy = 0, cz = 0;
      for (let k = 0; k < n; k++) {
        const i = cursor[from + k]! * 3;
        cx += xyz[i]!; cy += xyz[i + 1]!; cz += xyz[i + 2]!;
      }
      cx /= n; cy /= n; cz /= n;
      for (let m = 0; m < M; m++) {
        // even stride through the group; repeats points when it has fewer than M
        const i = cursor[from + Math.floor((m * n) / M)]! * 3;
        const o = (g * M + m) * FEATURES;
        inp[o] = xyz[i]!; inp[o + 1] = xyz[i + 1]!; inp[o + 2] = xyz[i + 2]!;
        inp[o + 3] = xyz[i]! - cx; inp[o + 4] = xyz[i + 1]! - cy; inp[o + 5] = xyz[i + 2]! - cz;
      }
    }
  }
}
