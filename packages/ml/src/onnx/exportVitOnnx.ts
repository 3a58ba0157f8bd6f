import type { TensorSpec } from '../inference/InferenceSession.js';
import { OnnxExportContext, type OnnxExportOptions, type WeightSource } from './OnnxExportContext.js';

/** The ViT hyper-parameters the graph needs (`VitConfig` of @sensorium/perception extends it with its seed). */
export interface VitOnnxConfig {
  imageSize: number;
  patchSize: number;
  /** Transformer width. */
  dim: number;
  depth: number;
  heads: number;
  mlpRatio: number;
  /** Patch tokens are average-pooled `pool × pool` on the patch grid before the output projection. */
  pool: number;
  /** Width of published tokens (the fusion model's vision token width). */
  tokenDim: number;
}

/** Hidden width of the ViT's obstacle-ahead head. */
export const VIT_OBSTACLE_HIDDEN = 64;

/**
 * Patch indices (row-major over the grid) of the central half of the patch grid, the part of the image where
 * an obstacle ahead of the robot shows: its foot meets the floor a little below the horizon, inside the cone.
 */
export function vitObstacleRegion(config: VitOnnxConfig): number[] {
  const grid = config.imageSize / config.patchSize;
  const lo = Math.floor(grid / 4);
  const hi = Math.max(lo + 1, grid - lo);
  const out: number[] = [];
  for (let r = lo; r < hi; r++) for (let c = lo; c < hi; c++) out.push(r * grid + c);
  return out;
}

/**
 * Input width of the obstacle head: [class token, mean and max of the patch tokens over `vitObstacleRegion`
 * (dim each), per patch and pixel row the mean and standard deviation of each input channel over the row
 * (patches · P · 3 each)]. The row statistics carry what the fixed, untrained ViT blurs away: a glass pane is
 * a faint tint of what is behind it, starting at the row where its foot meets the floor.
 */
export function vitObstacleInputDim(config: VitOnnxConfig): number {
  const grid = config.imageSize / config.patchSize;
  return 3 * config.dim + 2 * grid * grid * config.patchSize * 3;
}

/**
 * Kernels `exportVitOnnx` keeps float under int8 by default: the output projection and the obstacle head's
 * output layer. The head's first layer (inputs standardised in float first) is the head's bulk and is int8.
 */
export const VIT_INT8_KEEP_FLOAT = (kernel: string): boolean => kernel === 'proj/w' || kernel === 'obstacle/w2';

/** The graph's I/O contract (what `createInferenceSession` checks the file against). */
export function vitOnnxIo(config: VitOnnxConfig): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  const grid = config.imageSize / config.patchSize;
  const pg = grid / config.pool;
  return {
    inputs: [{ name: 'patches', shape: ['batch', grid * grid, config.patchSize * config.patchSize * 3] }],
    outputs: [
      { name: 'tokens', shape: ['batch', pg * pg, config.tokenDim] },
      { name: 'obstacle_ahead', shape: ['batch', 1] },
    ],
  };
}

/**
 * Camera ViT (`VitEncoder` of @sensorium/perception) as ONNX, from its weights by name.
 *
 * - input `patches` [batch, patches, P·P·3]: `imageToPatches` layout (normalised RGB, patch-major);
 * - output `tokens` [batch, outTokens, tokenDim]: pooled, projected patch tokens;
 * - output `obstacle_ahead` [batch, 1]: obstacle-ahead probability (see `vitObstacleInputDim` for its inputs).
 */
export function exportVitOnnx(weights: WeightSource, config: VitOnnxConfig, options: OnnxExportOptions = {}): Uint8Array {
  const c = config;
  const grid = c.imageSize / c.patchSize;
  const patches = grid * grid;
  const pg = grid / c.pool;
  const outTokens = pg * pg;
  const pd = c.patchSize * c.patchSize * 3;
  const hidden = Math.round(c.dim * c.mlpRatio);
  // Under int8 the output projection and the obstacle head's output layer stay float unless the caller says
  // otherwise: they add their rounding straight onto the published tokens and score, and cost ~1 % of the FLOPs
  // (default ViT, seeded inputs: token drift 1.44 → 1.03 % of max |token|, no slower).
  const x = new OnnxExportContext('sensorium_vit', weights, { ...options, keepFloat: options.keepFloat ?? VIT_INT8_KEEP_FLOAT });
  const g = x.g;
  const input = g.input('patches', ['batch', patches, pd], `image patches, imageToPatches layout (${grid}×${grid} patches of ${c.patchSize}² RGB, ImageNet-normalised)`);
  const embedded = x.dense(input, 'patch/w', 'patch/b', pd, c.dim);
  // class token broadcast to the batch: Expand to [batch, 1, dim]
  const batch = g.op('Slice', [g.op('Shape', [input]), g.int64([0]), g.int64([1])]);
  const clsShape = g.op('Concat', [batch, g.int64([1, c.dim])], { axis: 0 });
  const cls = g.op('Expand', [x.init('cls', [1, c.dim], [1, 1, c.dim]), clsShape]);
  let h = g.op('Add', [g.op('Concat', [cls, embedded], { axis: 1 }), x.init('pos', [patches + 1, c.dim])]);
  for (let i = 0; i < c.depth; i++) h = x.transformerBlock(h, `blocks/${i}`, c.dim, c.heads, hidden);
  h = x.layerNorm(h, 'norm/gamma', 'norm/beta', c.dim);
  const axis1 = g.int64([1]);
  const clsOut = g.op('Slice', [h, g.int64([0]), g.int64([1]), axis1]);
  const patchOut = g.op('Slice', [h, g.int64([1]), g.int64([patches + 1]), axis1]);
  const pool = new Float32Array(outTokens * patches);
  for (let p = 0; p < patches; p++) {
    const t = Math.floor(Math.floor(p / grid) / c.pool) * pg + Math.floor((p % grid) / c.pool);
    pool[t * patches + p] = 1 / (c.pool * c.pool);
  }
  const pooled = g.op('MatMul', [g.weight('pool_matrix', [outTokens, patches], pool), patchOut]);
  const tokens = x.dense(pooled, 'proj/w', 'proj/b', c.dim, c.tokenDim);
  // Obstacle head (as VitEncoder.obstacleFeatures): class token, region mean/max, per-row colour statistics.
  const flat = g.int64([0, -1], 'flatten_shape');
  const region = g.op('Gather', [patchOut, g.int64(vitObstacleRegion(c), 'obstacle_region')], { axis: 1 });
  const rows = g.op('Reshape', [input, g.int64([0, patches, c.patchSize, c.patchSize, 3], 'patch_pixels_shape')]);
  const rowMean = g.op('ReduceMean', [rows], { axes: [3], keepdims: 0 });
  const rowMeanSq = g.op('ReduceMean', [g.op('Mul', [rows, rows])], { axes: [3], keepdims: 0 });
  const rowStd = g.op('Sqrt', [g.op('Relu', [g.op('Sub', [rowMeanSq, g.op('Mul', [rowMean, rowMean])])])]);
  const features = g.op(
    'Concat',
    [
      g.op('Reshape', [clsOut, flat]),
      g.op('ReduceMean', [region], { axes: [1], keepdims: 0 }),
      g.op('ReduceMax', [region], { axes: [1], keepdims: 0 }),
      g.op('Reshape', [rowMean, flat]),
      g.op('Reshape', [rowStd, flat]),
    ],
    { axis: 1 },
  );
  const inDim = vitObstacleInputDim(c);
  // standardised first (float), so an int8 first layer quantizes inputs of one scale, not tokens next to tiny stds
  const standardised = g.op('Mul', [g.op('Sub', [features, x.init('obstacle/mean', [inDim])]), x.init('obstacle/scale', [inDim])]);
  const hidden1 = VIT_OBSTACLE_HIDDEN;
  const logit = x.dense(x.gelu(x.dense(standardised, 'obstacle/w1', 'obstacle/b1', inDim, hidden1)), 'obstacle/w2', 'obstacle/b2', hidden1, 1);
  const score = g.op('Sigmoid', [logit]);
  g.output(tokens, 'tokens', ['batch', outTokens, c.tokenDim], `${outTokens} pooled patch tokens of ${c.tokenDim}`);
  g.output(score, 'obstacle_ahead', ['batch', 1], 'P(obstacle ahead) from the class token, central patch tokens and row colour statistics');
  return g.toBytes({ doc: 'Sensorium camera ViT encoder', metadata: { kind: 'sensorium.vit', config: JSON.stringify(config), int8: String(options.int8 === true) } });
}
