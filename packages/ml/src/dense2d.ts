import * as tf from '@tensorflow/tfjs';
import { wasmKernels } from './wasmKernels.js';

/**
 * `x·w + b` for `x` [n, in], `w` [in, out], `b` [out]: a plain 2-D matMul (the fast path on wasm;
 * batch dims and transpose flags are ~10× slower there). Weights are stored [in, out] so no transpose is
 * needed per call. Maps to ONNX `MatMul` + `Add` (or `Gemm`). At inference on wasm, one fused kernel
 * (matMul with the bias added by XNNPACK) instead of two dispatches.
 */
export function dense2d(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  if (wasmKernels.available() && x.dtype === 'float32') return wasmKernels.dense(x, w, b);
  return tf.tidy((): tf.Tensor2D => {
    const y = tf.matMul(x, w) as tf.Tensor2D;
    return b === undefined ? y : (tf.add(y, b) as tf.Tensor2D);
  });
}
