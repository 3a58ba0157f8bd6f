import { ValidationError } from '@sensorium/core';
import type { NamedWeight } from '../model/WeightStore.js';

/**
 * A TensorFlow.js weights-manifest entry. Float weights are plain tfjs (`dtype: 'float32'`). INT8 weights
 * add `quantization: { dtype: 'int8', scheme, axis? }`: in the .bin they are the int8 values (row-major,
 * `shape` elements), zero-padded to a 4-byte boundary, then float32 scales: one per index of `axis` (the
 * output channel of a 2-D kernel) for `symmetric_per_channel`, a single one for `symmetric_per_tensor`
 * (1-D biases); value = int8 × scale. They are dequantised at load.
 */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'int8'; scheme: 'symmetric_per_channel'; axis: 1 } | { dtype: 'int8'; scheme: 'symmetric_per_tensor' };
}

export interface EncodeOptions {
  /** Quantize weights this accepts: 2-D per-channel, 1-D per-tensor symmetric int8. */
  quantize?: (weight: NamedWeight) => boolean;
}

/** Packs weights into one tfjs-style .bin and its manifest. */
export function encodeWeights(weights: readonly NamedWeight[], options: EncodeOptions = {}): { specs: WeightSpec[]; bin: Uint8Array } {
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const w of weights) {
    const quantize = (w.shape.length === 2 || w.shape.length === 1) && options.quantize?.(w) === true;
    if (quantize) {
      const perChannel = w.shape.length === 2;
      // A 1-D tensor quantized as one column gets a single scale: per-tensor.
      const q = perChannel ? quantizeInt8PerChannel(w.data, w.shape[0] ?? 0, w.shape[1] ?? 0) : quantizeInt8PerChannel(w.data, w.data.length, 1);
      const padded = new Uint8Array(align4(q.values.length));
      padded.set(new Uint8Array(q.values.buffer, q.values.byteOffset, q.values.length));
      chunks.push(padded, new Uint8Array(q.scales.buffer.slice(0)));
      specs.push({
        name: w.name,
        shape: [...w.shape],
        dtype: 'float32',
        quantization: perChannel ? { dtype: 'int8', scheme: 'symmetric_per_channel', axis: 1 } : { dtype: 'int8', scheme: 'symmetric_per_tensor' },
      });
    } else {
      chunks.push(new Uint8Array(w.data.buffer.slice(w.data.byteOffset, w.data.byteOffset + w.data.byteLength)));
      specs.push({ name: w.name, shape: [...w.shape], dtype: 'float32' });
    }
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const bin = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bin.set(c, offset);
    offset += c.length;
  }
  return { specs, bin };
}

/** Unpacks (and dequantises) weights; a short or inconsistent file throws with the file, weight and offset. */
export function decodeWeights(specs: readonly WeightSpec[], bin: Uint8Array, options: { file?: string } = {}): NamedWeight[] {
  const out: NamedWeight[] = [];
  let offset = 0;
  const file = options.file === undefined ? {} : { file: options.file };
  for (const spec of specs) {
    if (!Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ValidationError('bad weight shape in manifest', { context: { ...file, field: String(spec.name) } });
    }
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    const channels = q === undefined ? 0 : q.scheme === 'symmetric_per_channel' ? (spec.shape[1] ?? 0) : 1;
    const need = q === undefined ? size * 4 : align4(size) + channels * 4;
    if (offset + need > bin.length) {
      throw new ValidationError('weights file is shorter than its manifest', {
        context: { ...file, field: spec.name, offset, expected: `${need} bytes`, actual: `${bin.length - offset} bytes` },
      });
    }
    const data = new Float32Array(size);
    if (spec.quantization === undefined) {
      data.set(new Float32Array(bin.buffer.slice(bin.byteOffset + offset, bin.byteOffset + offset + size * 4)));
    } else {
      const ok = q !== undefined && q.dtype === 'int8' && ((q.scheme === 'symmetric_per_channel' && spec.shape.length === 2) || q.scheme === 'symmetric_per_tensor');
      if (!ok) {
        throw new ValidationError('unsupported quantization', {
          context: { ...file, field: spec.name, expected: 'int8 symmetric_per_channel (2-D) or symmetric_per_tensor', actual: JSON.stringify(q) },
        });
      }
      const cols = channels;
      const values = new Int8Array(bin.buffer, bin.byteOffset + offset, size);
      const scales = new Float32Array(bin.buffer.slice(bin.byteOffset + offset + align4(size), bin.byteOffset + offset + align4(size) + cols * 4));
      for (let i = 0; i < size; i++) data[i] = (values[i] ?? 0) * (scales[cols === 1 ? 0 : i % cols] ?? 0);
    }
    out.push({ name: spec.name, shape: spec.shape, data });
    offset += need;
  }
  if (offset !== bin.length) {
    throw new ValidationError('weights file is longer than its manifest', { context: { ...file, offset, expected: `${offset} bytes`, actual: `${bin.length} bytes` } });
  }
  return out;
}

/**
 * Per-output-channel symmetric int8: scale_c = max|W[:, c]| / 127, q = round(W / scale_c) in [-127, 127].
 * The error of each weight is at most scale_c / 2.
 */
export function quantizeInt8PerChannel(data: Float32Array, rows: number, cols: number): { values: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(cols);
  for (let i = 0; i < rows * cols; i++) {
    const c = i % cols;
    const a = Math.abs(data[i] ?? 0);
    if (a > (scales[c] ?? 0)) scales[c] = a;
  }
  for (let c = 0; c < cols; c++) scales[c] = (scales[c] ?? 0) / 127 || 1;
  const values = new Int8Array(rows * cols);
  for (let i = 0; i < rows * cols; i++) {
    const q = Math.round((data[i] ?? 0) / (scales[i % cols] ?? 1));
    values[i] = Math.max(-127, Math.min(127, q));
  }
  return { values, scales };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
