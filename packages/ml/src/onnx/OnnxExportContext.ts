import type * as tf from '@tensorflow/tfjs';
import { ModelFormatError } from '../ModelFormatError.js';
import { OnnxGraphBuilder } from './OnnxGraphBuilder.js';

/** A float32 weight outside tfjs (`NamedWeight` of @sensorium/fusion has this shape too). */
export interface WeightArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Weights by their model name (`blocks/0/attn/wq`, `policy.out.kernel`). */
export type WeightSource = ReadonlyMap<string, WeightArray>;

export interface OnnxExportOptions {
  /**
   * Weight MatMuls as per-output-channel symmetric int8 weights with dynamically quantized uint8
   * activations (DynamicQuantizeLinear → MatMulInteger → scale): what onnxruntime's `quantize_dynamic`
   * emits. Attention score products, norms and tiny heads stay float.
   */
  int8?: boolean;
  /** Kernels (by weight name) kept float32 under `int8`. */
  keepFloat?: (kernel: string) => boolean;
  /** Named in errors (the model file the weights came from). */
  file?: string;
}

/** Layers smaller than this (in × out, 64×64) stay float32 under `int8`: no speed to gain, and at 1024 the fusion → policy chain's action error was 1.4 % (over the 1 % budget). */
const INT8_MIN_WEIGHTS = 4096;

/**
 * One export in progress: the graph, the weights it draws from (each added as an initializer once, shape
 * checked), and the layer helpers shared by every model (dense, layer norm, GELU, multi-head attention),
 * written to compute exactly what the tfjs layers in this package compute.
 */
export class OnnxExportContext {
  readonly g: OnnxGraphBuilder;
  private readonly added = new Map<string, string>();

  constructor(
    graphName: string,
    private readonly weights: WeightSource,
    readonly options: OnnxExportOptions = {},
  ) {
    this.g = new OnnxGraphBuilder(graphName);
  }

  /** The weight's values, checked against `shape` (ModelFormatError naming file, weight and shapes). */
  value(name: string, shape: readonly number[]): Float32Array {
    const w = this.weights.get(name);
    const file = this.options.file;
    if (w === undefined) throw new ModelFormatError('weight missing for ONNX export', { context: { file, field: name, expected: `shape [${shape.join(', ')}]` } });
    const same = w.shape.length === shape.length && w.shape.every((d, i) => d === shape[i]);
    if (!same || w.data.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new ModelFormatError('weight has the wrong shape for ONNX export', {
        context: { file, field: name, expected: `[${shape.join(', ')}]`, actual: `[${w.shape.join(', ')}]` },
      });
    }
    return w.data;
  }

  /** The weight as an initializer (added once), optionally with another shape (same element count). */
  init(name: string, shape: readonly number[], storedShape: readonly number[] = shape): string {
    const key = `${name}@${storedShape.join('x')}`;
    const known = this.added.get(key);
    if (known !== undefined) return known;
    const reshaped = storedShape.length !== shape.length || storedShape.some((d, i) => d !== shape[i]);
    const id = this.g.weight(sanitize(name) + (reshaped ? `_${storedShape.join('x')}` : ''), storedShape, this.value(name, shape));
    this.added.set(key, id);
    return id;
  }

  /** `x · W + b` over the last axis; W [in, out]. Int8 path under `options.int8` for large enough layers. */
  dense(x: string, kernel: string, bias: string | undefined, inDim: number, outDim: number): string {
    let y: string;
    if (this.options.int8 === true && inDim * outDim >= INT8_MIN_WEIGHTS && this.options.keepFloat?.(kernel) !== true) {
      const { q, scale } = quantizePerColumn(this.value(kernel, [inDim, outDim]), inDim, outDim);
      const wq = this.g.int8(`${sanitize(kernel)}_int8`, [inDim, outDim], q);
      const ws = this.g.weight(`${sanitize(kernel)}_scale`, [outDim], scale);
      const [xq, xs, xzp] = this.g.opN('DynamicQuantizeLinear', [x], 3);
      const acc = this.g.op('MatMulInteger', [xq!, wq, xzp!]);
      y = this.g.op('Mul', [this.g.op('Cast', [acc], { to: 1 }), this.g.op('Mul', [xs!, ws])]);
    } else {
      y = this.g.op('MatMul', [x, this.init(kernel, [inDim, outDim])]);
    }
    return bias === undefined ? y : this.g.op('Add', [y, this.init(bias, [outDim])]);
  }

  /** LayerNormalization over the last axis (opset 17), as `layerNorm` in this package (ε 1e-6). */
  layerNorm(x: string, gamma: string, beta: string, dim: number, epsilon = 1e-6): string {
    return this.g.op('LayerNormalization', [x, this.init(gamma, [dim]), this.init(beta, [dim])], { axis: -1, epsilon: { float: epsilon } });
  }

  /** GELU (tanh approximation) in the same sigmoid form as `gelu` in this package. */
  gelu(x: string): string {
    const c = 2 * Math.sqrt(2 / Math.PI);
    const g = this.g;
    const inner = g.op('Mul', [x, g.op('Add', [g.op('Mul', [g.op('Mul', [x, x]), g.scalar(0.044715 * c)]), g.scalar(c)])]);
    return g.op('Mul', [x, g.op('Sigmoid', [inner])]);
  }

  /**
   * Multi-head self-attention of `x` [B, N, dim] with the weights `prefix/wq` … `prefix/bo` (as
   * `multiHeadAttention`): heads split by Reshape/Transpose, batched MatMul, Softmax over keys.
   */
  selfAttention(x: string, prefix: string, dim: number, heads: number): string {
    const g = this.g;
    const dh = dim / heads;
    const split = g.int64([0, 0, heads, dh], 'heads_shape');
    const proj = (w: string, perm: number[]): string => g.op('Transpose', [g.op('Reshape', [this.dense(x, `${prefix}/w${w}`, `${prefix}/b${w}`, dim, dim), split])], { perm });
    const q = g.op('Mul', [proj('q', [0, 2, 1, 3]), g.scalar(1 / Math.sqrt(dh))]);
    const kT = proj('k', [0, 2, 3, 1]);
    const v = proj('v', [0, 2, 1, 3]);
    const attn = g.op('Softmax', [g.op('MatMul', [q, kT])], { axis: -1 });
    const merged = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [attn, v])], { perm: [0, 2, 1, 3] }), g.int64([0, 0, dim], 'merge_shape')]);
    return this.dense(merged, `${prefix}/wo`, `${prefix}/bo`, dim, dim);
  }

  /** Pre-norm transformer block as `TransformerBlock.apply`, weights under `prefix/`. */
  transformerBlock(x: string, prefix: string, dim: number, heads: number, hidden: number): string {
    const g = this.g;
    const x1 = g.op('Add', [x, this.selfAttention(this.layerNorm(x, `${prefix}/ln1/gamma`, `${prefix}/ln1/beta`, dim), `${prefix}/attn`, dim, heads)]);
    const h = this.layerNorm(x1, `${prefix}/ln2/gamma`, `${prefix}/ln2/beta`, dim);
    const m = this.dense(this.gelu(this.dense(h, `${prefix}/mlp/w1`, `${prefix}/mlp/b1`, dim, hidden)), `${prefix}/mlp/w2`, `${prefix}/mlp/b2`, hidden, dim);
    return g.op('Add', [x1, m]);
  }
}

/** Symmetric per-output-column int8: scale_j = max|W[:, j]| / 127. */
export function quantizePerColumn(w: Float32Array, rows: number, cols: number): { q: Int8Array; scale: Float32Array } {
  const scale = new Float32Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) scale[j] = Math.max(scale[j]!, Math.abs(w[i * cols + j]!));
  for (let j = 0; j < cols; j++) scale[j] = scale[j]! > 0 ? scale[j]! / 127 : 1;
  const q = new Int8Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) q[i * cols + j] = Math.max(-127, Math.min(127, Math.round(w[i * cols + j]! / scale[j]!)));
  return { q, scale };
}

/** Weights of a tfjs `Module` (or any name → tensor map) as plain arrays for export. */
export function weightsFromTensors(weights: ReadonlyMap<string, tf.Tensor>): Map<string, WeightArray> {
  const out = new Map<string, WeightArray>();
  for (const [name, t] of weights) out.set(name, { shape: [...t.shape], data: Float32Array.from(t.dataSync() as ArrayLike<number>) });
  return out;
}

/** `blocks/0/attn/wq` → `blocks_0_attn_wq` (ONNX names may hold anything, but tools display these better). */
function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}
