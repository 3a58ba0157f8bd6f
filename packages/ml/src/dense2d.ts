import * as tf from '@tensorflow/tfjs';

/**
 * `x·w + b` for `x` [n, in], `w` [in, out], `b` [out]: a plain 2-D matMul (the fast path on wasm;
 * batch dims and transpose flags are ~10× slower there). Weights are stored [in, out] so no transpose is
 * needed per call. Maps to ONNX `MatMul` + `Add` (or `Gemm`).
 */
export function dense2d(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy((): tf.Tensor2D => {
    const y = tf.matMul(x, w) as tf.Tensor2D;
    return b === undefined ? y : (tf.add(y, b) as tf.Tensor2D);
  });
}
