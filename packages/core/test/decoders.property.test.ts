import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LocalTransport,
  McapRecorder,
  McapSource,
  MemoryWritable,
  SensoriumError,
  SimClock,
  bytesReadable,
  convertImageInto,
  coreMessageSerializer,
  imageView,
  readPointCloud2,
  recordTransport,
  validateImage,
  validatePointCloud2,
  type Image,
  type PointCloud2,
} from '../src/index.js';

/** Runs `fn`; any exception other than a SensoriumError fails the property (with the input printed by fast-check). */
function onlySensoriumErrors(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    if (error instanceof SensoriumError) return true;
    throw error;
  }
}

const uint32ish = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constantFrom(-1, 0.5, 2 ** 32, 2 ** 31, NaN, 4294967295));

describe('PointCloud2 validation and views under random layouts', () => {
  const field = fc.record({
    name: fc.constantFrom('x', 'y', 'z', 'intensity', 'ring', 'x', ''),
    offset: uint32ish,
    datatype: fc.integer({ min: -1, max: 10 }),
    count: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(-2)),
  });
  const cloud = fc.record({
    width: uint32ish,
    height: uint32ish,
    point_step: uint32ish,
    row_step: fc.oneof(uint32ish, fc.integer({ min: 0, max: 2000 })),
    is_bigendian: fc.boolean(),
    fields: fc.array(field, { maxLength: 5 }),
    data: fc.uint8Array({ maxLength: 600 }),
  });
  it('10,000 random clouds: validate + read every field, or a SensoriumError', () => {
    fc.assert(
      fc.property(cloud, (c) =>
        onlySensoriumErrors(() => {
          const msg: PointCloud2 = { header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, is_dense: false, ...c };
          validatePointCloud2(msg, { topic: '/fuzz' });
          const reader = readPointCloud2(msg, { topic: '/fuzz' });
          const n = msg.width * msg.height;
          for (const f of msg.fields) if (n > 0) reader.field(f.name).get(n - 1);
        }),
      ),
      { seed: 11, numRuns: 10_000 },
    );
  });
});

describe('Image validation, views and conversion under random input', () => {
  const encodings = ['rgb8', 'bgr8', 'rgba8', 'bgra8', 'mono8', 'mono16', '16UC1', '32FC1'] as const;
  const image = fc.record({
    width: uint32ish,
    height: uint32ish,
    step: fc.oneof(uint32ish, fc.integer({ min: 0, max: 300 })),
    encoding: fc.oneof(fc.constantFrom(...encodings), fc.string({ maxLength: 6 })),
    is_bigendian: fc.constantFrom(0, 1, 2),
    data: fc.uint8Array({ maxLength: 600 }),
    offset: fc.integer({ min: 0, max: 3 }),
  });
  // Well-formed images mutated one field at a time, so the valid path is exercised too.
  const mutated = fc
    .tuple(fc.constantFrom(...encodings), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: -3, max: 3 }))
    .map(([encoding, width, height, pad, which, delta]) => {
      const bpp = { rgb8: 3, bgr8: 3, rgba8: 4, bgra8: 4, mono8: 1, mono16: 2, '16UC1': 2, '32FC1': 4 }[encoding];
      const step = width * bpp + pad;
      const img = { width, height, step, encoding: encoding as string, is_bigendian: 0, data: new Uint8Array(step * height).fill(0x7f), offset: 0 };
      if (which === 1) img.step += delta;
      if (which === 2) img.data = img.data.subarray(0, Math.max(0, img.data.length + delta));
      if (which === 3) img.width += delta;
      if (which === 4) img.is_bigendian = 1;
      return img;
    });
  it('10,000 random and mutated images: validate, view, convert to every encoding, or a ValidationError', () => {
    const outs = { uint8: new Uint8Array(4096), uint16: new Uint16Array(4096), float32: new Float32Array(4096) };
    fc.assert(
      fc.property(fc.oneof(image, mutated), ({ offset, data, ...rest }) =>
        onlySensoriumErrors(() => {
          // An unaligned byteOffset exercises the DataView path.
          const shifted = new Uint8Array(data.length + offset);
          shifted.set(data, offset);
          const msg: Image = { header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, ...rest, data: shifted.subarray(offset) };
          const info = validateImage(msg);
          const view = imageView(msg);
          if (view.width > 0 && view.height > 0) view.get(view.width - 1, view.height - 1, info.channels - 1);
          if (msg.width * msg.height * 4 <= 4096) {
            for (const target of encodings) {
              const kind = target === '32FC1' ? 'float32' : target === 'mono16' || target === '16UC1' ? 'uint16' : 'uint8';
              convertImageInto(msg, outs[kind], { encoding: target });
            }
          }
        }),
      ),
      { seed: 12, numRuns: 10_000 },
    );
  });
});

describe('MCAP reader under mutated files', () => {
  it('10,000 mutated recordings: open, read and decode every message, or a SensoriumError (never a hang)', async () => {
    // A small real recording: two topics, zstd and uncompressed chunks.
    const seeds: Uint8Array[] = [];
    for (const compression of ['zstd', 'none'] as const) {
      const transport = new LocalTransport();
      const clock = new SimClock();
      const writable = new MemoryWritable();
      const recorder = await McapRecorder.create({ writable, serializer: coreMessageSerializer(), compression, chunkSize: 200 });
      const pub = transport.advertise('/cmd_vel', 'geometry_msgs/msg/Twist');
      const str = transport.advertise('/s', 'std_msgs/msg/String');
      const recording = recordTransport(transport, recorder, { clock, topics: ['/cmd_vel', '/s'] });
      for (let i = 0; i < 6; i++) {
        pub.publish({ linear: { x: i, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
        str.publish({ data: 'hello'.repeat(i) });
        clock.advanceBy(0.1);
      }
      recording.stop();
      await recorder.close();
      seeds.push(writable.bytes());
    }
    const input = fc.oneof(
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
      {
        weight: 6,
        arbitrary: fc
          .tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { maxLength: 4 }), fc.option(fc.nat()), fc.option(fc.tuple(fc.nat(), fc.nat({ max: 255 }))))
          .map(([which, flips, cut, set]) => {
            let bytes = (seeds[which] as Uint8Array).slice();
            for (const [pos, bit] of flips) bytes[pos % bytes.length]! ^= 1 << bit;
            if (set !== null) bytes[set[0] % bytes.length] = set[1];
            if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
            return bytes;
          }),
      },
    );
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(input, async (bytes) => {
        try {
          const source = await McapSource.open(bytesReadable(bytes), { file: 'fuzz.mcap' });
          opened += 1;
          for await (const m of source.messages()) void m.message;
        } catch (error) {
          if (!(error instanceof SensoriumError)) throw error;
        }
      }),
      { seed: 13, numRuns: 10_000 },
    );
    // The mutations must leave a good share readable, or the property tests only the front door.
    expect(opened).toBeGreaterThan(250);
  });
});
