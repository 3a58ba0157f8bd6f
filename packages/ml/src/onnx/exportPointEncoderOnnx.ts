import type { TensorSpec } from '../inference/InferenceSession.js';
import { OnnxExportContext, type OnnxExportOptions, type WeightSource } from './OnnxExportContext.js';

/** Structurally `PointEncoderConfig` of @sensorium/perception. */
export interface PointEncoderOnnxConfig {
  groups: number;
  pointsPerGroup: number;
  hidden: number;
  tokenDim: number;
}

/** The graph's I/O contract. */
export function pointEncoderOnnxIo(config: PointEncoderOnnxConfig): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  return {
    inputs: [{ name: 'features', shape: ['batch', config.groups * config.pointsPerGroup, 6] }],
    outputs: [{ name: 'tokens', shape: ['batch', config.groups, config.tokenDim] }],
  };
}

/**
 * LiDAR point encoder (`PointEncoder`) as ONNX:
 * - input `features` [batch, groups·pointsPerGroup, 6]: x, y, z and offset from the group centroid, grouped by sector;
 * - output `tokens` [batch, groups, tokenDim]: one token per bearing sector (shared MLP, max-pool, projection).
 */
export function exportPointEncoderOnnx(weights: WeightSource, config: PointEncoderOnnxConfig, options: OnnxExportOptions = {}): Uint8Array {
  const c = config;
  const x = new OnnxExportContext('sensorium_point_encoder', weights, options);
  const g = x.g;
  const input = g.input('features', ['batch', c.groups * c.pointsPerGroup, 6], 'per-point features [x, y, z, dx, dy, dz], sector-grouped, m');
  const h = x.gelu(x.dense(x.gelu(x.dense(input, 'mlp/w1', 'mlp/b1', 6, c.hidden)), 'mlp/w2', 'mlp/b2', c.hidden, c.hidden));
  const grouped = g.op('Reshape', [h, g.int64([0, c.groups, c.pointsPerGroup, c.hidden])]);
  const pooled = g.op('ReduceMax', [grouped], { axes: [2], keepdims: 0 });
  g.output(x.dense(pooled, 'proj/w', 'proj/b', c.hidden, c.tokenDim), 'tokens', ['batch', c.groups, c.tokenDim], `${c.groups} sector tokens of ${c.tokenDim}`);
  return g.toBytes({ doc: 'Sensorium LiDAR point encoder', metadata: { kind: 'sensorium.point_encoder', config: JSON.stringify(config), int8: String(options.int8 === true) } });
}
