import * as tf from '@tensorflow/tfjs';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`. Chosen over the erf form because
 * it is ONNX `Gelu(approximate="tanh")` (opset 20) or plain Mul/Add/Tanh before that, on every runtime.
 */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => {
    const cube = tf.mul(tf.mul(x, x), x);
    const inner = tf.mul(tf.add(x, tf.mul(cube, 0.044715)), SQRT_2_OVER_PI);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1)) as T;
  });
}
