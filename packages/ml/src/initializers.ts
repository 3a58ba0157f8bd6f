import * as tf from '@tensorflow/tfjs';

/** Glorot/Xavier uniform init for a [fanIn, fanOut] kernel, seeded so models are reproducible. */
export function glorotUniform(shape: [number, number], seed: number): tf.Tensor2D {
  const limit = Math.sqrt(6 / (shape[0] + shape[1]));
  return tf.randomUniform(shape, -limit, limit, 'float32', seed) as tf.Tensor2D;
}

/** Truncated-normal init (ViT position embeddings, class token), seeded. */
export function truncatedNormal(shape: number[], stddev: number, seed: number): tf.Tensor {
  return tf.truncatedNormal(shape, 0, stddev, 'float32', seed);
}
