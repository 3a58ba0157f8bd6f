import { createInferenceSession } from './createInferenceSession.js';
import { sampleSize, type InferenceSession, type TensorSpec, type TfjsRunner } from './InferenceSession.js';
import type { TF } from '../initBackend.js';
import { backendOrder } from './inferenceParams.js';

/** A node's model as `openModelSession` needs it: its I/O contract, its ONNX export and its tfjs runner. */
export interface NodeModel {
  /** For logs and the in-memory file name: `camera_vit`. */
  readonly name: string;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Exports the loaded weights as ONNX (called only when ONNX Runtime is tried and no file is given). */
  exportOnnx(options: { int8: boolean }): Uint8Array;
  /** The TensorFlow.js runner over the loaded module (the fallback). */
  tfjs(tf: TF): Promise<TfjsRunner>;
}

/** The node's inference parameters (see `inferenceParams`) plus its resource reader and logger. */
export interface NodeSessionOptions {
  backend: string;
  threads: number;
  /** `fp32` or `int8` (a node parameter string: anything but `int8` runs fp32). */
  precision: string;
  /** Resource path of an `.onnx` file; '' = export in memory. */
  onnxModel: string;
  read: (path: string) => Promise<Uint8Array>;
  log: (message: string) => void;
}

/** What `nodeSessionOptions` reads from a node's context: its inference parameters, resources and logger. */
export interface InferenceNodeContext {
  readonly params: { readonly backend: string; readonly inference_threads: number; readonly precision: string; readonly onnx_model: string };
  readResource(path: string): Promise<Uint8Array>;
  readonly log: { info(message: string): void };
}

/** A node's `NodeSessionOptions` from its `inferenceParams` parameters (`backend` overridable). */
export function nodeSessionOptions(ctx: InferenceNodeContext, overrides: { backend?: string } = {}): NodeSessionOptions {
  const p = ctx.params;
  return {
    backend: overrides.backend ?? p.backend,
    threads: p.inference_threads,
    precision: p.precision,
    onnxModel: p.onnx_model,
    read: (path) => ctx.readResource(path),
    log: (m) => ctx.log.info(m),
  };
}

/**
 * Opens a node's model through `createInferenceSession` from its parameters: ONNX Runtime on the given
 * `.onnx` file or on the loaded weights exported in memory (`precision: int8` exports the int8 graph), then
 * the TensorFlow.js chain. A bad file is logged and falls back like any other load failure.
 *
 * ```ts
 * const session = await openModelSession(
 *   { name: 'point_encoder', ...pointEncoderOnnxIo(enc.config), exportOnnx: (o) => exportPointEncoderOnnx(weightsFromTensors(enc.weights), enc.config, o), tfjs: async () => runner },
 *   nodeSessionOptions(ctx),   // the node's backend / inference_threads / precision / onnx_model parameters
 * );
 * ```
 */
export async function openModelSession(model: NodeModel, options: NodeSessionOptions): Promise<InferenceSession> {
  const int8 = options.precision === 'int8';
  const inMemory = `${model.name}${int8 ? '.int8' : ''}.onnx (exported in memory from the loaded weights)`;
  const onnxFile = options.onnxModel === '' ? inMemory : options.onnxModel;
  const read = (path: string): Promise<Uint8Array> => {
    if (path !== inMemory) return options.read(path);
    try {
      return Promise.resolve(model.exportOnnx({ int8 }));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const session = await createInferenceSession(
    { name: model.name, inputs: model.inputs, outputs: model.outputs, onnxFile, read, tfjs: (tf) => model.tfjs(tf) },
    { prefer: backendOrder(options.backend), threads: options.threads, log: options.log },
  );
  // The first run allocates and plans (ORT: ~10× a steady run): done here, not on the first sensor message.
  session.runSync(Object.fromEntries(model.inputs.map((spec) => [spec.name, new Float32Array(sampleSize(spec))])), { batch: 1 });
  return session;
}
