import * as tf from '@tensorflow/tfjs';

/**
 * True while tfjs records a gradient tape (inside `tf.grad`, `tf.variableGrads`, `optimizer.minimize`).
 * The fused inference kernels (`wasmKernels`) have no gradients and read derived copies of the weights,
 * so layers take their plain differentiable formulation whenever this is true.
 */
export function recordingGradients(): boolean {
  return tf.engine().state.gradientDepth > 0;
}
