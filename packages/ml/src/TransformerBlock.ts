import * as tf from '@tensorflow/tfjs';
import { dense2d } from './dense2d.js';
import { gelu } from './gelu.js';
import { glorotUniform } from './initializers.js';
import { layerNorm } from './layerNorm.js';
import { Module } from './Module.js';
import { multiHeadAttention, type AttentionWeights } from './multiHeadAttention.js';
import { wasmKernels, type BlockWeights } from './wasmKernels.js';

export interface TransformerBlockOptions {
  /** Token width. */
  dim: number;
  heads: number;
  /** Hidden width of the MLP as a multiple of `dim`; default 4. */
  mlpRatio?: number;
  /** Seed for the initial weights. */
  seed: number;
}

/**
 * Pre-norm transformer encoder block (ViT): `x + Attn(LN(x))`, then `x + MLP(LN(x))` with GELU. Tokens are
 * a 2-D [n, dim] tensor (one sequence), so every matMul is plain 2-D. Weight names: `ln1/gamma`, `attn/wq`,
 * `mlp/w1`, … (see the constructor).
 */
export class TransformerBlock extends Module {
  readonly dim: number;
  readonly heads: number;
  private readonly ln1g: tf.Variable<tf.Rank.R1>;
  private readonly ln1b: tf.Variable<tf.Rank.R1>;
  private readonly ln2g: tf.Variable<tf.Rank.R1>;
  private readonly ln2b: tf.Variable<tf.Rank.R1>;
  private readonly attn: AttentionWeights;
  private readonly w1: tf.Variable<tf.Rank.R2>;
  private readonly b1: tf.Variable<tf.Rank.R1>;
  private readonly w2: tf.Variable<tf.Rank.R2>;
  private readonly b2: tf.Variable<tf.Rank.R1>;
  /** The same variables under the fused kernel's input names (no copies: assign/training stay visible). */
  private readonly fused: BlockWeights;

  constructor(options: TransformerBlockOptions) {
    super();
    const { dim, heads, seed } = options;
    const hidden = Math.round(dim * (options.mlpRatio ?? 4));
    this.dim = dim;
    this.heads = heads;
    this.ln1g = this.weight('ln1/gamma', tf.ones([dim]));
    this.ln1b = this.weight('ln1/beta', tf.zeros([dim]));
    this.attn = {
      wq: this.weight('attn/wq', glorotUniform([dim, dim], seed + 1)),
      bq: this.weight('attn/bq', tf.zeros([dim])),
      wk: this.weight('attn/wk', glorotUniform([dim, dim], seed + 2)),
      bk: this.weight('attn/bk', tf.zeros([dim])),
      wv: this.weight('attn/wv', glorotUniform([dim, dim], seed + 3)),
      bv: this.weight('attn/bv', tf.zeros([dim])),
      wo: this.weight('attn/wo', glorotUniform([dim, dim], seed + 4)),
      bo: this.weight('attn/bo', tf.zeros([dim])),
    };
    this.ln2g = this.weight('ln2/gamma', tf.ones([dim]));
    this.ln2b = this.weight('ln2/beta', tf.zeros([dim]));
    this.w1 = this.weight('mlp/w1', glorotUniform([dim, hidden], seed + 5));
    this.b1 = this.weight('mlp/b1', tf.zeros([hidden]));
    this.w2 = this.weight('mlp/w2', glorotUniform([hidden, dim], seed + 6));
    this.b2 = this.weight('mlp/b2', tf.zeros([dim]));
    const a = this.attn;
    this.fused = { ln1g: this.ln1g, ln1b: this.ln1b, wq: a.wq, bq: a.bq, wk: a.wk, bk: a.bk, wv: a.wv, bv: a.bv, wo: a.wo, bo: a.bo, ln2g: this.ln2g, ln2b: this.ln2b, w1: this.w1, b1: this.b1, w2: this.w2, b2: this.b2 };
  }

  /** [n, dim] → [n, dim]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    // Inference on tfjs-wasm: the same steps in one fused kernel (one dispatch instead of ~30).
    if (wasmKernels.available() && x.dtype === 'float32') return wasmKernels.transformerBlock(x, this.fused, { heads: this.heads, epsilon: 1e-6 });
    return tf.tidy(() => {
      const h = layerNorm(x, this.ln1g, this.ln1b);
      const x1 = tf.add(x, multiHeadAttention(h, h, this.attn, { heads: this.heads })) as tf.Tensor2D;
      const h2 = layerNorm(x1, this.ln2g, this.ln2b);
      const m = dense2d(gelu(dense2d(h2, this.w1, this.b1)), this.w2, this.b2);
      return tf.add(x1, m) as tf.Tensor2D;
    });
  }

  /** Multiply-accumulates ×2 of one forward pass over `n` tokens (for GFLOP/s figures). */
  flops(n: number): number {
    const d = this.dim;
    const hidden = this.w1.shape[1];
    return 2 * (4 * n * d * d + 2 * n * n * d + 2 * n * d * hidden);
  }
}
