import * as tf from '@tensorflow/tfjs';
import type { DataType, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { recordingGradients } from './recordingGradients.js';
import { WASM_SIMD_BINARY } from './wasmSimdBinary.js';

/*
 * Composite kernels for the tfjs-wasm backend, used by the layers at inference time. At ViT-Small sizes
 * (65 tokens) the cost there is not the arithmetic but what surrounds it: every op is an engine dispatch,
 * every scalar operand an upload, and a wasm `Slice`/`SplitV` copies its whole input out of the heap once
 * per output (a head split of a [65, 192] tensor copied it 3 times and fed the GC). These kernels do the
 * same arithmetic in one dispatch each: matMul and bias through the backend's own `_FusedMatMul`
 * (XNNPACK, one kernel instead of MatMul + Add); the GELU chain through the backend's own elementwise
 * kernels; layer norm and the head split as SIMD loops (wasmSimd.wat) that run in place on the backend's
 * heap, with plain-JS fallbacks for widths that are not multiples of 4; and a whole transformer block. None has a gradient: callers use them only when
 * `wasmKernels.available()` (wasm is the active backend and no gradient tape is recording).
 */

/** The members of tfjs-backend-wasm's `BackendWasm` these kernels use. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  /** The Emscripten module; `asm.memory` is its exported heap. */
  wasm?: { asm?: { memory?: unknown } };
}

/** wasmSimd.wat's exports: pointers are byte offsets into the tfjs-wasm heap, lengths element counts. */
interface SimdLoops {
  layer_norm(x: number, y: number, g: number, b: number, rows: number, d: number, eps: number): void;
  gelu_inner(x: number, z: number, n: number, a: number, c: number): void;
  multiply(a: number, b: number, y: number, n: number): void;
  matmul(a: number, b: number, c: number, m: number, k: number, n: number): void;
  copy_block(src: number, srcStride: number, rows: number, cols: number, dst: number, dstStride: number, scale: number): void;
  transpose_block(src: number, srcStride: number, rows: number, cols: number, dst: number): void;
}

/** The WebAssembly API (a Node global; this package's TS lib has no DOM types to declare it). */
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WASM = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let simd: { memory: object; loops: SimdLoops | null } | undefined;

/** The SIMD loops instantiated on this backend's heap (once per heap), or null where that cannot be done. */
function simdLoops(be: WasmBackend): SimdLoops | null {
  const memory = be.wasm?.asm?.memory;
  if (!(memory instanceof WASM.Memory)) return null;
  if (simd !== undefined && simd.memory === memory) return simd.loops;
  let loops: SimdLoops | null = null;
  try {
    const bytes = Uint8Array.from(atob(WASM_SIMD_BINARY), (ch) => ch.charCodeAt(0));
    loops = new WASM.Instance(new WASM.Module(bytes), { env: { memory } }).exports as unknown as SimdLoops;
  } catch {
    loops = null; // no wasm SIMD here: each kernel has a fallback doing the same work
  }
  simd = { memory, loops };
  return loops;
}

/** Byte offset of a tensor's data in the wasm heap. */
function heapOffset(be: WasmBackend, t: TensorInfo): number {
  const data = be.dataIdMap.get(t.dataId);
  if (data === undefined) throw new Error('tensor data is not on the tfjs-wasm backend');
  return data.memoryOffset;
}

const BACKEND = 'wasm';
const DENSE = 'SensoriumDense';
const LAYER_NORM = 'SensoriumLayerNorm';
const GELU = 'SensoriumGelu';
const SPLIT_HEADS = 'SensoriumSplitHeads';
const TRANSFORMER_BLOCK = 'SensoriumTransformerBlock';

const TWO_SQRT_2_OVER_PI = 2 * Math.sqrt(2 / Math.PI);

/** A backend kernel looked up once (after the wasm backend has registered it). */
function backendKernel(name: string): KernelFunc {
  const kernel = tf.getKernel(name, BACKEND);
  if (kernel === undefined) throw new Error(`tfjs-wasm kernel ${name} is not registered`);
  return kernel.kernelFunc;
}

let fusedMatMul: KernelFunc | undefined;
let square: KernelFunc | undefined;
let multiply: KernelFunc | undefined;
let add: KernelFunc | undefined;
let sigmoid: KernelFunc | undefined;
let batchMatMul: KernelFunc | undefined;
let softmax: KernelFunc | undefined;

const FUSED_ATTRS: NamedAttrMap = { transposeA: false, transposeB: false, activation: 'linear', leakyreluAlpha: 0 };

/** x [n, k] · w [k, m] (+ b [m]): the backend's `_FusedMatMul` on rank-3 views (no copies, one XNNPACK call). */
const denseKernel: KernelFunc = ({ inputs, backend }) => {
  const { x, w, b } = inputs as { x: TensorInfo; w: TensorInfo; b?: TensorInfo };
  fusedMatMul ??= backendKernel('_FusedMatMul');
  const n = x.shape[0]!;
  const k = x.shape[1]!;
  const m = w.shape[1]!;
  const out = fusedMatMul({
    inputs: { a: { dataId: x.dataId, shape: [1, n, k], dtype: x.dtype }, b: { dataId: w.dataId, shape: [1, k, m], dtype: w.dtype }, ...(b === undefined ? {} : { bias: b }) },
    backend,
    attrs: FUSED_ATTRS,
  }) as TensorInfo;
  return { dataId: out.dataId, shape: [n, m], dtype: out.dtype };
};

/**
 * Layer norm over the last axis. SIMD: two float32 passes like the op chain. JS fallback: mean and
 * variance in one pass of double-precision sums (with float32 inputs, E[x²] − E[x]² in doubles loses
 * nothing a float32 result can show unless |mean|/std > ~1e4).
 */
const layerNormKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as WasmBackend;
  const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  const epsilon = (attrs as { epsilon: number }).epsilon;
  const out = be.makeOutput([...x.shape], 'float32');
  const d = x.shape[x.shape.length - 1]!;
  const size = x.shape.reduce((a, b) => a * b, 1);
  const loops = simdLoops(be);
  if (loops !== null && d % 4 === 0 && size > 0) {
    loops.layer_norm(heapOffset(be, x), heapOffset(be, out), heapOffset(be, gamma), heapOffset(be, beta), size / d, d, epsilon);
    return out;
  }
  const xs = be.typedArrayFromHeap(x);
  const ys = be.typedArrayFromHeap(out);
  const g = be.typedArrayFromHeap(gamma);
  const bt = be.typedArrayFromHeap(beta);
  for (let row = 0; row < xs.length; row += d) {
    let sum = 0;
    let sq = 0;
    for (let i = row, end = row + d; i < end; i++) {
      const v = xs[i]!;
      sum += v;
      sq += v * v;
    }
    const mean = sum / d;
    const inv = 1 / Math.sqrt(Math.max(sq / d - mean * mean, 0) + epsilon);
    for (let i = 0; i < d; i++) ys[row + i] = (xs[row + i]! - mean) * inv * g[i]! + bt[i]!;
  }
  return out;
};

/** A float32 scalar on the wasm heap (freed by the caller), so constants never become engine tensors. */
function heapScalar(be: WasmBackend, value: number): TensorInfo {
  const s = be.makeOutput([], 'float32');
  be.typedArrayFromHeap(s)[0] = value;
  return s;
}

/**
 * `gelu` exactly as its op chain, bit-identical, in one dispatch: the inner term x·(x²·a + c) and the final
 * product as SIMD loops doing the chain's float operations in its order (one pass each instead of four
 * kernels and two uploaded scalars), the sigmoid by the backend's (XNNPACK) kernel. A SIMD polynomial exp
 * measured slower than that sigmoid. Sizes not a multiple of 4 run the chain's own kernels.
 */
const geluKernel: KernelFunc = ({ inputs, backend }) => {
  const be = backend as WasmBackend;
  const { x } = inputs as { x: TensorInfo };
  sigmoid ??= backendKernel('Sigmoid');
  const size = x.shape.reduce((p, q) => p * q, 1);
  const loops = simdLoops(be);
  if (loops !== null && size % 4 === 0 && size > 0) {
    const inner = be.makeOutput([...x.shape], 'float32');
    loops.gelu_inner(heapOffset(be, x), heapOffset(be, inner), size, 0.044715 * TWO_SQRT_2_OVER_PI, TWO_SQRT_2_OVER_PI);
    const s = sigmoid({ inputs: { x: inner }, backend, attrs: {} }) as TensorInfo;
    be.disposeData(inner.dataId);
    loops.multiply(heapOffset(be, x), heapOffset(be, s), heapOffset(be, s), size);
    return s;
  }
  square ??= backendKernel('Square');
  multiply ??= backendKernel('Multiply');
  add ??= backendKernel('Add');
  sigmoid ??= backendKernel('Sigmoid');
  const a = heapScalar(be, 0.044715 * TWO_SQRT_2_OVER_PI);
  const c = heapScalar(be, TWO_SQRT_2_OVER_PI);
  const run = (f: KernelFunc, ins: Record<string, TensorInfo>): TensorInfo => f({ inputs: ins, backend, attrs: {} }) as TensorInfo;
  const free = (...ts: TensorInfo[]): void => ts.forEach((t) => be.disposeData(t.dataId));
  const x2 = run(square, { x });
  const ax2 = run(multiply, { a: x2, b: a });
  const poly = run(add, { a: ax2, b: c });
  const inner = run(multiply, { a: x, b: poly });
  const s = run(sigmoid, { x: inner });
  const out = run(multiply, { a: x, b: s });
  free(a, c, x2, ax2, poly, inner, s);
  return out;
};

/**
 * Per-head operands of attention from projected q [nq, ≥d], k and v [nk, ≥d] (columns from `qOffset`
 * etc., so one fused [n, 3d] tensor works too): outputs q_h·scale [nq, dh] for each head, then Kᵀ_h
 * [dh, nk], then v_h [nk, dh]. The scale is applied as float32 × float32 rounded once, like `tf.mul`.
 */
const splitHeadsKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as WasmBackend;
  const { q, k, v } = inputs as { q: TensorInfo; k: TensorInfo; v: TensorInfo };
  const { heads, dim, scale, qOffset, kOffset, vOffset } = attrs as { heads: number; dim: number; scale: number; qOffset: number; kOffset: number; vOffset: number };
  const dh = dim / heads;
  const s = Math.fround(scale);
  const outs: TensorInfo[] = [];
  const loops = simdLoops(be);
  if (loops !== null && dh % 4 === 0) {
    const [nq, qStride] = q.shape as [number, number];
    const [nk, kStride] = k.shape as [number, number];
    const vStride = v.shape[1]!;
    const qAt = heapOffset(be, q);
    for (let h = 0; h < heads; h++) {
      const o = be.makeOutput([nq, dh], 'float32');
      loops.copy_block(qAt + 4 * (qOffset + h * dh), qStride, nq, dh, heapOffset(be, o), dh, s);
      outs.push(o);
    }
    const kAt = heapOffset(be, k);
    for (let h = 0; h < heads; h++) {
      const o = be.makeOutput([dh, nk], 'float32');
      loops.transpose_block(kAt + 4 * (kOffset + h * dh), kStride, nk, dh, heapOffset(be, o));
      outs.push(o);
    }
    const vAt = heapOffset(be, v);
    for (let h = 0; h < heads; h++) {
      const o = be.makeOutput([nk, dh], 'float32');
      loops.copy_block(vAt + 4 * (vOffset + h * dh), vStride, nk, dh, heapOffset(be, o), dh, 1);
      outs.push(o);
    }
    return outs;
  }
  const qs = be.typedArrayFromHeap(q);
  const nq = q.shape[0]!;
  const qStride = q.shape[1]!;
  for (let h = 0; h < heads; h++) {
    const o = be.makeOutput([nq, dh], 'float32');
    const ov = be.typedArrayFromHeap(o);
    for (let r = 0; r < nq; r++) {
      const src = r * qStride + qOffset + h * dh;
      const dst = r * dh;
      for (let j = 0; j < dh; j++) ov[dst + j] = qs[src + j]! * s;
    }
    outs.push(o);
  }
  const ks = be.typedArrayFromHeap(k);
  const nk = k.shape[0]!;
  const kStride = k.shape[1]!;
  for (let h = 0; h < heads; h++) {
    const o = be.makeOutput([dh, nk], 'float32');
    const ov = be.typedArrayFromHeap(o);
    for (let r = 0; r < nk; r++) {
      const src = r * kStride + kOffset + h * dh;
      for (let j = 0; j < dh; j++) ov[j * nk + r] = ks[src + j]!;
    }
    outs.push(o);
  }
  const vs = be.typedArrayFromHeap(v);
  const vStride = v.shape[1]!;
  for (let h = 0; h < heads; h++) {
    const o = be.makeOutput([nk, dh], 'float32');
    const ov = be.typedArrayFromHeap(o);
    for (let r = 0; r < nk; r++) {
      const src = r * vStride + vOffset + h * dh;
      ov.set(vs.subarray(src, src + dh), r * dh);
    }
    outs.push(o);
  }
  return outs;
};

/** The weights of one pre-norm transformer block, by the names `TransformerBlock` gives them. */
type BlockWeightName = 'ln1g' | 'ln1b' | 'wq' | 'bq' | 'wk' | 'bk' | 'wv' | 'bv' | 'wo' | 'bo' | 'ln2g' | 'ln2b' | 'w1' | 'b1' | 'w2' | 'b2';
export type BlockWeights = Record<BlockWeightName, tf.Tensor>;

/**
 * A whole pre-norm block, `x1 = x + Attn(LN1(x))`, `out = x1 + W2·GELU(W1·LN2(x1))`, as the layers compute
 * it (same kernels, same order) but in one engine dispatch: the ~30 per-op dispatches, tensor
 * bookkeeping and tidy scopes of a block cost about as much as its attention arithmetic at 65 tokens.
 * Intermediates live only on the wasm heap and are freed here.
 */
const transformerBlockKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const be = backend as WasmBackend;
  const w = inputs as unknown as Record<BlockWeightName, TensorInfo> & { x: TensorInfo };
  const { heads, epsilon } = attrs as { heads: number; epsilon: number };
  batchMatMul ??= backendKernel('BatchMatMul');
  softmax ??= backendKernel('Softmax');
  add ??= backendKernel('Add');
  const temps: TensorInfo[] = [];
  const keep = <T extends TensorInfo>(t: T): T => {
    temps.push(t);
    return t;
  };
  const run = (f: KernelFunc, ins: Record<string, TensorInfo>, at: NamedAttrMap = {}): TensorInfo => f({ inputs: ins, backend, attrs: at }) as TensorInfo;
  const x = w.x;
  const [n, d] = x.shape as [number, number];
  const dh = d / heads;
  const h = keep(run(layerNormKernel, { x, gamma: w.ln1g, beta: w.ln1b }, { epsilon }));
  const q = keep(run(denseKernel, { x: h, w: w.wq, b: w.bq }));
  const k = keep(run(denseKernel, { x: h, w: w.wk, b: w.bk }));
  const v = keep(run(denseKernel, { x: h, w: w.wv, b: w.bv }));
  const parts = splitHeadsKernel({ inputs: { q, k, v }, backend, attrs: { heads, dim: d, scale: 1 / Math.sqrt(dh), qOffset: 0, kOffset: 0, vOffset: 0 } }) as TensorInfo[];
  parts.forEach(keep);
  const merged = keep(be.makeOutput([n, d], 'float32'));
  const loops = simdLoops(be);
  // Per-head products: XNNPACK packs every new right-hand operand (~40 µs for a 64 × 65 block, more than
  // the product), so at these sizes the unpacked SIMD loop is 2.4× faster and gives the same sums in the
  // same order (bit-identical here); without SIMD, the backend's BatchMatMul.
  const matMulKernel = batchMatMul;
  const product = (a: TensorInfo, b: TensorInfo): TensorInfo => {
    if (loops === null) return run(matMulKernel, { a, b }, { transposeA: false, transposeB: false });
    const [m, k] = a.shape as [number, number];
    const cols = b.shape[1]!;
    const c = be.makeOutput([m, cols], 'float32');
    loops.matmul(heapOffset(be, a), heapOffset(be, b), heapOffset(be, c), m, k, cols);
    return c;
  };
  for (let i = 0; i < heads; i++) {
    const scores = keep(product(parts[i]!, parts[heads + i]!));
    const p = keep(run(softmax, { logits: scores }, { dim: 1 })); // (the kernel wants the axis resolved: the op does that)
    const o = keep(product(p, parts[2 * heads + i]!));
    // concat on axis 1: head i fills columns i·dh … (i+1)·dh − 1
    if (loops !== null && dh % 4 === 0) loops.copy_block(heapOffset(be, o), dh, n, dh, heapOffset(be, merged) + 4 * i * dh, d, 1);
    else {
      const src = be.typedArrayFromHeap({ ...o, shape: [n, dh] });
      const dst = be.typedArrayFromHeap(merged);
      for (let r = 0; r < n; r++) dst.set(src.subarray(r * dh, (r + 1) * dh), r * d + i * dh);
    }
  }
  const attended = keep(run(denseKernel, { x: merged, w: w.wo, b: w.bo }));
  const x1 = keep(run(add, { a: x, b: attended }));
  const h2 = keep(run(layerNormKernel, { x: x1, gamma: w.ln2g, beta: w.ln2b }, { epsilon }));
  const m1 = keep(run(denseKernel, { x: h2, w: w.w1, b: w.b1 }));
  const g = keep(run(geluKernel, { x: m1 }));
  const m2 = keep(run(denseKernel, { x: g, w: w.w2, b: w.b2 }));
  const out = run(add, { a: x1, b: m2 });
  for (const t of temps) be.disposeData(t.dataId);
  return out;
};

function register(kernelName: string, kernelFunc: KernelFunc): void {
  // Registration is process-global in tfjs; a second copy of this module must not re-register (tfjs warns).
  if (tf.getKernel(kernelName, BACKEND) === undefined) tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc });
}

register(DENSE, denseKernel);
register(LAYER_NORM, layerNormKernel);
register(GELU, geluKernel);
register(SPLIT_HEADS, splitHeadsKernel);
register(TRANSFORMER_BLOCK, transformerBlockKernel);

/** Per-head attention operands from `splitHeads`: q_h (scaled), Kᵀ_h and v_h, `heads` of each. */
export interface HeadOperands {
  q: tf.Tensor2D[];
  kT: tf.Tensor2D[];
  v: tf.Tensor2D[];
}

export interface SplitHeadsOptions {
  heads: number;
  /** Model width d (each of q, k, v spans d columns). */
  dim: number;
  /** Multiplies q (1/√dh for attention). */
  scale: number;
  /** First column of q / k / v in their tensors (0, d, 2d for one fused [n, 3d] projection). Default 0. */
  qOffset?: number;
  kOffset?: number;
  vOffset?: number;
}

/** The fused inference kernels; each is valid only while `available()` is true. */
export const wasmKernels = {
  /** tfjs-wasm is the active backend and no gradient tape is recording. */
  available(): boolean {
    return tf.getBackend() === BACKEND && !recordingGradients();
  },
  /** `x·w + b` in one XNNPACK call (x float32 [n, k], w [k, m], b [m]). */
  dense(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
    return tf.engine().runKernel(DENSE, b === undefined ? { x, w } : { x, w, b }) as tf.Tensor2D;
  },
  /** Layer norm over the last axis with gamma/beta [d]. */
  layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): T {
    return tf.engine().runKernel(LAYER_NORM, { x, gamma, beta }, { epsilon }) as T;
  },
  /** GELU (the `gelu` op chain, bit-identical). */
  gelu<T extends tf.Tensor>(x: T): T {
    return tf.engine().runKernel(GELU, { x }) as T;
  },
  /** One pre-norm transformer block on x [n, d] (see `TransformerBlock`), in one dispatch. */
  transformerBlock(x: tf.Tensor2D, weights: BlockWeights, options: { heads: number; epsilon: number }): tf.Tensor2D {
    return tf.engine().runKernel(TRANSFORMER_BLOCK, { x, ...weights }, { heads: options.heads, epsilon: options.epsilon }) as tf.Tensor2D;
  },
  splitHeads(q: tf.Tensor2D, k: tf.Tensor2D, v: tf.Tensor2D, options: SplitHeadsOptions): HeadOperands {
    const { heads, dim, scale } = options;
    const attrs = { heads, dim, scale, qOffset: options.qOffset ?? 0, kOffset: options.kOffset ?? 0, vOffset: options.vOffset ?? 0 };
    const outs = tf.engine().runKernel(SPLIT_HEADS, { q, k, v }, attrs) as unknown as tf.Tensor2D[];
    return { q: outs.slice(0, heads), kT: outs.slice(heads, 2 * heads), v: outs.slice(2 * heads) };
  },
};
