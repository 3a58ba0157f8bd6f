import * as tf from '@tensorflow/tfjs';
import { dense2d } from './dense2d.js';

/** Projection weights of one attention layer, each kernel [dModel, dModel] stored [in, out]. */
export interface AttentionWeights {
  wq: tf.Tensor2D;
  bq: tf.Tensor1D;
  wk: tf.Tensor2D;
  bk: tf.Tensor1D;
  wv: tf.Tensor2D;
  bv: tf.Tensor1D;
  wo: tf.Tensor2D;
  bo: tf.Tensor1D;
}

export interface AttentionOptions {
  heads: number;
}

/**
 * Multi-head (cross- or self-) attention of `queries` [nq, d] over `keysValues` [nk, d], written as
 * per-head plain 2-D matMuls: on tfjs-wasm a batched or transposed matMul runs at ~2 GFLOP/s while 2-D
 * reaches 14–25, so K is transposed once per call (activations, not weights) and each head is a row slice
 * of Kᵀ. Every step is a standard ONNX op (MatMul, Add, Transpose, Slice, Softmax, Concat).
 * Self-attention: pass the same tensor twice.
 */
export function multiHeadAttention(
  queries: tf.Tensor2D,
  keysValues: tf.Tensor2D,
  w: AttentionWeights,
  options: AttentionOptions,
): tf.Tensor2D {
  const { heads } = options;
  const [nq, d] = queries.shape;
  const nk = keysValues.shape[0];
  if (d % heads !== 0) throw new RangeError(`model width ${d} is not divisible by heads ${heads}`);
  const dh = d / heads;
  const scale = 1 / Math.sqrt(dh);
  return tf.tidy(() => {
    // Scale q rather than the [nq, nk] scores: fewer multiplies whenever nk > dh.
    const q = tf.mul(dense2d(queries, w.wq, w.bq), scale) as tf.Tensor2D;
    const kT = tf.transpose(dense2d(keysValues, w.wk, w.bk)) as tf.Tensor2D;
    const v = dense2d(keysValues, w.wv, w.bv);
    const outs: tf.Tensor2D[] = [];
    for (let h = 0; h < heads; h++) {
      const qh = tf.slice(q, [0, h * dh], [nq, dh]);
      const khT = tf.slice(kT, [h * dh, 0], [dh, nk]);
      const vh = tf.slice(v, [0, h * dh], [nk, dh]);
      const p = tf.softmax(tf.matMul(qh, khT));
      outs.push(tf.matMul(p, vh));
    }
    const merged = heads === 1 ? outs[0]! : tf.concat(outs, 1);
    return dense2d(merged, w.wo, w.bo);
  });
}
