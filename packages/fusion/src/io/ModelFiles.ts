import { ValidationError } from '@sensorium/core';
import type { NamedWeight } from '../model/WeightStore.js';
import { decodeWeights, encodeWeights } from './WeightCodec.js';
import type { WeightSpec } from './WeightCodec.js';

/** Reads a file by path (NodeContext.readResource, or fs in the CLI): fusion itself never touches fs. */
export interface ModelReader {
  read(path: string): Promise<Uint8Array>;
}

/** A saved model: file name → bytes (`model.json`, `weights.bin`). The caller writes them where it likes. */
export type ModelFiles = Map<string, Uint8Array>;

export type ModelKind = 'sensorium.fusion' | 'sensorium.policy' | 'sensorium.lora';

/** `model.json`: the TensorFlow.js weights manifest plus what Sensorium needs to rebuild the model. */
export interface ModelJson {
  format: 'tfjs-weights';
  kind: ModelKind;
  version: 1;
  config: unknown;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  userDefinedMetadata?: Record<string, unknown>;
}

export interface PackOptions {
  /** Store weights of ≥ 16 values (except `keepFloat` names) as int8: kernels per channel, biases per tensor. */
  int8?: boolean;
  /** Weight names kept float32 even with `int8`. */
  keepFloat?: (name: string) => boolean;
  metadata?: Record<string, unknown>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function packModel(kind: ModelKind, config: unknown, weights: readonly NamedWeight[], options: PackOptions = {}): ModelFiles {
  const { specs, bin } = encodeWeights(weights, {
    quantize: (w) => options.int8 === true && w.data.length >= 16 && options.keepFloat?.(w.name) !== true,
  });
  const json: ModelJson = {
    format: 'tfjs-weights',
    kind,
    version: 1,
    config,
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    ...(options.metadata === undefined ? {} : { userDefinedMetadata: options.metadata }),
  };
  return new Map([
    ['model.json', encoder.encode(JSON.stringify(json))],
    ['weights.bin', bin],
  ]);
}

/** Reads and checks `dir/model.json` and its weight files. Errors name the file and what was wrong. */
export async function readModel(reader: ModelReader, dir: string, kind: ModelKind): Promise<{ json: ModelJson; weights: NamedWeight[] }> {
  const jsonPath = joinPath(dir, 'model.json');
  let json: ModelJson;
  try {
    json = JSON.parse(decoder.decode(await reader.read(jsonPath))) as ModelJson;
  } catch (cause) {
    if (cause instanceof ValidationError) throw cause;
    throw new ValidationError('cannot read model.json', { context: { file: jsonPath }, cause });
  }
  if (json.format !== 'tfjs-weights' || json.kind !== kind || !Array.isArray(json.weightsManifest)) {
    throw new ValidationError('not a Sensorium model of the expected kind', {
      context: { file: jsonPath, expected: `${kind} (format tfjs-weights)`, actual: `${String(json.kind)} (format ${String(json.format)})` },
    });
  }
  const weights: NamedWeight[] = [];
  for (const group of json.weightsManifest) {
    const parts: Uint8Array[] = [];
    for (const p of group.paths) parts.push(await reader.read(joinPath(dir, p)));
    const bin = parts.length === 1 ? (parts[0] as Uint8Array) : concat(parts);
    weights.push(...decodeWeights(group.weights, bin, { file: joinPath(dir, group.paths[0] ?? '') }));
  }
  return { json, weights };
}

/** Total bytes of a saved model (what ships). */
export function modelBytes(files: ModelFiles): number {
  let n = 0;
  for (const bytes of files.values()) n += bytes.length;
  return n;
}

/** Reader over in-memory files (tests, round trips). */
export function memoryReader(dirs: Record<string, ModelFiles>): ModelReader {
  return {
    read(path: string): Promise<Uint8Array> {
      const slash = path.lastIndexOf('/');
      const files = dirs[path.slice(0, Math.max(0, slash))];
      const bytes = files?.get(path.slice(slash + 1));
      return bytes === undefined ? Promise.reject(new ValidationError('no such file', { context: { file: path } })) : Promise.resolve(bytes);
    },
  };
}

function joinPath(dir: string, file: string): string {
  return dir === '' || dir === '.' ? file : `${dir.replace(/\/+$/, '')}/${file}`;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
