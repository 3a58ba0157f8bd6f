import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecodeError, lzfDecompress, PCD_INT64_DATATYPE, PCD_UINT64_DATATYPE, PointFieldType, readPcd, seededRandom, type PcdDataKind } from '@sensorium/core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const realPcd = (name: string): Uint8Array => readFileSync(path.resolve(repoRoot, '../shared/data/real/pcd', name));

// ---------------------------------------------------------------------------------------------
// Test-side writers: a PCD encoder and a greedy LZF compressor (so binary_compressed files with
// literal runs, short and long back references and overlapping copies can be produced).

interface FieldSpec {
  name: string;
  size: 1 | 2 | 4 | 8;
  type: 'I' | 'U' | 'F';
  count: number;
}

function lzfCompress(input: Uint8Array): Uint8Array {
  const out: number[] = [];
  let literal: number[] = [];
  const flush = (): void => {
    for (let k = 0; k < literal.length; k += 32) {
      const chunk = literal.slice(k, k + 32);
      out.push(chunk.length - 1, ...chunk);
    }
    literal = [];
  };
  const table = new Map<number, number>();
  let i = 0;
  while (i < input.length) {
    if (i + 2 < input.length) {
      const key = (input[i]! << 16) | (input[i + 1]! << 8) | input[i + 2]!;
      const ref = table.get(key);
      table.set(key, i);
      if (ref !== undefined && i - ref - 1 < 8192) {
        let len = 3;
        const maxLen = Math.min(264, input.length - i);
        while (len < maxLen && input[ref + len] === input[i + len]) len++;
        flush();
        const off = i - ref - 1;
        const l = len - 2;
        if (l < 7) out.push((l << 5) | (off >> 8), off & 0xff);
        else out.push((7 << 5) | (off >> 8), l - 7, off & 0xff);
        i += len;
        continue;
      }
    }
    literal.push(input[i++]!);
  }
  flush();
  return Uint8Array.from(out);
}

function writeValue(view: DataView, at: number, f: FieldSpec, v: number): void {
  if (f.type === 'F') {
    if (f.size === 4) view.setFloat32(at, v, true);
    else view.setFloat64(at, v, true);
  } else if (f.size === 8) {
    if (f.type === 'I') view.setBigInt64(at, BigInt(v), true);
    else view.setBigUint64(at, BigInt(v), true);
  } else if (f.size === 1) {
    if (f.type === 'I') view.setInt8(at, v);
    else view.setUint8(at, v);
  } else if (f.size === 2) {
    if (f.type === 'I') view.setInt16(at, v, true);
    else view.setUint16(at, v, true);
  } else if (f.type === 'I') view.setInt32(at, v, true);
  else view.setUint32(at, v, true);
}

/** Interleaved little-endian point bytes (what readPcd must produce for every DATA kind). */
function interleaved(fields: FieldSpec[], points: number[][]): Uint8Array {
  const step = fields.reduce((a, f) => a + f.size * f.count, 0);
  const out = new Uint8Array(points.length * step);
  const view = new DataView(out.buffer);
  points.forEach((values, p) => {
    let at = p * step;
    let k = 0;
    for (const f of fields) {
      for (let c = 0; c < f.count; c++, k++, at += f.size) if (f.name !== '_') writeValue(view, at, f, values[k]!);
    }
  });
  return out;
}

function writePcd(fields: FieldSpec[], points: number[][], kind: PcdDataKind, opts: { width?: number; height?: number } = {}): Uint8Array {
  const width = opts.width ?? points.length;
  const height = opts.height ?? 1;
  const header =
    '# .PCD v0.7 - Point Cloud Data file format\n' +
    'VERSION 0.7\n' +
    `FIELDS ${fields.map((f) => f.name).join(' ')}\n` +
    `SIZE ${fields.map((f) => f.size).join(' ')}\n` +
    `TYPE ${fields.map((f) => f.type).join(' ')}\n` +
    `COUNT ${fields.map((f) => f.count).join(' ')}\n` +
    `WIDTH ${width}\nHEIGHT ${height}\nVIEWPOINT 0 0 0 1 0 0 0\nPOINTS ${points.length}\nDATA ${kind}\n`;
  const head = new TextEncoder().encode(header);
  let body: Uint8Array;
  if (kind === 'ascii') {
    const lines = points.map((values) => values.map((v) => (Number.isNaN(v) ? 'nan' : String(v))).join(' ')).join('\n');
    body = new TextEncoder().encode(lines + '\n');
  } else if (kind === 'binary') {
    body = interleaved(fields, points);
  } else {
    // Column-major without padding fields, as PCL writes it.
    const real = fields.filter((f) => f.name !== '_');
    const packedStep = real.reduce((a, f) => a + f.size * f.count, 0);
    const columns = new Uint8Array(points.length * packedStep);
    const view = new DataView(columns.buffer);
    let colStart = 0;
    let valueIndex = 0;
    for (const f of fields) {
      if (f.name !== '_') {
        points.forEach((values, p) => {
          for (let c = 0; c < f.count; c++) writeValue(view, colStart + (p * f.count + c) * f.size, f, values[valueIndex + c]!);
        });
        colStart += points.length * f.size * f.count;
      }
      valueIndex += f.count;
    }
    const compressed = lzfCompress(columns);
    body = new Uint8Array(8 + compressed.length);
    new DataView(body.buffer).setUint32(0, compressed.length, true);
    new DataView(body.buffer).setUint32(4, columns.length, true);
    body.set(compressed, 8);
  }
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}


const ALL_TYPES: FieldSpec[] = [
  { name: 'x', size: 4, type: 'F', count: 1 },
  { name: 'y', size: 4, type: 'F', count: 1 },
  { name: 'z', size: 4, type: 'F', count: 1 },
  { name: '_', size: 1, type: 'U', count: 3 },
  { name: 'intensity', size: 1, type: 'U', count: 1 },
  { name: 'ring', size: 2, type: 'U', count: 1 },
  { name: 'i8', size: 1, type: 'I', count: 1 },
  { name: 'i16', size: 2, type: 'I', count: 1 },
  { name: 'i32', size: 4, type: 'I', count: 1 },
  { name: 't', size: 4, type: 'U', count: 1 },
  { name: 'range', size: 8, type: 'F', count: 1 },
  { name: 'i64', size: 8, type: 'I', count: 1 },
  { name: 'u64', size: 8, type: 'U', count: 1 },
  { name: 'normal', size: 4, type: 'F', count: 3 },
];

function randomValue(random: () => number, f: FieldSpec): number {
  if (f.name === '_') return 0;
  if (f.type === 'F') {
    if (random() < 0.05) return NaN;
    const v = (random() - 0.5) * 200;
    return f.size === 4 ? Math.fround(v) : v;
  }
  const bits = Math.min(f.size * 8, 48); // 8-byte ints: stay within safe integers
  const span = 2 ** bits;
  const u = Math.floor(random() * span);
  return f.type === 'U' ? u : u - span / 2;
}

function randomPoints(random: () => number, fields: FieldSpec[], n: number): number[][] {
  return Array.from({ length: n }, () => fields.flatMap((f) => Array.from({ length: f.count }, () => randomValue(random, f))));
}

// ---------------------------------------------------------------------------------------------

describe('readPcd — real recordings', () => {
  it('Velodyne VLP-16 (binary, mixed field sizes): header, layout, zero-copy data, plausible values', () => {
    const bytes = realPcd('velodyne_vlp16.pcd');
    const { header, cloud } = readPcd(bytes, { file: 'velodyne_vlp16.pcd', frameId: 'lidar_link' });
    expect(header).toMatchObject({ version: '0.7', width: 14831, height: 1, points: 14831, data: 'binary' });
    expect(header.fields).toEqual(['x', 'y', 'z', 'intensity', 'return_type', 'channel', 'azimuth', 'elevation', 'distance', 'time_stamp']);
    expect(cloud.fields.map((f) => [f.name, f.offset, f.datatype])).toEqual([
      ['x', 0, PointFieldType.FLOAT32],
      ['y', 4, PointFieldType.FLOAT32],
      ['z', 8, PointFieldType.FLOAT32],
      ['intensity', 12, PointFieldType.UINT8],
      ['return_type', 13, PointFieldType.UINT8],
      ['channel', 14, PointFieldType.UINT16],
      ['azimuth', 16, PointFieldType.FLOAT32],
      ['elevation', 20, PointFieldType.FLOAT32],
      ['distance', 24, PointFieldType.FLOAT32],
      ['time_stamp', 28, PointFieldType.UINT32],
    ]);
    expect(cloud).toMatchObject({ width: 14831, height: 1, point_step: 32, row_step: 32 * 14831, is_dense: true, is_bigendian: false });
    expect(cloud.header.frame_id).toBe('lidar_link');
    // Zero-copy: a view over the file bytes.
    expect(cloud.data.buffer).toBe(bytes.buffer);
    expect(cloud.data.length).toBe(14831 * 32);
    const view = new DataView(cloud.data.buffer, cloud.data.byteOffset, cloud.data.byteLength);
    let maxChannel = 0;
    let worstRangeError = 0;
    for (let p = 0; p < 14831; p++) {
      const at = p * 32;
      const range = Math.hypot(view.getFloat32(at, true), view.getFloat32(at + 4, true), view.getFloat32(at + 8, true));
      // The recorded distance is the range of the point: checks that offsets and types line up.
      worstRangeError = Math.max(worstRangeError, Math.abs(range - view.getFloat32(at + 24, true)));
      maxChannel = Math.max(maxChannel, view.getUint16(at + 14, true));
    }
    expect(worstRangeError).toBeLessThan(1e-3);
    expect(maxChannel).toBe(15); // VLP-16: channels 0..15
  });

  it('PCL table scene (binary_compressed, organised 640×480): 97,920 NaN points kept, is_dense false', () => {
    const { header, cloud } = readPcd(realPcd('pcl_table_scene_mug_stereo_textured.pcd'), { file: 'table.pcd' });
    expect(header).toMatchObject({ width: 640, height: 480, points: 307200, data: 'binary_compressed', viewpoint: [0, 0, 0, 0, 1, 0, 0] });
    expect(cloud).toMatchObject({ width: 640, height: 480, point_step: 16, row_step: 16 * 640, is_dense: false });
    expect(cloud.fields.map((f) => [f.name, f.offset, f.datatype])).toEqual([
      ['x', 0, PointFieldType.FLOAT32],
      ['y', 4, PointFieldType.FLOAT32],
      ['z', 8, PointFieldType.FLOAT32],
      ['rgba', 12, PointFieldType.UINT32],
    ]);
    const view = new DataView(cloud.data.buffer, cloud.data.byteOffset, cloud.data.byteLength);
    let nan = 0;
    let minZ = Infinity;
    let maxZ = -Infinity;
    for (let p = 0; p < 307200; p++) {
      const x = view.getFloat32(p * 16, true);
      const z = view.getFloat32(p * 16 + 8, true);
      if (Number.isNaN(x)) nan++;
      else {
        minZ = Math.min(minZ, z);
        maxZ = Math.max(maxZ, z);
      }
    }
    expect(nan).toBe(97920);
    // A stereo camera looking at a table: every valid point in front of it, within a couple of metres.
    expect(minZ).toBeGreaterThan(0);
    expect(maxZ).toBeLessThan(3);
  });
});

describe('readPcd — synthetic files, every DATA kind × field type', () => {
  it.each<PcdDataKind>(['ascii', 'binary', 'binary_compressed'])('%s: all field sizes/types, COUNT > 1, padding, NaN', (kind) => {
    const random = seededRandom(kind.length);
    const points = randomPoints(random, ALL_TYPES, 57);
    const { header, cloud } = readPcd(writePcd(ALL_TYPES, points, kind), { file: `synthetic.${kind}.pcd` });
    expect(header.data).toBe(kind);
    expect(cloud.point_step).toBe(3 * 4 + 3 + 1 + 2 + 1 + 2 + 4 + 4 + 8 + 8 + 8 + 12);
    expect(cloud.fields.map((f) => f.name)).not.toContain('_');
    expect(cloud.fields.find((f) => f.name === 'intensity')!.offset).toBe(15); // after 3 bytes of padding
    expect(cloud.fields.find((f) => f.name === 'i64')!.datatype).toBe(PCD_INT64_DATATYPE);
    expect(cloud.fields.find((f) => f.name === 'u64')!.datatype).toBe(PCD_UINT64_DATATYPE);
    expect(cloud.fields.find((f) => f.name === 'normal')).toMatchObject({ datatype: PointFieldType.FLOAT32, count: 3 });
    expect(cloud.is_dense).toBe(!points.some((v) => v.some(Number.isNaN)));
    expect(Array.from(cloud.data)).toEqual(Array.from(interleaved(ALL_TYPES, points)));
  });

  it('all three kinds decode to identical bytes; organised clouds keep width × height', () => {
    const fields: FieldSpec[] = [
      { name: 'x', size: 4, type: 'F', count: 1 },
      { name: 'rgb', size: 4, type: 'U', count: 1 },
    ];
    // Repetitive data exercises long and overlapping LZF back references.
    const points = Array.from({ length: 600 }, (_, i) => [Math.fround((i % 7) * 0.5), 0xff00ff]);
    const decoded = (['ascii', 'binary', 'binary_compressed'] as const).map((kind) => readPcd(writePcd(fields, points, kind, { width: 30, height: 20 })));
    for (const { cloud } of decoded) {
      expect(cloud).toMatchObject({ width: 30, height: 20, row_step: 30 * 8 });
      expect(Array.from(cloud.data)).toEqual(Array.from(decoded[0]!.cloud.data));
    }
  });

  it('accepts CRLF headers, comments, missing COUNT and an empty cloud', () => {
    const text = 'VERSION .7\r\nFIELDS x y\r\n# comment\r\nSIZE 4 4\r\nTYPE F F\r\nWIDTH 2\r\nHEIGHT 1\r\nPOINTS 2\r\nDATA ascii\r\n1 2\r\n3 nan\r\n';
    const { header, cloud } = readPcd(new TextEncoder().encode(text));
    expect(header.count).toEqual([1, 1]);
    const view = new DataView(cloud.data.buffer);
    expect([view.getFloat32(0, true), view.getFloat32(4, true), view.getFloat32(8, true)]).toEqual([1, 2, 3]);
    expect(view.getFloat32(12, true)).toBeNaN();
    const empty = readPcd(new TextEncoder().encode('FIELDS x\nSIZE 4\nTYPE F\nWIDTH 0\nHEIGHT 0\nPOINTS 0\nDATA binary\n'));
    expect(empty.cloud.data.length).toBe(0);
  });
});

describe('readPcd — corrupt input is a DecodeError with context', () => {
  const good = 'VERSION 0.7\nFIELDS x y\nSIZE 4 4\nTYPE F F\nCOUNT 1 1\nWIDTH 2\nHEIGHT 1\nPOINTS 2\n';
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  it.each<[string, Uint8Array, Record<string, unknown>]>([
    ['no DATA line', enc(good), { field: 'DATA' }],
    ['SIZE count mismatch', enc(good.replace('SIZE 4 4', 'SIZE 4') + 'DATA binary\n'), { field: 'SIZE' }],
    ['SIZE 3', enc(good.replace('SIZE 4 4', 'SIZE 4 3') + 'DATA binary\n'), { field: 'SIZE' }],
    ['TYPE F with SIZE 2', enc(good.replace('SIZE 4 4', 'SIZE 4 2') + 'DATA binary\n'), { field: 'TYPE' }],
    ['TYPE X', enc(good.replace('TYPE F F', 'TYPE F X') + 'DATA binary\n'), { field: 'TYPE' }],
    ['POINTS ≠ WIDTH × HEIGHT', enc(good.replace('POINTS 2', 'POINTS 3') + 'DATA binary\n'), { field: 'POINTS' }],
    ['WIDTH not a number', enc(good.replace('WIDTH 2', 'WIDTH two') + 'DATA binary\n'), { field: 'WIDTH' }],
    ['unknown DATA kind', enc(good + 'DATA zip\n'), { field: 'DATA' }],
    ['truncated binary', enc(good + 'DATA binary\n0123456789'), { field: 'DATA binary', offset: 99 }],
    ['ascii with a missing value', enc(good + 'DATA ascii\n1 2\n3\n'), { field: 'DATA ascii' }],
    ['ascii with a word', enc(good + 'DATA ascii\n1 2\n3 four\n'), { field: 'DATA ascii y' }],
    ['ascii U1 out of range', enc(good.replace('SIZE 4 4', 'SIZE 4 1').replace('TYPE F F', 'TYPE F U') + 'DATA ascii\n1 2\n3 256\n'), { field: 'DATA ascii y' }],
    ['compressed: wrong uncompressed size', Uint8Array.from([...enc(good + 'DATA binary_compressed\n'), 1, 0, 0, 0, 99, 0, 0, 0, 0]), { field: 'DATA binary_compressed' }],
    ['compressed: back reference before start', Uint8Array.from([...enc(good + 'DATA binary_compressed\n'), 2, 0, 0, 0, 16, 0, 0, 0, 0x20, 0x05]), { field: 'DATA binary_compressed' }],
  ])('%s', (_name, bytes, context) => {
    let error: unknown;
    try {
      readPcd(bytes, { file: 'bad.pcd' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).context).toMatchObject({ file: 'bad.pcd', ...context });
    expect((error as DecodeError).message).toContain('bad.pcd');
  });

  it('lzfDecompress round-trips the test compressor on random and repetitive data', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 50; trial++) {
      const n = Math.floor(random() * 3000);
      const input = Uint8Array.from({ length: n }, (_, i) => (random() < 0.5 ? i % 13 : Math.floor(random() * 256)));
      const out = new Uint8Array(n);
      expect(lzfDecompress(lzfCompress(input), out)).toBe(n);
      expect(out).toEqual(input);
    }
  });
});

describe('readPcd — fuzz (fast-check, fixed seed)', () => {
  const random = seededRandom(77);
  const seeds = (['ascii', 'binary', 'binary_compressed'] as const).map((kind) =>
    writePcd(ALL_TYPES.slice(0, 8), randomPoints(random, ALL_TYPES.slice(0, 8), 12), kind, { width: 4, height: 3 }),
  );

  const onlyDecodeErrors = (bytes: Uint8Array): void => {
    try {
      readPcd(bytes, { file: 'fuzz.pcd' });
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
  };

  it('random bytes and random headers: only DecodeError', () => {
    const headerish = fc
      .array(
        fc.oneof(
          fc.constantFrom('VERSION 0.7', 'FIELDS x y z', 'SIZE 4 4 4', 'SIZE 8 1 2', 'TYPE F F F', 'TYPE I U F', 'COUNT 1 1 1', 'COUNT 0 9 1'),
          fc.constantFrom('WIDTH 3', 'HEIGHT 1', 'POINTS 3', 'WIDTH 4294967295', 'POINTS 99999999999', 'DATA ascii', 'DATA binary', 'DATA binary_compressed'),
          fc.string({ maxLength: 20 }),
        ),
        { maxLength: 12 },
      )
      .chain((lines) => fc.tuple(fc.constant(lines.join('\n') + '\n'), fc.uint8Array({ maxLength: 200 })))
      .map(([head, body]) => Uint8Array.from([...new TextEncoder().encode(head), ...body]));
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), headerish), (bytes) => onlyDecodeErrors(bytes)), {
      seed: 1,
      numRuns: 4000,
    });
  });

  it('mutated valid files (truncation, bit flips, corrupted header values): only DecodeError', () => {
    const mutated = fc
      .tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { maxLength: 6 }), fc.option(fc.nat()), fc.option(fc.tuple(fc.nat(), fc.constantFrom('0', '4294967295', '-1', '1e9', 'nan', '', '8 8 8 8 8 8 8 8 8'))))
      .map(([which, flips, cut, headerEdit]) => {
        let bytes = seeds[which]!.slice();
        if (headerEdit !== null) {
          // Replace one header line's value with a hostile one.
          const text = new TextDecoder('latin1').decode(bytes);
          const dataAt = text.indexOf('DATA');
          const lines = text.slice(0, dataAt).split('\n');
          const k = headerEdit[0] % Math.max(1, lines.length - 1);
          const key = lines[k]!.split(' ')[0];
          lines[k] = `${key} ${headerEdit[1]}`;
          const head = new TextEncoder().encode(lines.join('\n'));
          const rest = bytes.subarray(dataAt);
          bytes = Uint8Array.from([...head, ...rest]);
        }
        for (const [pos, bit] of flips) if (bytes.length > 0) bytes[pos % bytes.length]! ^= 1 << bit;
        if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
        return bytes;
      });
    fc.assert(fc.property(mutated, (bytes) => onlyDecodeErrors(bytes)), { seed: 2, numRuns: 7000 });
  });
});
