import * as tf from '@tensorflow/tfjs';
import { ModelFormatError } from './ModelFormatError.js';

/** The files of one saved model in TensorFlow.js format: `model.json` (weightsManifest) + one `.bin`. */
export interface WeightsArtifacts {
  modelJson: Uint8Array;
  weightsBin: Uint8Array;
}

export interface EncodeWeightsOptions {
  /** File name of the .bin as written into the manifest (relative to model.json); default `weights.bin`. */
  weightsFile?: string;
  /** Stored as `userDefinedMetadata` (model config, training info). */
  metadata?: Record<string, unknown>;
  /** `format` field; default `sensorium-weights` (weights only: the architecture is code). */
  format?: string;
}

export interface LoadWeightsOptions {
  /** Reads a file by path (a node passes `ctx.readResource`); no fs here. */
  read(path: string): Promise<Uint8Array>;
}

/** What model.json looks like (the subset Sensorium writes and reads). */
export interface ModelJson {
  format?: string;
  generatedBy?: string;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  userDefinedMetadata?: Record<string, unknown>;
}

export interface LoadedWeights {
  weights: Map<string, tf.Tensor>;
  metadata: Record<string, unknown>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Named weights → model.json + weights.bin, loadable by {@link loadWeights} and by tfjs' own
 * `tf.io.loadWeights`. Weights are written in map order.
 */
export async function encodeWeights(weights: ReadonlyMap<string, tf.Tensor>, options: EncodeWeightsOptions = {}): Promise<WeightsArtifacts> {
  const named = [...weights].map(([name, tensor]) => ({ name, tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const json: ModelJson = {
    format: options.format ?? 'sensorium-weights',
    generatedBy: `TensorFlow.js v${tf.version.tfjs}`,
    weightsManifest: [{ paths: [options.weightsFile ?? 'weights.bin'], weights: specs }],
    ...(options.metadata === undefined ? {} : { userDefinedMetadata: options.metadata }),
  };
  return { modelJson: encoder.encode(JSON.stringify(json, null, 1)), weightsBin: new Uint8Array(data) };
}

/**
 * Reads `model.json` at `modelJsonPath` and the .bin files it lists (paths relative to it) through
 * `options.read`, checking sizes, and returns the tensors by name. Errors name the file and the weight.
 * The caller owns the returned tensors (e.g. `module.assignWeights(weights)` then dispose them).
 */
export async function loadWeights(modelJsonPath: string, options: LoadWeightsOptions): Promise<LoadedWeights> {
  const json = parseModelJson(await options.read(modelJsonPath), modelJsonPath);
  const dir = modelJsonPath.includes('/') ? modelJsonPath.slice(0, modelJsonPath.lastIndexOf('/') + 1) : '';
  const weights = new Map<string, tf.Tensor>();
  try {
    for (const [g, group] of json.weightsManifest.entries()) {
      const parts = await Promise.all(group.paths.map((p) => options.read(dir + p)));
      const total = parts.reduce((n, p) => n + p.byteLength, 0);
      const buffer = new Uint8Array(total);
      let at = 0;
      for (const p of parts) {
        buffer.set(p, at);
        at += p.byteLength;
      }
      const file = dir + (group.paths[0] ?? '');
      const expected = group.weights.reduce((n, spec) => n + specByteLength(spec, modelJsonPath), 0);
      if (expected !== total) {
        throw new ModelFormatError('weights file size does not match the manifest', {
          context: { file, field: `weightsManifest[${g}]`, expected: `${expected} bytes`, actual: `${total} bytes` },
        });
      }
      const decoded = tf.io.decodeWeights(buffer.buffer, group.weights);
      for (const spec of group.weights) {
        const tensor = decoded[spec.name];
        if (tensor === undefined) throw new ModelFormatError('weight not decoded', { context: { file, field: spec.name } });
        weights.set(spec.name, tensor);
      }
    }
  } catch (error) {
    for (const t of weights.values()) t.dispose();
    throw error;
  }
  return { weights, metadata: json.userDefinedMetadata ?? {} };
}

function parseModelJson(bytes: Uint8Array, file: string): ModelJson {
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes));
  } catch (cause) {
    throw new ModelFormatError('model.json is not valid JSON', { context: { file }, cause });
  }
  const manifest = (json as { weightsManifest?: unknown } | null)?.weightsManifest;
  if (!Array.isArray(manifest)) {
    throw new ModelFormatError('model.json has no weightsManifest', { context: { file, field: 'weightsManifest', expected: 'array' } });
  }
  for (const [g, group] of manifest.entries()) {
    const ok = group !== null && typeof group === 'object' && Array.isArray(group.paths) && Array.isArray(group.weights);
    if (!ok) throw new ModelFormatError('bad weights group', { context: { file, field: `weightsManifest[${g}]`, expected: '{paths[], weights[]}' } });
    for (const [i, spec] of (group.weights as unknown[]).entries()) {
      const s = spec as { name?: unknown; shape?: unknown; dtype?: unknown } | null;
      const good = typeof s?.name === 'string' && Array.isArray(s.shape) && s.shape.every((d) => Number.isInteger(d) && (d as number) >= 0) && typeof s.dtype === 'string';
      if (!good) throw new ModelFormatError('bad weight entry', { context: { file, field: `weightsManifest[${g}].weights[${i}]`, expected: '{name, shape, dtype}' } });
    }
  }
  return json as ModelJson;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

function specByteLength(spec: tf.io.WeightsManifestEntry, file: string): number {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytes = BYTES[dtype];
  if (bytes === undefined) throw new ModelFormatError('unsupported weight dtype', { context: { file, field: spec.name, actual: dtype, expected: 'float32 | int32 | bool | uint8/uint16/float16 quantized' } });
  return size * bytes;
}
