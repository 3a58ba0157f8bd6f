import type { TF } from '../initBackend.js';
import type * as tf from '@tensorflow/tfjs';

/** Backends in the default order: ONNX Runtime first, then the TensorFlow.js chain of `initBackend`. */
export type InferenceBackend = 'onnxruntime' | 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

export const DEFAULT_INFERENCE_ORDER: readonly InferenceBackend[] = ['onnxruntime', 'tfjs-node-gpu', 'tfjs-node', 'wasm'];

/** One input or output: its name and shape, `'batch'` for the dynamic first dimension. */
export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly (number | 'batch')[];
}

/** Runs the model on TensorFlow.js: batched inputs in, batched outputs out (tensors owned by the caller). */
export type TfjsRunner = (inputs: Readonly<Record<string, tf.Tensor>>) => Record<string, tf.Tensor>;

/**
 * What a node hands to `createInferenceSession`: the model's I/O contract, its ONNX file (for ONNX
 * Runtime) and how to build it on TensorFlow.js (the module with its weights loaded), so either backend
 * can serve the same calls.
 */
export interface InferenceModel {
  /** For logs: `camera_vit`. */
  readonly name: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Path of the `.onnx` file, read through `read`; without it ONNX Runtime is skipped. */
  readonly onnxFile?: string;
  /** Reads a file by path (a node passes `ctx.readResource`). */
  readonly read?: (path: string) => Promise<Uint8Array>;
  /** Builds the TensorFlow.js runner once the tfjs backend is up; without it tfjs backends are skipped. */
  readonly tfjs?: (tf: TF) => Promise<TfjsRunner>;
}

/** Inputs or outputs by name: row-major float32, `batch` rows of the spec's shape. */
export type Feeds = Record<string, Float32Array>;

export interface InferenceSession {
  /** The backend serving this session. */
  readonly backend: InferenceBackend;
  /** Why this backend (and why the ones before it were skipped), as logged at start. */
  readonly reason: string;
  readonly model: InferenceModel;
  /** Runs `batch` samples at once; each feed holds batch × (shape without batch) values. */
  run(feeds: Feeds, options: { batch: number }): Promise<Feeds>;
  /**
   * The same, answered before it returns: what a node calls inside a message callback (its outputs then
   * go out in the same tick, as they did when nodes ran their tfjs modules directly, so a simulation
   * step sees them before time moves on). Output arrays are fresh per call.
   */
  runSync(feeds: Feeds, options: { batch: number }): Feeds;
  dispose(): Promise<void>;
}

/** Number of values per sample of a spec (product of its non-batch dims). */
export function sampleSize(spec: TensorSpec): number {
  return spec.shape.reduce<number>((n, d) => (d === 'batch' ? n : n * d), 1);
}
