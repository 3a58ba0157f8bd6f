import { parse as parseMessageDefinition } from '@foxglove/rosmsg';
import { MessageReader } from '@foxglove/rosmsg2-serialization';
import { LIDAR_POINT_FIELDS, LIDAR_POINT_STEP, MESSAGE_TYPES, getCodec, messageDefinition, readPointCloud2, seededRandom, type PointCloud2 } from '@sensorium/core';
import { randomMessage } from '../packages/core/test/support/cdrRandom.js';
import type { BenchEntry, BenchResult } from './BenchEntry.js';

let sink = 0;

/** Median ns per call of `fn` over `repetitions` timed batches of `batch` calls (one untimed warm-up batch). */
function nsPerCall(batch: number, repetitions: number, fn: () => void): number {
  const samples: number[] = [];
  for (let r = 0; r <= repetitions; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    const t1 = process.hrtime.bigint();
    if (r > 0) samples.push(Number(t1 - t0) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

/** A 100k-point cloud in the lidar layout (x y z intensity ring, point_step 20), values seeded. */
function cloud100k(): PointCloud2 {
  const points = 100_000;
  const data = new Uint8Array(points * LIDAR_POINT_STEP);
  const view = new DataView(data.buffer);
  const rand = seededRandom(7);
  for (let i = 0; i < points; i++) {
    for (let k = 0; k < 4; k++) view.setFloat32(i * LIDAR_POINT_STEP + k * 4, rand() * 50, true);
  }
  return {
    header: { stamp: { sec: 1, nanosec: 2 }, frame_id: 'lidar' },
    height: 1,
    width: points,
    fields: [...LIDAR_POINT_FIELDS],
    is_bigendian: false,
    point_step: LIDAR_POINT_STEP,
    row_step: points * LIDAR_POINT_STEP,
    data,
    is_dense: true,
  };
}

const result = (name: string, value: number, unit: string, baseline: { name: string; value: number }, goal: BenchResult['goal'], notes?: string): BenchResult => ({
  name,
  value,
  unit,
  baseline,
  ratio: value / baseline.value,
  goal,
  ...(notes === undefined ? {} : { notes }),
});

export const entries: BenchEntry[] = [
  {
    name: 'core.pointcloud2',
    async run({ quick }) {
      const codec = getCodec('sensor_msgs/msg/PointCloud2');
      const message = cloud100k();
      const bytes = codec.encodeCopy(message);
      const source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const target = Buffer.alloc(bytes.byteLength);
      const reps = quick ? 5 : 15;
      const batch = quick ? 20 : 60;
      const copy = nsPerCall(batch, reps, () => {
        sink += source.copy(target);
      });
      const decode = nsPerCall(batch, reps, () => {
        const cloud = codec.decode(bytes);
        const reader = readPointCloud2(cloud);
        for (const name of ['x', 'y', 'z', 'intensity']) sink += reader.field(name).get(99_999);
      });
      const encode = nsPerCall(batch, reps, () => {
        sink += codec.encode(message).length;
      });
      const baseline = { name: `Buffer.copy of ${(bytes.byteLength / 1e6).toFixed(1)} MB`, value: copy / 1000 };
      return [
        result('core.pointcloud2.decode_100k', decode / 1000, 'µs', baseline, { max: 1.0 }, 'CDR decode + validated x/y/z/intensity views (zero-copy)'),
        result('core.pointcloud2.encode_100k', encode / 1000, 'µs', baseline, { max: 1.25 }, 'encode into the codec’s reused buffer'),
      ];
    },
  },
  {
    name: 'core.cdr',
    async run({ quick }) {
      const rand = seededRandom(0xbe7c);
      const cases = MESSAGE_TYPES.map((type) => {
        const codec = getCodec(type);
        const samples = Array.from({ length: 8 }, () => codec.encodeCopy(randomMessage(rand, codec.schema) as never));
        const reader = new MessageReader(parseMessageDefinition(messageDefinition(type), { ros2: true }));
        return { codec, reader, samples };
      });
      const batch = quick ? 20 : 100;
      const reps = quick ? 5 : 11;
      const ours = nsPerCall(batch, reps, () => {
        for (const c of cases) for (const s of c.samples) sink += c.codec.decode(s) === undefined ? 0 : 1;
      });
      const foxglove = nsPerCall(batch, reps, () => {
        for (const c of cases) for (const s of c.samples) sink += c.reader.readMessage(s) === undefined ? 0 : 1;
      });
      const perPass = cases.length * 8;
      return [
        result(
          'core.cdr.decode_vs_foxglove',
          ours / perPass,
          'ns/msg',
          { name: '@foxglove/rosmsg2-serialization MessageReader', value: foxglove / perPass },
          { max: 1.0 },
          `${cases.length} message types × 8 seeded random messages`,
        ),
      ];
    },
  },
];

/** Keeps the measured work observable so it is not optimised away. */
export function benchSink(): number {
  return sink;
}
