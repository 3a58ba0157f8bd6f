// Real data: an Ouster OS1-64 rosbag2-style MCAP (virtual-vehicle/pointcloudset, MIT).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { McapIndexedReader } from '@mcap/core';
import * as zstd from '@foxglove/wasm-zstd';
import { parse } from '@foxglove/rosmsg';
import { MessageReader } from '@foxglove/rosmsg2-serialization';
import { getCodec, isMessageType, messageDefinition, readPointCloud2 } from '../src/index.js';
import type { PointCloud2 } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MCAP_FILE = path.resolve(repoRoot, '../shared/data/real/mcap/ouster_os1-64_ros2.mcap');

interface Recorded {
  topic: string;
  schemaName: string;
  schemaText: string;
  data: Uint8Array;
}

let recorded: Recorded[] = [];

beforeAll(async () => {
  await zstd.isLoaded;
  const bytes = fs.readFileSync(MCAP_FILE);
  const reader = await McapIndexedReader.Initialize({
    readable: {
      size: async () => BigInt(bytes.length),
      read: async (offset, size) => bytes.subarray(Number(offset), Number(offset + size)),
    },
    decompressHandlers: { zstd: (buffer, size) => zstd.decompress(buffer, Number(size)) },
  });
  const out: Recorded[] = [];
  for await (const message of reader.readMessages()) {
    const channel = reader.channelsById.get(message.channelId);
    const schema = channel === undefined ? undefined : reader.schemasById.get(channel.schemaId);
    if (channel === undefined || schema === undefined) continue;
    out.push({ topic: channel.topic, schemaName: schema.name, schemaText: new TextDecoder().decode(schema.data), data: message.data });
  }
  recorded = out;
});

describe('ouster_os1-64_ros2.mcap', () => {
  it('holds the documented messages', () => {
    const counts: Record<string, number> = {};
    for (const m of recorded) counts[m.schemaName] = (counts[m.schemaName] ?? 0) + 1;
    expect(counts).toEqual({
      'sensor_msgs/msg/PointCloud2': 2,
      'sensor_msgs/msg/Imu': 17,
      'sensor_msgs/msg/Image': 6,
      'tf2_msgs/msg/TFMessage': 1,
    });
  });

  it('our definitions describe the same fields as the recorded ros2msg schemas', () => {
    for (const name of new Set(recorded.map((m) => m.schemaName))) {
      if (!isMessageType(name)) throw new Error(name);
      const theirs = recorded.find((m) => m.schemaName === name)?.schemaText ?? '';
      const strip = (defs: ReturnType<typeof parse>) =>
        defs
          .map((d) => ({ name: d.name ?? '<root>', fields: d.definitions.filter((f) => f.isConstant !== true).map((f) => `${f.type}${f.isArray === true ? `[${f.arrayLength ?? ''}]` : ''} ${f.name}`) }))
          .sort((a, b) => a.name.localeCompare(b.name));
      expect(strip(parse(messageDefinition(name), { ros2: true }))).toEqual(strip(parse(theirs, { ros2: true })));
    }
  });

  it('decodes every message, re-encodes it byte for byte, and agrees with @foxglove/rosmsg2-serialization', () => {
    expect(recorded.length).toBe(26);
    for (const m of recorded) {
      if (!isMessageType(m.schemaName)) throw new Error(`unexpected schema ${m.schemaName}`);
      const codec = getCodec(m.schemaName);
      const decoded = codec.decode(m.data, { topic: m.topic });
      const reencoded = codec.encodeCopy(decoded as never);
      expect(reencoded.length, m.topic).toBe(m.data.length);
      expect(Buffer.compare(reencoded, m.data), m.topic).toBe(0);
      const reference = new MessageReader(parse(m.schemaText, { ros2: true })).readMessage(m.data) as Record<string, unknown>;
      // Deep-equal of multi-MB byte arrays element by element is slow: compare `data` as bytes.
      const { data: ours, ...oursRest } = decoded as unknown as Record<string, unknown>;
      const { data: theirs, ...theirsRest } = reference;
      expect(oursRest, m.topic).toEqual(theirsRest);
      if (ours instanceof Uint8Array && theirs instanceof Uint8Array) expect(Buffer.compare(ours, theirs)).toBe(0);
      else expect(ours).toEqual(theirs);
    }
  });

  it('gives the documented PointCloud2 layout through zero-copy field views', () => {
    const clouds = recorded.filter((m) => m.schemaName === 'sensor_msgs/msg/PointCloud2');
    for (const m of clouds) {
      const msg = getCodec('sensor_msgs/msg/PointCloud2').decode(m.data, { topic: m.topic }) as PointCloud2;
      // The point data is a view into the recorded bytes, not a copy.
      expect(msg.data.buffer).toBe(m.data.buffer);
      expect(msg).toMatchObject({ height: 64, width: 2048, point_step: 48, is_bigendian: false });
      expect(msg.fields.map((f) => [f.name, f.offset, f.datatype, f.count])).toEqual([
        ['x', 0, 7, 1],
        ['y', 4, 7, 1],
        ['z', 8, 7, 1],
        ['intensity', 16, 7, 1],
        ['t', 20, 6, 1],
        ['reflectivity', 24, 4, 1],
        ['ring', 26, 2, 1],
        ['noise', 28, 4, 1],
        ['range', 32, 6, 1],
      ]);
      const cloud = readPointCloud2(msg, { topic: m.topic });
      expect(cloud.pointCount).toBe(131072);
      const x = cloud.copyFieldInto('x', new Float32Array(cloud.pointCount));
      const y = cloud.copyFieldInto('y', new Float32Array(cloud.pointCount));
      const z = cloud.copyFieldInto('z', new Float32Array(cloud.pointCount));
      const range = cloud.copyFieldInto('range', new Uint32Array(cloud.pointCount));
      const ring = cloud.copyFieldInto('ring', new Uint8Array(cloud.pointCount));
      let returns = 0;
      let maxRing = 0;
      let rangeMismatches = 0;
      for (let i = 0; i < cloud.pointCount; i++) {
        const hit = x[i] !== 0 || y[i] !== 0 || z[i] !== 0;
        if (hit) {
          returns++;
          // range is in mm; it agrees with |xyz| to within the sensor's beam-origin offset.
          const r = Math.hypot(x[i] as number, y[i] as number, z[i] as number);
          if (Math.abs(r * 1000 - (range[i] as number)) >= 100) rangeMismatches++;
        }
        maxRing = Math.max(maxRing, ring[i] as number);
      }
      expect(returns).toBeGreaterThan(40_000);
      expect(returns).toBeLessThan(52_000);
      expect(maxRing).toBe(63);
      expect(rangeMismatches).toBe(0);
      // Strided views agree with the DataView-based copy.
      const xv = cloud.field('x');
      if (xv.kind === 'strided') expect(xv.array[xv.offset + 1000 * xv.stride]).toBe(x[1000]);
    }
  });
});
