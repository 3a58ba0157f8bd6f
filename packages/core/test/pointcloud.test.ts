import { describe, expect, it } from 'vitest';
import {
  LIDAR_POINT_FIELDS,
  LIDAR_POINT_STEP,
  PointCloud2Reader,
  PointCloud2Writer,
  PointFieldType,
  ValidationError,
  getCodec,
  readPointCloud2,
  seededRandom,
  validatePointCloud2,
} from '../src/index.js';
import type { PointCloud2, PointField } from '../src/index.js';

const HEADER = { stamp: { sec: 1, nanosec: 2 }, frame_id: 'lidar' };

const DATATYPES = [
  ['INT8', PointFieldType.INT8, 1, (v: DataView, o: number, x: number) => v.setInt8(o, x)],
  ['UINT8', PointFieldType.UINT8, 1, (v: DataView, o: number, x: number) => v.setUint8(o, x)],
  ['INT16', PointFieldType.INT16, 2, (v: DataView, o: number, x: number, le: boolean) => v.setInt16(o, x, le)],
  ['UINT16', PointFieldType.UINT16, 2, (v: DataView, o: number, x: number, le: boolean) => v.setUint16(o, x, le)],
  ['INT32', PointFieldType.INT32, 4, (v: DataView, o: number, x: number, le: boolean) => v.setInt32(o, x, le)],
  ['UINT32', PointFieldType.UINT32, 4, (v: DataView, o: number, x: number, le: boolean) => v.setUint32(o, x, le)],
  ['FLOAT32', PointFieldType.FLOAT32, 4, (v: DataView, o: number, x: number, le: boolean) => v.setFloat32(o, x, le)],
  ['FLOAT64', PointFieldType.FLOAT64, 8, (v: DataView, o: number, x: number, le: boolean) => v.setFloat64(o, x, le)],
] as const;

function sampleValue(name: string, i: number, k: number): number {
  const base = (i * 7 + k * 3) % 100;
  if (name.startsWith('INT')) return base - 50;
  if (name.startsWith('FLOAT')) return i % 11 === 5 ? Number.NaN : base * 0.5 - 7.25;
  return base;
}

interface Case {
  label: string;
  datatype: number;
  size: number;
  set: (v: DataView, o: number, x: number, le: boolean) => void;
  bigEndian: boolean;
  count: number;
  padBefore: number; // bytes before the field inside a point
  padAfter: number; // bytes of padding after the last field
  rowPad: number; // extra bytes per row
  height: number;
  shift: number; // data.byteOffset inside its ArrayBuffer
}

const cases: Case[] = [];
for (const [name, datatype, size, set] of DATATYPES) {
  for (const bigEndian of [false, true]) {
    for (const count of [1, 3]) {
      for (const layout of [
        { padBefore: 0, padAfter: 0, rowPad: 0, height: 1, shift: 0 },
        { padBefore: size, padAfter: 5, rowPad: 0, height: 1, shift: 0 },
        { padBefore: 0, padAfter: 8 - ((size * count) % 8 || 8), rowPad: 8, height: 4, shift: 0 },
        { padBefore: 1, padAfter: 0, rowPad: 0, height: 2, shift: 0 },
        { padBefore: 0, padAfter: 0, rowPad: 0, height: 1, shift: 1 },
      ]) {
        cases.push({
          label: `${name} ${bigEndian ? 'BE' : 'LE'} count=${count} pad=${layout.padBefore}/${layout.padAfter} rowPad=${layout.rowPad} h=${layout.height} shift=${layout.shift}`,
          datatype,
          size,
          set,
          bigEndian,
          count,
          ...layout,
        });
      }
    }
  }
}

function buildCloud(c: Case): { msg: PointCloud2; expected: number[][] } {
  const width = 6;
  const tagOffset = c.padBefore + c.size * c.count; // a uint8 "tag" field after the tested one
  const pointStep = tagOffset + 1 + c.padAfter;
  const rowStep = width * pointStep + c.rowPad;
  const fields: PointField[] = [
    { name: 'v', offset: c.padBefore, datatype: c.datatype, count: c.count },
    { name: 'tag', offset: tagOffset, datatype: PointFieldType.UINT8, count: 1 },
  ];
  const storage = new Uint8Array(rowStep * c.height + c.shift);
  const data = storage.subarray(c.shift);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const expected: number[][] = [];
  for (let r = 0; r < c.height; r++) {
    for (let col = 0; col < width; col++) {
      const i = r * width + col;
      const at = r * rowStep + col * pointStep;
      const values: number[] = [];
      for (let k = 0; k < c.count; k++) {
        const label = c.label.split(' ')[0] as string;
        const x = sampleValue(label, i, k);
        c.set(view, at + c.padBefore + k * c.size, x, !c.bigEndian);
        values.push(x);
      }
      view.setUint8(at + tagOffset, i);
      expected.push(values);
    }
  }
  return {
    msg: { header: HEADER, height: c.height, width, fields, is_bigendian: c.bigEndian, point_step: pointStep, row_step: rowStep, data, is_dense: false },
    expected,
  };
}

describe('PointCloud2Reader field views', () => {
  it.each(cases.map((c) => [c.label, c]))('%s', (_label, c) => {
    const { msg, expected } = buildCloud(c);
    const cloud = readPointCloud2(msg);
    expect(cloud.pointCount).toBe(msg.width * msg.height);
    expect(cloud.hasField('v')).toBe(true);
    expect(cloud.hasField('w')).toBe(false);
    const view = cloud.field('v');
    const expectStrided = (c.size === 1 || !c.bigEndian) && c.shift % c.size === 0 && c.padBefore % c.size === 0 &&
      msg.point_step % c.size === 0 && msg.row_step % c.size === 0;
    expect(view.kind).toBe(expectStrided ? 'strided' : 'dataview');
    for (let i = 0; i < cloud.pointCount; i++) {
      for (let k = 0; k < c.count; k++) {
        expect(view.get(i, k)).toEqual(expected[i]?.[k]);
        if (view.kind === 'strided') {
          const row = Math.floor(i / msg.width);
          const col = i % msg.width;
          expect(view.array[view.offset + row * view.rowStride + col * view.stride + k]).toEqual(expected[i]?.[k]);
          // Zero-copy: the view shares the message's memory.
          expect(view.array.buffer).toBe(msg.data.buffer);
        }
      }
    }
    for (let k = 0; k < c.count; k++) {
      const out = new Float64Array(cloud.pointCount + 2).fill(-1);
      cloud.copyFieldInto('v', out, { component: k });
      expect(Array.from(out.subarray(0, cloud.pointCount))).toEqual(expected.map((v) => v[k]));
      expect(out[cloud.pointCount]).toBe(-1);
    }
    const tags = cloud.copyFieldInto('tag', new Uint16Array(cloud.pointCount));
    expect(Array.from(tags)).toEqual(Array.from({ length: cloud.pointCount }, (_, i) => i));
  });

  it('rejects unknown fields, bad components and short outputs with ValidationError', () => {
    const { msg } = buildCloud(cases[0] as Case);
    const cloud = new PointCloud2Reader(msg, { topic: 'lidar/points' });
    expect(() => cloud.field('nope')).toThrow(ValidationError);
    expect(() => cloud.copyFieldInto('v', new Float32Array(2))).toThrow(/too short/);
    expect(() => cloud.copyFieldInto('v', new Float32Array(100), { component: 1 })).toThrow(/component/);
  });
});

describe('validatePointCloud2', () => {
  const base = (): PointCloud2 => ({
    header: HEADER,
    height: 2,
    width: 3,
    fields: [
      { name: 'x', offset: 0, datatype: PointFieldType.FLOAT32, count: 1 },
      { name: 'y', offset: 4, datatype: PointFieldType.FLOAT32, count: 1 },
    ],
    is_bigendian: false,
    point_step: 8,
    row_step: 24,
    data: new Uint8Array(48),
    is_dense: true,
  });

  it('accepts a consistent cloud', () => {
    expect(() => validatePointCloud2(base())).not.toThrow();
  });

  it.each<[string, (m: PointCloud2) => PointCloud2, string]>([
    ['unknown datatype', (m) => ({ ...m, fields: [{ name: 'x', offset: 0, datatype: 9, count: 1 }] }), 'fields[0].datatype'],
    ['datatype 0', (m) => ({ ...m, fields: [{ name: 'x', offset: 0, datatype: 0, count: 1 }] }), 'fields[0].datatype'],
    ['count 0', (m) => ({ ...m, fields: [{ name: 'x', offset: 0, datatype: 7, count: 0 }] }), 'fields[0].count'],
    ['field overruns point_step', (m) => ({ ...m, fields: [{ name: 'x', offset: 6, datatype: 7, count: 1 }] }), 'fields[0].offset'],
    ['count overruns point_step', (m) => ({ ...m, fields: [{ name: 'x', offset: 0, datatype: 7, count: 3 }] }), 'fields[0].offset'],
    [
      'overlapping fields',
      (m) => ({ ...m, fields: [{ name: 'x', offset: 0, datatype: 7, count: 1 }, { name: 'y', offset: 2, datatype: 3, count: 1 }] }),
      'fields[1].offset',
    ],
    [
      'duplicate names',
      (m) => ({ ...m, fields: [{ name: 'x', offset: 0, datatype: 7, count: 1 }, { name: 'x', offset: 4, datatype: 7, count: 1 }] }),
      'fields[1].name',
    ],
    ['row_step < width × point_step', (m) => ({ ...m, row_step: 20, data: new Uint8Array(40) }), 'row_step'],
    ['data shorter than row_step × height', (m) => ({ ...m, data: new Uint8Array(47) }), 'data'],
    ['data longer than row_step × height', (m) => ({ ...m, data: new Uint8Array(49) }), 'data'],
  ])('%s → ValidationError at %s', (_name, mutate, field) => {
    try {
      validatePointCloud2(mutate(base()), { topic: 'lidar/points' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).context).toMatchObject({ topic: 'lidar/points', field });
      expect((error as ValidationError).context.expected).toBeTruthy();
    }
  });

  it('holds up under 10,000 random layouts: only ValidationError, and accepted layouts read in bounds', () => {
    const rand = seededRandom(0xc10d);
    let accepted = 0;
    for (let n = 0; n < 10_000; n++) {
      const fields: PointField[] = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, i) => ({
        name: `f${i}`,
        offset: Math.floor(rand() * 24),
        datatype: Math.floor(rand() * 10),
        count: Math.floor(rand() * 3),
      }));
      const width = Math.floor(rand() * 5);
      const height = Math.floor(rand() * 3);
      const pointStep = Math.floor(rand() * 32);
      const rowStep = width * pointStep + Math.floor(rand() * 3) - 1;
      const length = Math.max(0, rowStep * height + (rand() < 0.8 ? 0 : Math.floor(rand() * 5) - 2));
      const msg: PointCloud2 = { header: HEADER, height, width, fields, is_bigendian: rand() < 0.5, point_step: pointStep, row_step: rowStep, data: new Uint8Array(length), is_dense: true };
      try {
        const cloud = readPointCloud2(msg);
        accepted++;
        for (const f of fields) {
          const out = new Float64Array(cloud.pointCount);
          for (let k = 0; k < f.count; k++) cloud.copyFieldInto(f.name, out, { component: k });
          expect(out.every((v) => v === 0)).toBe(true);
        }
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
      }
    }
    expect(accepted).toBeGreaterThan(50);
  });
});

describe('PointCloud2Writer', () => {
  it('builds the Sensorium LiDAR layout into a reused buffer, readable and CDR-encodable', () => {
    const writer = new PointCloud2Writer({ fields: LIDAR_POINT_FIELDS, pointStep: LIDAR_POINT_STEP });
    expect(writer.pointStep).toBe(20);
    writer.begin(1000);
    const x = writer.field('x');
    const ring = writer.field('ring');
    expect(x.kind).toBe('strided');
    expect(ring.kind).toBe('strided');
    if (x.kind !== 'strided' || ring.kind !== 'strided') return;
    for (let i = 0; i < 1000; i++) {
      x.array[x.offset + i * x.stride] = i * 0.5;
      ring.array[ring.offset + i * ring.stride] = i % 64;
    }
    writer.field('y').set(3, Number.NaN);
    const msg = writer.finish(HEADER, { isDense: false });
    expect(msg).toMatchObject({ width: 1000, height: 1, point_step: 20, row_step: 20000, is_bigendian: false, is_dense: false });
    expect(msg.data.length).toBe(20000);

    const decoded = getCodec('sensor_msgs/msg/PointCloud2').decode(getCodec('sensor_msgs/msg/PointCloud2').encodeCopy(msg));
    const cloud = readPointCloud2(decoded);
    expect(cloud.fieldNames).toEqual(['x', 'y', 'z', 'intensity', 'ring']);
    expect(cloud.field('x').get(999)).toBe(499.5);
    expect(cloud.field('ring').get(65)).toBe(1);
    expect(cloud.field('y').get(3)).toBeNaN();
    expect(cloud.field('z').get(10)).toBe(0);

    // Same size again: same buffer, views reused, cleared.
    const before = msg.data.buffer;
    writer.begin(1000);
    expect(writer.field('x')).toBe(x);
    expect(writer.finish(HEADER).data.buffer).toBe(before);
    expect(x.array[x.offset + 999 * x.stride]).toBe(0);

    // Organised 4 × 250.
    writer.begin(1000, { height: 4 });
    const org = writer.finish(HEADER);
    expect(org).toMatchObject({ width: 250, height: 4, row_step: 5000 });
    expect(() => writer.begin(10, { height: 3 })).toThrow(ValidationError);
  });

  it('rejects an inconsistent layout at construction', () => {
    expect(() => new PointCloud2Writer({ fields: LIDAR_POINT_FIELDS, pointStep: 16 })).toThrow(ValidationError);
    expect(new PointCloud2Writer({ fields: LIDAR_POINT_FIELDS }).pointStep).toBe(20);
  });
});
