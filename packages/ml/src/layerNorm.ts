import * as tf from '@tensorflow/tfjs';
import { wasmKernels } from './wasmKernels.js';

export interface LayerNormOptions {
  /** Added to the variance; default 1e-6 (ViT). */
  epsilon?: number;
}

/** Layer normalisation over the last axis, `(x − mean) / sqrt(var + ε) · gamma + beta`. ONNX `LayerNormalization` (opset 17). */
export function layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, options: LayerNormOptions = {}): T {
  const epsilon = options.epsilon ?? 1e-6;
  // inference on wasm: one kernel instead of nine dispatches (same maths, statistics in double precision)
  if (wasmKernels.available() && x.dtype === 'float32') return wasmKernels.layerNorm(x, gamma, beta, epsilon);
  return tf.tidy(() => {
    // mean / centred square / mean rather than tf.moments: fewer kernels, ~1.7× faster on tfjs-wasm
    const centred = tf.sub(x, tf.mean(x, -1, true));
    const variance = tf.mean(tf.square(centred), -1, true);
    return tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, epsilon))), gamma), beta) as T;
  });
}
