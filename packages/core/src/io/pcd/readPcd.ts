import { DecodeError } from '../../errors/DecodeError.js';
import type { ErrorContext } from '../../errors/SensoriumError.js';
import { PointFieldType, type PointCloud2, type PointField } from '../../messages/sensor_msgs.js';
import type { Time } from '../../time/Time.js';
import { lzfDecompress } from './lzfDecompress.js';

export type PcdFieldType = 'I' | 'U' | 'F';
export type PcdDataKind = 'ascii' | 'binary' | 'binary_compressed';

/** The PCD header, as written in the file (`_` padding fields included). */
export interface PcdHeader {
  version: string;
  fields: string[];
  size: number[];
  type: PcdFieldType[];
  count: number[];
  width: number;
  height: number;
  /** tx ty tz qw qx qy qz */
  viewpoint: number[];
  points: number;
  data: PcdDataKind;
}

export interface PcdFile {
  header: PcdHeader;
  /**
   * Interleaved little-endian points; `_` padding fields take their bytes but get no PointField.
   * For DATA binary, `data` is a view into the input bytes (zero-copy).
   */
  cloud: PointCloud2;
}

export interface ReadPcdOptions {
  /** File name for error messages. */
  file?: string;
  /** header.frame_id of the cloud. Default ''. */
  frameId?: string;
  /** header.stamp of the cloud. Default 0. */
  stamp?: Time;
}

/**
 * PointField datatypes for 8-byte integers: not in sensor_msgs/PointField (which stops at FLOAT64 = 8);
 * these are PCL's pcl::PCLPointField::INT64 / UINT64 values, used so such fields are not lost.
 */
export const PCD_INT64_DATATYPE = 9;
export const PCD_UINT64_DATATYPE = 10;

const latin1 = new TextDecoder('latin1');
// Allocation ceiling for decoded data (ascii, binary_compressed): well above any real scan, below
// what would exhaust memory on a corrupt header.
const MAX_DECODED_BYTES = 1 << 30;

/**
 * Reads a PCD file (v0.5–0.7; DATA ascii, binary or binary_compressed) into a sensor_msgs/PointCloud2.
 * Pure: takes the bytes (the caller reads the file). Any field set: sizes 1/2/4/8, types I/U/F,
 * COUNT > 1, `_` padding; organised (height > 1) and unorganised clouds. binary_compressed (LZF,
 * fields stored column by column) is converted to PointCloud2's interleaved layout. NaN points are
 * kept; `is_dense` is false when any float value is not finite. Corrupt input throws DecodeError
 * naming the file, header key or byte offset and what was expected.
 *
 * @example
 * const { header, cloud } = readPcd(await fs.readFile('scan.pcd'), { file: 'scan.pcd', frameId: 'lidar_link' });
 */
export function readPcd(bytes: Uint8Array, options: ReadPcdOptions = {}): PcdFile {
  const file = options.file;
  const ctx = (extra: ErrorContext): ErrorContext => (file === undefined ? extra : { file, ...extra });
  const { header, dataOffset } = parseHeader(bytes, ctx);

  // Layout: padding keeps its bytes in the point, but gets no PointField.
  const fields: PointField[] = [];
  const offsets: number[] = [];
  let pointStep = 0;
  let packedStep = 0; // bytes per point without padding (binary_compressed columns)
  header.fields.forEach((name, i) => {
    const size = header.size[i] as number;
    const count = header.count[i] as number;
    offsets.push(pointStep);
    if (name !== '_') {
      fields.push({ name, offset: pointStep, datatype: pointFieldDatatype(size, header.type[i] as PcdFieldType), count });
      packedStep += size * count;
    }
    pointStep += size * count;
  });
  const dataBytes = header.points * pointStep;

  let data: Uint8Array;
  switch (header.data) {
    case 'binary': {
      if (bytes.length - dataOffset < dataBytes) {
        throw new DecodeError('PCD binary data is truncated', {
          context: ctx({ field: 'DATA binary', offset: bytes.length, expected: `${dataBytes} data bytes from offset ${dataOffset} (POINTS × ${pointStep})`, actual: `${bytes.length - dataOffset}` }),
        });
      }
      data = bytes.subarray(dataOffset, dataOffset + dataBytes);
      break;
    }
    case 'binary_compressed':
      data = readCompressed(bytes, dataOffset, header, offsets, pointStep, packedStep, file, ctx);
      break;
    case 'ascii':
      data = readAscii(bytes, dataOffset, header, offsets, pointStep, ctx);
      break;
  }

  return {
    header,
    cloud: {
      header: { stamp: options.stamp ? { sec: options.stamp.sec, nanosec: options.stamp.nanosec } : { sec: 0, nanosec: 0 }, frame_id: options.frameId ?? '' },
      height: header.height,
      width: header.width,
      fields,
      is_bigendian: false,
      point_step: pointStep,
      row_step: pointStep * header.width,
      data,
      is_dense: allFinite(data, header, offsets, pointStep),
    },
  };
}

function pointFieldDatatype(size: number, type: PcdFieldType): number {
  switch (type) {
    case 'F':
      return size === 4 ? PointFieldType.FLOAT32 : PointFieldType.FLOAT64;
    case 'I':
      return size === 1 ? PointFieldType.INT8 : size === 2 ? PointFieldType.INT16 : size === 4 ? PointFieldType.INT32 : PCD_INT64_DATATYPE;
    case 'U':
      return size === 1 ? PointFieldType.UINT8 : size === 2 ? PointFieldType.UINT16 : size === 4 ? PointFieldType.UINT32 : PCD_UINT64_DATATYPE;
  }
}

const HEADER_KEYS = ['VERSION', 'FIELDS', 'SIZE', 'TYPE', 'COUNT', 'WIDTH', 'HEIGHT', 'VIEWPOINT', 'POINTS', 'DATA'] as const;
type HeaderKey = (typeof HEADER_KEYS)[number];

function parseHeader(bytes: Uint8Array, ctx: (extra: ErrorContext) => ErrorContext): { header: PcdHeader; dataOffset: number } {
  const values = new Map<HeaderKey, { tokens: string[]; offset: number }>();
  let pos = 0;
  let dataOffset = -1;
  while (pos < bytes.length) {
    let end = bytes.indexOf(0x0a, pos);
    const next = end < 0 ? bytes.length : end + 1;
    if (end < 0) end = bytes.length;
    const line = latin1.decode(bytes.subarray(pos, end)).trim();
    const lineOffset = pos;
    pos = next;
    if (line === '' || line.startsWith('#')) continue;
    const tokens = line.split(/\s+/);
    const key = (tokens[0] as string).toUpperCase();
    if (!(HEADER_KEYS as readonly string[]).includes(key)) {
      throw new DecodeError(`unknown PCD header line "${line.slice(0, 40)}"`, {
        context: ctx({ offset: lineOffset, expected: `one of ${HEADER_KEYS.join(' ')}` }),
      });
    }
    values.set(key as HeaderKey, { tokens: tokens.slice(1), offset: lineOffset });
    if (key === 'DATA') {
      dataOffset = pos;
      break;
    }
  }
  if (dataOffset < 0) {
    throw new DecodeError('PCD header has no DATA line', { context: ctx({ field: 'DATA', offset: bytes.length, expected: 'DATA ascii | binary | binary_compressed' }) });
  }

  const get = (key: HeaderKey): { tokens: string[]; offset: number } | undefined => values.get(key);
  const require = (key: HeaderKey): { tokens: string[]; offset: number } => {
    const v = get(key);
    if (v === undefined || v.tokens.length === 0) {
      throw new DecodeError(`PCD header is missing ${key}`, { context: ctx({ field: key, expected: `a ${key} line` }) });
    }
    return v;
  };
  const bad = (key: HeaderKey, offset: number, expected: string, actual: string): never => {
    throw new DecodeError(`bad PCD header value for ${key}`, { context: ctx({ field: key, offset, expected, actual: actual.slice(0, 80) }) });
  };
  const integer = (key: HeaderKey, token: string, offset: number, min: number): number => {
    const v = /^\d+$/.test(token) ? Number(token) : NaN;
    if (!Number.isSafeInteger(v) || v < min) bad(key, offset, `an integer ≥ ${min}`, token);
    return v;
  };

  const fieldsLine = require('FIELDS');
  const fields = fieldsLine.tokens;
  const perField = (key: HeaderKey, fallback: string | undefined): { tokens: string[]; offset: number } => {
    const v = get(key);
    if (v === undefined && fallback !== undefined) return { tokens: fields.map(() => fallback), offset: fieldsLine.offset };
    const line = v ?? require(key);
    if (line.tokens.length !== fields.length) bad(key, line.offset, `${fields.length} values (one per field)`, line.tokens.join(' '));
    return line;
  };
  const sizeLine = perField('SIZE', undefined);
  const size = sizeLine.tokens.map((t) => {
    const v = integer('SIZE', t, sizeLine.offset, 1);
    if (v !== 1 && v !== 2 && v !== 4 && v !== 8) bad('SIZE', sizeLine.offset, '1, 2, 4 or 8', t);
    return v;
  });
  const typeLine = perField('TYPE', undefined);
  const type = typeLine.tokens.map((t, i) => {
    const v = t.toUpperCase();
    if (v !== 'I' && v !== 'U' && v !== 'F') bad('TYPE', typeLine.offset, 'I, U or F', t);
    if (v === 'F' && size[i] !== 4 && size[i] !== 8) bad('TYPE', typeLine.offset, `F with SIZE 4 or 8 (field ${fields[i]})`, `F${size[i]}`);
    return v as PcdFieldType;
  });
  const countLine = perField('COUNT', '1');
  const count = countLine.tokens.map((t) => integer('COUNT', t, countLine.offset, 1));

  const widthLine = require('WIDTH');
  const width = integer('WIDTH', widthLine.tokens[0] as string, widthLine.offset, 0);
  const heightLine = get('HEIGHT');
  const height = heightLine === undefined ? 1 : integer('HEIGHT', heightLine.tokens[0] ?? '', heightLine.offset, 0);
  const pointsLine = get('POINTS');
  const points = pointsLine === undefined ? width * height : integer('POINTS', pointsLine.tokens[0] ?? '', pointsLine.offset, 0);
  if (points !== width * height) {
    bad('POINTS', pointsLine?.offset ?? 0, `WIDTH × HEIGHT = ${width * height}`, String(points));
  }
  const viewpointLine = get('VIEWPOINT');
  const viewpoint = viewpointLine === undefined ? [0, 0, 0, 1, 0, 0, 0] : viewpointLine.tokens.map(Number);
  if (viewpoint.length !== 7 || viewpoint.some((v) => !Number.isFinite(v))) {
    bad('VIEWPOINT', viewpointLine?.offset ?? 0, '7 numbers: tx ty tz qw qx qy qz', viewpointLine?.tokens.join(' ') ?? '');
  }
  const dataLine = require('DATA');
  const kind = (dataLine.tokens[0] as string).toLowerCase();
  if (kind !== 'ascii' && kind !== 'binary' && kind !== 'binary_compressed') {
    bad('DATA', dataLine.offset, 'ascii, binary or binary_compressed', kind);
  }
  const version = get('VERSION')?.tokens[0] ?? '';
  return {
    header: { version, fields, size, type, count, width, height, viewpoint, points, data: kind as PcdDataKind },
    dataOffset,
  };
}

function readCompressed(
  bytes: Uint8Array,
  dataOffset: number,
  header: PcdHeader,
  offsets: number[],
  pointStep: number,
  packedStep: number,
  file: string | undefined,
  ctx: (extra: ErrorContext) => ErrorContext,
): Uint8Array {
  if (bytes.length - dataOffset < 8) {
    throw new DecodeError('PCD binary_compressed data is truncated', {
      context: ctx({ field: 'DATA binary_compressed', offset: bytes.length, expected: '8 bytes: compressed size, uncompressed size (uint32 LE)' }),
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataOffset, 8);
  const compressedSize = view.getUint32(0, true);
  const uncompressedSize = view.getUint32(4, true);
  const expectedSize = header.points * packedStep;
  if (uncompressedSize !== expectedSize) {
    throw new DecodeError('PCD binary_compressed uncompressed size does not match the header', {
      context: ctx({ field: 'DATA binary_compressed', offset: dataOffset + 4, expected: `POINTS × bytes per point = ${expectedSize}`, actual: String(uncompressedSize) }),
    });
  }
  if (compressedSize > bytes.length - dataOffset - 8) {
    throw new DecodeError('PCD binary_compressed data is truncated', {
      context: ctx({ field: 'DATA binary_compressed', offset: dataOffset, expected: `${compressedSize} compressed bytes`, actual: String(bytes.length - dataOffset - 8) }),
    });
  }
  // LZF expands at most ~88× (3 bytes → 264); a larger claim is corrupt and must not be allocated.
  if (uncompressedSize > compressedSize * 90 + 64 || header.points * pointStep > MAX_DECODED_BYTES) {
    throw new DecodeError('PCD binary_compressed sizes are implausible', {
      context: ctx({ field: 'DATA binary_compressed', offset: dataOffset, expected: `uncompressed ≤ 90 × compressed (${compressedSize})`, actual: String(uncompressedSize) }),
    });
  }
  const columns = new Uint8Array(uncompressedSize);
  const start = dataOffset + 8;
  const written = lzfDecompress(bytes.subarray(start, start + compressedSize), columns, {
    ...(file === undefined ? {} : { file }),
    baseOffset: start,
  });
  if (written !== uncompressedSize) {
    throw new DecodeError('PCD binary_compressed data decompresses to the wrong size', {
      context: ctx({ field: 'DATA binary_compressed', offset: start, expected: `${uncompressedSize} bytes`, actual: String(written) }),
    });
  }
  // Columns (all x, then all y, …; padding not stored) → interleaved points.
  const out = new Uint8Array(header.points * pointStep);
  // Both buffers are fresh (offset 0): 4-byte words can be moved whole when everything is 4-aligned.
  const out32 = pointStep % 4 === 0 ? new Uint32Array(out.buffer) : undefined;
  let columnStart = 0;
  header.fields.forEach((name, i) => {
    if (name === '_') return;
    const fieldBytes = (header.size[i] as number) * (header.count[i] as number);
    const offset = offsets[i] as number;
    if (out32 !== undefined && fieldBytes % 4 === 0 && offset % 4 === 0 && columnStart % 4 === 0) {
      const src32 = new Uint32Array(columns.buffer, columnStart, (fieldBytes / 4) * header.points);
      const words = fieldBytes / 4;
      const step = pointStep / 4;
      for (let p = 0, src = 0, dst = offset / 4; p < header.points; p++, src += words, dst += step) {
        for (let w = 0; w < words; w++) out32[dst + w] = src32[src + w] as number;
      }
    } else {
      for (let p = 0, src = columnStart, dst = offset; p < header.points; p++, src += fieldBytes, dst += pointStep) {
        for (let b = 0; b < fieldBytes; b++) out[dst + b] = columns[src + b] as number;
      }
    }
    columnStart += fieldBytes * header.points;
  });
  return out;
}

const FLOAT_SPECIAL = /^[-+]?(nan|inf|infinity)$/i;

function readAscii(
  bytes: Uint8Array,
  dataOffset: number,
  header: PcdHeader,
  offsets: number[],
  pointStep: number,
  ctx: (extra: ErrorContext) => ErrorContext,
): Uint8Array {
  const valuesPerPoint = header.count.reduce((a, b) => a + b, 0);
  // Each value takes at least two characters (digit + separator); more points than that is corrupt.
  if (header.points * valuesPerPoint > bytes.length - dataOffset + 1 || header.points * pointStep > MAX_DECODED_BYTES) {
    throw new DecodeError('PCD ascii data is too short for POINTS', {
      context: ctx({ field: 'DATA ascii', offset: dataOffset, expected: `${header.points} lines of ${valuesPerPoint} values`, actual: `${bytes.length - dataOffset} bytes` }),
    });
  }
  const out = new Uint8Array(header.points * pointStep);
  const view = new DataView(out.buffer);
  let pos = dataOffset;
  let point = 0;
  while (point < header.points) {
    if (pos >= bytes.length) {
      throw new DecodeError('PCD ascii data has fewer points than POINTS', {
        context: ctx({ field: 'DATA ascii', offset: pos, expected: `${header.points} points`, actual: String(point) }),
      });
    }
    let end = bytes.indexOf(0x0a, pos);
    if (end < 0) end = bytes.length;
    const lineOffset = pos;
    const line = latin1.decode(bytes.subarray(pos, end)).trim();
    pos = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    const tokens = line.split(/\s+/);
    if (tokens.length !== valuesPerPoint) {
      throw new DecodeError(`PCD ascii point ${point} has ${tokens.length} values`, {
        context: ctx({ field: 'DATA ascii', offset: lineOffset, expected: `${valuesPerPoint} values per line`, actual: String(tokens.length) }),
      });
    }
    let t = 0;
    const base = point * pointStep;
    for (let f = 0; f < header.fields.length; f++) {
      const size = header.size[f] as number;
      const type = header.type[f] as PcdFieldType;
      if (header.fields[f] === '_') {
        // Padding inherited from binary data: its tokens are skipped (as PCL does), bytes stay 0.
        t += header.count[f] as number;
        continue;
      }
      for (let c = 0; c < (header.count[f] as number); c++, t++) {
        const token = tokens[t] as string;
        const at = base + (offsets[f] as number) + c * size;
        if (!writeAsciiValue(view, at, type, size, token)) {
          throw new DecodeError(`PCD ascii value "${token.slice(0, 30)}" does not fit field ${header.fields[f]}`, {
            context: ctx({ field: `DATA ascii ${header.fields[f]}`, offset: lineOffset, expected: `${type}${size} value` }),
          });
        }
      }
    }
    point++;
  }
  return out;
}

/** Writes one ascii value; false if it is not a valid value of the field's type. */
function writeAsciiValue(view: DataView, at: number, type: PcdFieldType, size: number, token: string): boolean {
  if (type === 'F') {
    const v = FLOAT_SPECIAL.test(token) ? (token.toLowerCase().includes('nan') ? NaN : token.startsWith('-') ? -Infinity : Infinity) : Number(token);
    if (Number.isNaN(v) && !FLOAT_SPECIAL.test(token)) return false;
    if (size === 4) view.setFloat32(at, v, true);
    else view.setFloat64(at, v, true);
    return true;
  }
  if (size === 8) {
    let v: bigint;
    try {
      v = BigInt(token);
    } catch {
      return false;
    }
    if (type === 'I') {
      if (v < -(2n ** 63n) || v >= 2n ** 63n) return false;
      view.setBigInt64(at, v, true);
    } else {
      if (v < 0n || v >= 2n ** 64n) return false;
      view.setBigUint64(at, v, true);
    }
    return true;
  }
  const v = Number(token);
  if (!Number.isInteger(v)) return false;
  const bits = size * 8;
  const min = type === 'I' ? -(2 ** (bits - 1)) : 0;
  const max = type === 'I' ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (v < min || v > max) return false;
  if (size === 1) view.setUint8(at, v & 0xff);
  else if (size === 2) view.setUint16(at, v & 0xffff, true);
  else view.setUint32(at, v >>> 0, true);
  return true;
}

/** PCL's is_dense: false when any float value (including padding-free F fields) is NaN or ±Inf. */
function allFinite(data: Uint8Array, header: PcdHeader, offsets: number[], pointStep: number): boolean {
  // Fast path: float32 fields read through an aligned Float32Array (checks NaN/±Inf via x - x !== 0).
  const f32 = data.byteOffset % 4 === 0 && pointStep % 4 === 0 ? new Float32Array(data.buffer, data.byteOffset, data.byteLength >> 2) : undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let f = 0; f < header.fields.length; f++) {
    if (header.type[f] !== 'F' || header.fields[f] === '_') continue;
    const size = header.size[f] as number;
    const count = header.count[f] as number;
    if (f32 !== undefined && size === 4 && (offsets[f] as number) % 4 === 0) {
      const step = pointStep / 4;
      for (let p = 0, at = (offsets[f] as number) / 4; p < header.points; p++, at += step) {
        for (let c = 0; c < count; c++) {
          const v = f32[at + c] as number;
          if (v - v !== 0) return false;
        }
      }
      continue;
    }
    for (let p = 0; p < header.points; p++) {
      for (let c = 0; c < count; c++) {
        const at = p * pointStep + (offsets[f] as number) + c * size;
        const v = size === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
        if (!Number.isFinite(v)) return false;
      }
    }
  }
  return true;
}
