import * as tf from '@tensorflow/tfjs';
import { dense2d, exportVitOnnx, gelu, glorotUniform, layerNorm, Module, perSampleRunner, TransformerBlock, truncatedNormal, VIT_OBSTACLE_HIDDEN, vitObstacleInputDim, vitObstacleRegion, vitOnnxIo, weightsFromTensors, type NodeModel, type VitOnnxConfig } from '@sensorium/ml';

/** The ViT's shape (shared with its ONNX exporter in @sensorium/ml) plus the seed of its initial weights. */
export interface VitConfig extends VitOnnxConfig {
  seed: number;
}

/** CPU default: 128² input, 8×8 patches of 16, 192-d, 4 blocks; 16 output tokens of 64 (≥ 10 Hz on one wasm core). */
export const VIT_SMALL: Readonly<VitConfig> = Object.freeze({ imageSize: 128, patchSize: 16, dim: 192, depth: 4, heads: 3, mlpRatio: 4, pool: 2, tokenDim: 64, seed: 1 });
/** The seed configuration (ViT-B/16 at 224²): constructible, ~35 GFLOP (17.6 G multiply-adds) per frame. */
export const VIT_SEED: Readonly<VitConfig> = Object.freeze({ imageSize: 224, patchSize: 16, dim: 768, depth: 12, heads: 12, mlpRatio: 4, pool: 2, tokenDim: 64, seed: 1 });

export interface VitOutput {
  /** [tokens, tokenDim] pooled, projected patch tokens. */
  tokens: tf.Tensor2D;
  /** Obstacle-ahead probability, shape [1]. */
  obstacleAhead: tf.Tensor1D;
}

/**
 * Vision transformer: patch embedding (a stride-P convolution, done as one 2-D matMul on patches laid out
 * by `imageToPatches`) + class token + learned positions → pre-norm blocks → final norm. Outputs the patch
 * tokens average-pooled on the grid and projected to `tokenDim` (a fixed pooling matrix: one more 2-D
 * matMul), and an obstacle-ahead score (`obstacleFeatures`, standardised → 64 → GELU → 1 → sigmoid) from the class token,
 * the patch tokens of the grid's centre and per-row colour statistics of the input. All standard ONNX ops:
 * MatMul, Add, Concat, LayerNormalization, Softmax, Gelu, Sigmoid, Gather, ReduceMean/Max, Sqrt.
 */
export class VitEncoder extends Module {
  readonly config: VitConfig;
  readonly patches: number;
  readonly outTokens: number;
  private readonly patchW: tf.Variable<tf.Rank.R2>;
  private readonly patchB: tf.Variable<tf.Rank.R1>;
  private readonly cls: tf.Variable<tf.Rank.R2>;
  private readonly pos: tf.Variable<tf.Rank.R2>;
  private readonly blocks: TransformerBlock[] = [];
  private readonly normG: tf.Variable<tf.Rank.R1>;
  private readonly normB: tf.Variable<tf.Rank.R1>;
  private readonly projW: tf.Variable<tf.Rank.R2>;
  private readonly projB: tf.Variable<tf.Rank.R1>;
  /** Standardisation of the head's inputs (set by training; identity when seeded). */
  private readonly headMean: tf.Variable<tf.Rank.R1>;
  private readonly headScale: tf.Variable<tf.Rank.R1>;
  private readonly headW1: tf.Variable<tf.Rank.R2>;
  private readonly headB1: tf.Variable<tf.Rank.R1>;
  private readonly headW2: tf.Variable<tf.Rank.R2>;
  private readonly headB2: tf.Variable<tf.Rank.R1>;
  /** Constant [outTokens, patches] averaging matrix (not a weight). */
  private readonly poolMatrix: tf.Tensor2D;
  /** Constant patch indices of the obstacle head's region (not a weight). */
  private readonly obstacleRegion: tf.Tensor1D;

  constructor(config: Partial<VitConfig> = {}) {
    super();
    const c = { ...VIT_SMALL, ...config };
    if (c.imageSize % c.patchSize !== 0) throw new RangeError(`imageSize ${c.imageSize} not a multiple of patchSize ${c.patchSize}`);
    const grid = c.imageSize / c.patchSize;
    if (grid % c.pool !== 0) throw new RangeError(`patch grid ${grid} not a multiple of pool ${c.pool}`);
    this.config = c;
    this.patches = grid * grid;
    const pg = grid / c.pool;
    this.outTokens = pg * pg;
    const pd = c.patchSize * c.patchSize * 3;
    this.patchW = this.weight('patch/w', glorotUniform([pd, c.dim], c.seed));
    this.patchB = this.weight('patch/b', tf.zeros([c.dim]));
    this.cls = this.weight('cls', truncatedNormal([1, c.dim], 0.02, c.seed + 1) as tf.Tensor2D);
    this.pos = this.weight('pos', truncatedNormal([this.patches + 1, c.dim], 0.02, c.seed + 2) as tf.Tensor2D);
    for (let i = 0; i < c.depth; i++) {
      this.blocks.push(this.child(`blocks/${i}`, new TransformerBlock({ dim: c.dim, heads: c.heads, mlpRatio: c.mlpRatio, seed: c.seed + 100 * (i + 1) })));
    }
    this.normG = this.weight('norm/gamma', tf.ones([c.dim]));
    this.normB = this.weight('norm/beta', tf.zeros([c.dim]));
    this.projW = this.weight('proj/w', glorotUniform([c.dim, c.tokenDim], c.seed + 3));
    this.projB = this.weight('proj/b', tf.zeros([c.tokenDim]));
    const headIn = vitObstacleInputDim(c);
    this.headMean = this.weight('obstacle/mean', tf.zeros([headIn]));
    this.headScale = this.weight('obstacle/scale', tf.ones([headIn]));
    this.headW1 = this.weight('obstacle/w1', glorotUniform([headIn, VIT_OBSTACLE_HIDDEN], c.seed + 4));
    this.headB1 = this.weight('obstacle/b1', tf.zeros([VIT_OBSTACLE_HIDDEN]));
    this.headW2 = this.weight('obstacle/w2', glorotUniform([VIT_OBSTACLE_HIDDEN, 1], c.seed + 5));
    this.headB2 = this.weight('obstacle/b2', tf.zeros([1]));
    const pool = new Float32Array(this.outTokens * this.patches);
    const share = 1 / (c.pool * c.pool);
    for (let p = 0; p < this.patches; p++) {
      const t = Math.floor(Math.floor(p / grid) / c.pool) * pg + Math.floor((p % grid) / c.pool);
      pool[t * this.patches + p] = share;
    }
    this.poolMatrix = tf.tensor2d(pool, [this.outTokens, this.patches]);
    this.obstacleRegion = tf.tensor1d(vitObstacleRegion(c), 'int32');
  }

  /** Patch embeddings [patches, dim] of a patch matrix [patches, P·P·3] (exposed for the conv-equivalence test). */
  embedPatches(patches: tf.Tensor2D): tf.Tensor2D {
    return dense2d(patches, this.patchW, this.patchB);
  }

  /** patches [patches, P·P·3] (from `imageToPatches`) → tokens and obstacle-ahead score. */
  apply(patches: tf.Tensor2D): VitOutput {
    return tf.tidy(() => {
      let x = tf.add(tf.concat([this.cls, this.embedPatches(patches)], 0), this.pos) as tf.Tensor2D;
      for (const block of this.blocks) x = block.apply(x);
      x = layerNorm(x, this.normG, this.normB);
      const clsOut = tf.slice(x, [0, 0], [1, this.config.dim]);
      const patchOut = tf.slice(x, [1, 0], [this.patches, this.config.dim]);
      const tokens = dense2d(tf.matMul(this.poolMatrix, patchOut), this.projW, this.projB);
      const standardised = tf.mul<tf.Tensor2D>(tf.sub(this.obstacleFeatures(patches, clsOut, patchOut), this.headMean), this.headScale);
      const logit = dense2d(gelu(dense2d(standardised, this.headW1, this.headB1)), this.headW2, this.headB2);
      return { tokens, obstacleAhead: tf.reshape(tf.sigmoid(logit), [1]) as tf.Tensor1D };
    });
  }

  /**
   * The obstacle head's input [1, vitObstacleInputDim]: the final-norm class token [1, dim] and patch tokens
   * [patches, dim] (mean and max over the grid's centre), and per patch and pixel row of the input `patches`
   * the mean and standard deviation of each channel (a faint pane shows as a tint from one row up).
   */
  obstacleFeatures(patches: tf.Tensor2D, clsOut: tf.Tensor2D, patchOut: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const P = this.config.patchSize;
      const region = tf.gather(patchOut, this.obstacleRegion);
      const rows = tf.reshape(patches, [this.patches, P, P, 3]);
      const rowMean = tf.mean(rows, 2);
      const rowStd = tf.sqrt(tf.relu(tf.sub(tf.mean(tf.square(rows), 2), tf.square(rowMean))));
      return tf.concat([clsOut, tf.mean(region, 0, true), tf.max(region, 0, true), tf.reshape(rowMean, [1, -1]), tf.reshape(rowStd, [1, -1])], 1) as tf.Tensor2D;
    });
  }

  /** Convenience for nodes: patch buffer in, plain arrays out, nothing left allocated in tfjs. */
  encode(patches: Float32Array): { tokens: Float32Array; obstacleAhead: number } {
    const pd = this.config.patchSize * this.config.patchSize * 3;
    const input = tf.tensor2d(patches.subarray(0, this.patches * pd), [this.patches, pd]);
    const out = this.apply(input);
    const tokens = out.tokens.dataSync() as Float32Array;
    const obstacleAhead = out.obstacleAhead.dataSync()[0]!;
    input.dispose();
    out.tokens.dispose();
    out.obstacleAhead.dispose();
    return { tokens, obstacleAhead };
  }

  /**
   * This encoder as a node's model for `openModelSession`: `patches` in, `tokens` and `obstacle_ahead`
   * out, exported to ONNX from its current weights, or run on tfjs through `apply`.
   */
  nodeModel(): NodeModel {
    return {
      name: 'camera_vit',
      ...vitOnnxIo(this.config),
      exportOnnx: (options) => exportVitOnnx(weightsFromTensors(this.weights), this.config, options),
      tfjs: () =>
        Promise.resolve(
          perSampleRunner('patches', ['tokens', 'obstacle_ahead'], (x) => {
            const o = this.apply(x);
            return [o.tokens, o.obstacleAhead];
          }),
        ),
    };
  }

  /** FLOPs (2 × multiply-adds) of one frame, for GFLOP/s figures. */
  flops(): number {
    const c = this.config;
    const n = this.patches + 1;
    const embed = 2 * this.patches * c.patchSize * c.patchSize * 3 * c.dim;
    const blocks = this.blocks.reduce((s, b) => s + b.flops(n), 0);
    const head = 4 * this.patches * c.patchSize * c.patchSize * 3 + 2 * vitObstacleInputDim(c) * (VIT_OBSTACLE_HIDDEN + 1) + 2 * VIT_OBSTACLE_HIDDEN;
    const out = 2 * this.outTokens * this.patches * c.dim + 2 * this.outTokens * c.dim * c.tokenDim + head;
    return embed + blocks + out;
  }

  override dispose(): void {
    super.dispose();
    if (!this.poolMatrix.isDisposed) this.poolMatrix.dispose();
    if (!this.obstacleRegion.isDisposed) this.obstacleRegion.dispose();
  }
}
