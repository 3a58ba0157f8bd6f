import * as tf from '@tensorflow/tfjs';

export interface LayerNormOptions {
  /** Added to the variance; default 1e-6 (ViT). */
  epsilon?: number;
}

/** Layer normalisation over the last axis, `(x − mean) / sqrt(var + ε) · gamma + beta`. ONNX `LayerNormalization` (opset 17). */
export function layerNorm<T extends tf.Tensor>(x: T, gamma: tf.Tensor1D, beta: tf.Tensor1D, options: LayerNormOptions = {}): T {
  const epsilon = options.epsilon ?? 1e-6;
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(normed, gamma), beta) as T;
  });
}
