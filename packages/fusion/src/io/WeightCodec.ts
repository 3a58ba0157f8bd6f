import { ValidationError } from '@sensorium/core';
import type { NamedWeight } from '../model/WeightStore.js';

/**
 * A TensorFlow.js weights-manifest entry. Float weights are plain tfjs (`dtype: 'float32'`). INT8 weights
 * add `quantization: { dtype: 'int8', scheme: 'symmetric_per_channel', axis }`: in the .bin they are the
 * int8 values (row-major, `shape` elements), zero-padded to a 4-byte boundary, then one float32 scale per
 * index of `axis` (the output channel); value = int8 × scale[channel]. They are dequantised at load.
 */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'int8'; scheme: 'symmetric_per_channel'; axis: number };
}

export interface EncodeOptions {
  /** Quantize 2-D weights whose name this accepts to per-channel symmetric int8. */
  quantize?: (weight: NamedWeight) => boolean;
}

/** Packs weights into one tfjs-style .bin and its manifest. */
export function encodeWeights(weights: readonly NamedWeight[], options: EncodeOptions = {}): { specs: WeightSpec[]; bin: Uint8Array } {
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const w of weights) {
    if (w.shape.length === 2 && options.quantize?.(w) === true) {
      const { values, scales } = quantizeInt8PerChannel(w.data, w.shape[0] ?? 0, w.shape[1] ?? 0);
      const padded = new Uint8Array(align4(values.length));
      padded.set(new Uint8Array(values.buffer, values.byteOffset, values.length));
      chunks.push(padded, new Uint8Array(scales.buffer.slice(0)));
      specs.push({ name: w.name, shape: [...w.shape], dtype: 'float32', quantization: { dtype: 'int8', scheme: 'symmetric_per_channel', axis: 1 } });
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
    const need = spec.quantization === undefined ? size * 4 : align4(size) + (spec.shape[1] ?? 0) * 4;
    if (offset + need > bin.length) {
      throw new ValidationError('weights file is shorter than its manifest', {
        context: { ...file, field: spec.name, offset, expected: `${need} bytes`, actual: `${bin.length - offset} bytes` },
      });
    }
    const data = new Float32Array(size);
    if (spec.quantization === undefined) {
      data.set(new Float32Array(bin.buffer.slice(bin.byteOffset + offset, bin.byteOffset + offset + size * 4)));
    } else {
      if (spec.quantization.dtype !== 'int8' || spec.shape.length !== 2) {
        throw new ValidationError('unsupported quantization', { context: { ...file, field: spec.name, expected: 'int8 per-channel on a 2-D weight' } });
      }
      const cols = spec.shape[1] ?? 0;
      const values = new Int8Array(bin.buffer, bin.byteOffset + offset, size);
      const scales = new Float32Array(bin.buffer.slice(bin.byteOffset + offset + align4(size), bin.byteOffset + offset + align4(size) + cols * 4));
      for (let i = 0; i < size; i++) data[i] = (values[i] ?? 0) * (scales[i % cols] ?? 0);
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
