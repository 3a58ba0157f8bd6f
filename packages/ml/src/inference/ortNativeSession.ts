import { createRequire } from 'node:module';
import type * as ortTypes from 'onnxruntime-node';

/** A tensor's metadata as the onnxruntime-node binding reports it (`type` is ONNX's element type number). */
export interface OrtNativeValueMetadata {
  name: string;
  isTensor: boolean;
  symbolicDimensions: string[];
  shape: number[];
  type: number;
}

/** The binding's session: load, metadata, and a synchronous run (what `InferenceSession.run` defers with setImmediate). */
export interface OrtNativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: ortTypes.InferenceSession.SessionOptions): void;
  readonly inputMetadata: OrtNativeValueMetadata[];
  readonly outputMetadata: OrtNativeValueMetadata[];
  run(feeds: Record<string, ortTypes.Tensor>, fetches: Record<string, null>, options: Record<string, never>): Record<string, ortTypes.Tensor>;
  dispose(): void;
}

interface OrtBinding {
  binding: { InferenceSession: new () => OrtNativeSession; listSupportedBackends(): { name: string; bundled: boolean }[] };
  initOrt(): void;
}

/** ONNX element type numbers → the names ort uses (only those a model contract can meet or report). */
const ELEMENT_TYPES: Record<number, string> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'float64' };

export function elementTypeName(type: number): string {
  return ELEMENT_TYPES[type] ?? `onnx type ${type}`;
}

let loaded: OrtBinding | undefined;

/**
 * The onnxruntime-node native binding (`dist/binding.js`), whose session runs synchronously. Nodes answer
 * each message inside its callback (a simulation step must see its outputs before time moves on, and a
 * node's output must not depend on when the event loop turns), so they need `runSync`; the public
 * `InferenceSession.run` only wraps this same synchronous call in `setImmediate`. Throws when the
 * installed onnxruntime-node has no such binding (the session then falls back to the next backend).
 */
export function ortNativeBinding(): OrtBinding {
  if (loaded !== undefined) return loaded;
  const require = createRequire(import.meta.url);
  const b = require('onnxruntime-node/dist/binding.js') as Partial<OrtBinding>;
  if (typeof b.initOrt !== 'function' || typeof b.binding?.InferenceSession !== 'function') {
    throw new Error('onnxruntime-node/dist/binding.js has no InferenceSession binding (unsupported onnxruntime-node version)');
  }
  b.initOrt();
  loaded = b as OrtBinding;
  return loaded;
}
