import { integer, string } from '@sensorium/core';
import type { InferenceBackend } from './InferenceSession.js';

/** Values of a node's `backend` parameter. */
export const BACKEND_CHOICES = ['auto', 'onnxruntime', 'tfjs', 'wasm'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Values of a node's `precision` parameter. */
export const PRECISION_CHOICES = ['fp32', 'int8'] as const;
export type Precision = (typeof PRECISION_CHOICES)[number];

/**
 * The parameters every node that runs a learned model declares (spread into its `parameters`), so
 * `backend:=tfjs` means the same thing on every node of a launch file.
 */
export const inferenceParams = {
  backend: string('auto', {
    choices: BACKEND_CHOICES,
    description: 'inference backend: auto = fastest installed (ONNX Runtime, then tfjs-node-gpu, tfjs-node, wasm), logged at start; onnxruntime; tfjs = the TensorFlow.js chain; wasm',
  }),
  inference_threads: integer(1, { min: 1, max: 64, description: 'ONNX Runtime intra-op threads on CPU (the robot runs several nodes: 1 unless this node has cores to itself)' }),
  precision: string('fp32', { choices: PRECISION_CHOICES, description: 'on ONNX Runtime: fp32, or int8 (per-channel int8 weights, MatMulInteger); TensorFlow.js always runs fp32' }),
  onnx_model: string('', { description: '.onnx file (resource path) to run on ONNX Runtime; empty = export the loaded weights to ONNX in memory at start' }),
};

/** The backend order a `backend` parameter value stands for (createInferenceSession's `prefer`). */
export function backendOrder(choice: string): readonly InferenceBackend[] {
  switch (choice as BackendChoice) {
    case 'auto':
      return ['onnxruntime', 'tfjs-node-gpu', 'tfjs-node', 'wasm'];
    case 'onnxruntime':
      return ['onnxruntime'];
    case 'tfjs':
      return ['tfjs-node-gpu', 'tfjs-node', 'wasm'];
    case 'wasm':
      return ['wasm'];
  }
  throw new RangeError(`unknown inference backend "${choice}" (expected one of ${BACKEND_CHOICES.join(', ')})`);
}
