import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { McapStreamReader, McapWriter } from '@mcap/core';
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  McapRecorder,
  McapSource,
  MemoryWritable,
  bytesReadable,
  parseOfferedQosProfiles,
  schemaMessageSerializer,
  type McapReadable,
} from '../src/index.js';
import { decompressHandlers } from '../src/io/mcap/mcapCompression.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUSTER = path.resolve(repoRoot, '../shared/data/real/mcap/ouster_os1-64_ros2.mcap');
const ousterBytes = readFileSync(OUSTER);

/** A readable that reads only by offset, like a file handle, and counts bytes read. */
function countingReadable(bytes: Uint8Array): McapReadable & { bytesRead: number } {
  const inner = bytesReadable(bytes);
  const readable = {
    bytesRead: 0,
    size: () => inner.size(),
    read: (offset: bigint, size: bigint) => {
      readable.bytesRead += Number(size);
      return inner.read(offset, size);
    },
  };
  return readable;
}

async function collect(source: McapSource): Promise<{ topic: string; logTime: bigint; data: Uint8Array }[]> {
  const out: { topic: string; logTime: bigint; data: Uint8Array }[] = [];
  for await (const m of source.messages()) out.push({ topic: m.topic, logTime: m.logTime, data: m.data.slice() });
  return out;
}

describe('McapSource on the real Ouster recording', () => {
  it('reads the summary through the index without reading every chunk', async () => {
    const readable = countingReadable(ousterBytes);
    const source = await McapSource.open(readable, { file: OUSTER });
    const { summary } = source;
    expect(summary.indexed).toBe(true);
    expect(summary.profile).toBe('ros2');
    expect(summary.compression).toEqual(['zstd']);
    expect(summary.messageCount).toBe(26);
    const counts = Object.fromEntries(summary.channels.map((c) => [c.topic, summary.messageCounts.get(c.id)]));
    expect(counts).toEqual({
      '/tf_static': 1,
      '/os1_cloud_node/imu': 17,
      '/os1_cloud_node/points': 2,
      '/img_node/range_image': 2,
      '/img_node/noise_image': 2,
      '/img_node/intensity_image': 2,
    });
    const types = Object.fromEntries(summary.channels.map((c) => [c.topic, c.type]));
    expect(types['/os1_cloud_node/points']).toBe('sensor_msgs/msg/PointCloud2');
    expect(types['/os1_cloud_node/imu']).toBe('sensor_msgs/msg/Imu');
    expect(summary.endTime > summary.startTime).toBe(true);
    // The summary comes from the end of the file: far less than the 2.6 MB of chunks is read.
    expect(readable.bytesRead).toBeLessThan(ousterBytes.byteLength / 10);
  });

  it('yields messages in log-time order and decodes them lazily with the file schema', async () => {
    const source = await McapSource.open(bytesReadable(ousterBytes), { file: OUSTER });
    let previous = -1n;
    let clouds = 0;
    for await (const m of source.messages()) {
      expect(m.logTime >= previous).toBe(true);
      previous = m.logTime;
      if (m.type === 'sensor_msgs/msg/PointCloud2') {
        clouds += 1;
        const cloud = m.message as { height: number; width: number; point_step: number; data: Uint8Array; fields: { name: string; offset: number }[] };
        expect([cloud.height, cloud.width, cloud.point_step]).toEqual([64, 2048, 48]);
        expect(cloud.data.byteLength).toBe(64 * 2048 * 48);
        expect(cloud.fields.map((f) => `${f.name}@${f.offset}`)).toEqual([
          'x@0', 'y@4', 'z@8', 'intensity@16', 't@20', 'reflectivity@24', 'ring@26', 'noise@28', 'range@32',
        ]);
      }
    }
    expect(clouds).toBe(2);
  });

  it('filters by topic and time', async () => {
    const source = await McapSource.open(bytesReadable(ousterBytes));
    const imu: bigint[] = [];
    for await (const m of source.messages({ topics: ['/os1_cloud_node/imu'] })) imu.push(m.logTime);
    expect(imu).toHaveLength(17);
    const from = imu[5] ?? 0n;
    const to = imu[9] ?? 0n;
    let n = 0;
    for await (const m of source.messages({ topics: ['/os1_cloud_node/imu'], startTime: from, endTime: to })) {
      expect(m.logTime >= from && m.logTime <= to).toBe(true);
      n += 1;
    }
    expect(n).toBe(5);
  });
});

describe('McapRecorder', () => {
  async function rerecord(options: { compression?: 'zstd' | 'none'; viaDecode: boolean }): Promise<Uint8Array> {
    const source = await McapSource.open(bytesReadable(ousterBytes));
    const schemas = new Map(source.summary.channels.map((c) => [c.type, c.schema]));
    const writable = new MemoryWritable();
    const recorder = await McapRecorder.create({
      writable,
      serializer: schemaMessageSerializer(schemas),
      compression: options.compression ?? 'zstd',
      chunkSize: 256 * 1024,
    });
    for await (const m of source.messages()) {
      const times = { logTime: m.logTime, publishTime: m.publishTime };
      if (options.viaDecode) await recorder.write(m.topic, m.type, m.message, times);
      else await recorder.writeSerialized(m.topic, m.type, m.data, times);
    }
    const stats = await recorder.close();
    expect(stats.messages).toBe(26);
    await expect(recorder.close()).resolves.toEqual(stats);
    return writable.bytes().slice();
  }

  it('round-trips the real recording byte for byte through decode and encode', async () => {
    const bytes = await rerecord({ viaDecode: true });
    const original = await collect(await McapSource.open(bytesReadable(ousterBytes)));
    const copy = await collect(await McapSource.open(bytesReadable(bytes)));
    expect(copy.map((m) => [m.topic, m.logTime])).toEqual(original.map((m) => [m.topic, m.logTime]));
    for (const [i, m] of copy.entries()) expect(Buffer.from(m.data).equals(Buffer.from(original[i]?.data ?? []))).toBe(true);
  });

  it('writes what rosbag2 writes: ros2 profile, ros2msg schemas with dependencies, cdr, zstd chunks, QoS metadata', async () => {
    const bytes = await rerecord({ viaDecode: false });
    // Read back with @mcap/core alone, streaming every record.
    const reader = new McapStreamReader({ includeChunks: true, decompressHandlers });
    reader.append(bytes);
    const chunks: string[] = [];
    let profile = '';
    const schemaText = new Map<string, string>();
    const channelMeta: { encoding: string; qos: string | undefined }[] = [];
    for (let record; (record = reader.nextRecord()); ) {
      if (record.type === 'Header') profile = record.profile;
      if (record.type === 'Chunk') chunks.push(record.compression);
      if (record.type === 'Schema') {
        expect(record.encoding).toBe('ros2msg');
        schemaText.set(record.name, new TextDecoder().decode(record.data));
      }
      if (record.type === 'Channel') channelMeta.push({ encoding: record.messageEncoding, qos: record.metadata.get('offered_qos_profiles') });
    }
    expect(reader.done()).toBe(true);
    expect(profile).toBe('ros2');
    expect(chunks.length).toBeGreaterThan(1);
    expect(new Set(chunks)).toEqual(new Set(['zstd']));
    expect(schemaText.get('sensor_msgs/msg/PointCloud2')).toContain('MSG: sensor_msgs/PointField');
    expect(channelMeta.every((c) => c.encoding === 'cdr')).toBe(true);
    expect(parseOfferedQosProfiles(channelMeta[0]?.qos)).toEqual({ reliability: 'reliable', history: 'keep_last', depth: 10, durability: 'volatile' });
  });

  it('writes uncompressed chunks when asked', async () => {
    const bytes = await rerecord({ compression: 'none', viaDecode: false });
    const source = await McapSource.open(bytesReadable(bytes));
    expect(source.summary.compression).toEqual(['none']);
    expect(source.summary.messageCount).toBe(26);
  });

  it('rejects a type it has no schema for, on that topic only', async () => {
    const recorder = await McapRecorder.create({ writable: new MemoryWritable(), serializer: schemaMessageSerializer(new Map()) });
    await expect(recorder.write('/x', 'pkg/msg/Unknown', {}, { logTime: 1n })).rejects.toThrow(/no schema/);
    expect((await recorder.close()).messages).toBe(0);
  });
});

describe('McapSource fallbacks and errors', () => {
  it('streams an unindexed, unchunked file and sorts it by log time', async () => {
    const writable = new MemoryWritable();
    const writer = new McapWriter({ writable, useChunks: false, useStatistics: false, useSummaryOffsets: false, useChunkIndex: false, useMessageIndex: false });
    await writer.start({ profile: 'ros2', library: 'test' });
    const schemaId = await writer.registerSchema({ name: 'std_msgs/msg/String', encoding: 'ros2msg', data: new TextEncoder().encode('string data') });
    const channelId = await writer.registerChannel({ topic: '/chatter', schemaId, messageEncoding: 'cdr', metadata: new Map() });
    const serializer = schemaMessageSerializer(new Map([['std_msgs/msg/String', 'string data']]));
    for (const [t, text] of [[3n, 'c'], [1n, 'a'], [2n, 'b']] as const) {
      await writer.addMessage({ channelId, sequence: 0, logTime: t, publishTime: t, data: serializer.serialize('std_msgs/msg/String', { data: text }).slice() });
    }
    await writer.end();
    const source = await McapSource.open(bytesReadable(writable.bytes()));
    expect(source.summary.indexed).toBe(false);
    const texts: string[] = [];
    for await (const m of source.messages()) texts.push((m.message as { data: string }).data);
    expect(texts).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['not MCAP at all', (b: Uint8Array) => new TextEncoder().encode('hello, this is not a recording at all, not even close').subarray(0, b.length)],
    ['truncated in the middle', (b: Uint8Array) => b.slice(0, Math.floor(b.byteLength / 2))],
  ])('%s → DecodeError naming the file and offset', async (_name, corrupt) => {
    const bytes = corrupt(ousterBytes);
    const error = await McapSource.open(bytesReadable(bytes), { file: 'broken.mcap' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    const decodeError = error as DecodeError;
    expect(decodeError.context.file).toBe('broken.mcap');
    expect(typeof decodeError.context.offset).toBe('number');
    expect(decodeError.message).toContain('broken.mcap');
  });

  it('a damaged chunk in an indexed file → DecodeError at that chunk when read', async () => {
    const bytes = ousterBytes.slice();
    const source0 = await McapSource.open(bytesReadable(ousterBytes));
    expect(source0.summary.chunkCount).toBeGreaterThan(1);
    // Flip bytes in the middle of the first chunk's compressed data; the summary at the end stays intact.
    for (let i = 2000; i < 2100; i++) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    const source = await McapSource.open(bytesReadable(bytes), { file: 'damaged.mcap' });
    const error = await collect(source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).context).toMatchObject({ file: 'damaged.mcap' });
    expect((error as DecodeError).context.offset).toBeLessThan(2000);
  });

  it('reads lz4-compressed chunks', async () => {
    // An LZ4 frame whose single block is stored uncompressed (high bit of the block size): valid LZ4 that
    // needs no encoder, and still goes through the lz4 decompressor.
    const lz4Frame = (payload: Uint8Array): Uint8Array => {
      const header = [0x04, 0x22, 0x4d, 0x18, 0x60, 0x70, 0x73]; // magic, FLG (v01, block independent), BD (4 MB), HC
      const out = new Uint8Array(header.length + 4 + payload.byteLength + 4);
      out.set(header, 0);
      new DataView(out.buffer).setUint32(header.length, (payload.byteLength | 0x80000000) >>> 0, true);
      out.set(payload, header.length + 4);
      return out; // EndMark (0) already zero
    };
    const writable = new MemoryWritable();
    const writer = new McapWriter({ writable, compressChunk: (data) => ({ compression: 'lz4', compressedData: lz4Frame(data) }) });
    await writer.start({ profile: 'ros2', library: 'test' });
    const schemaId = await writer.registerSchema({ name: 'std_msgs/msg/String', encoding: 'ros2msg', data: new TextEncoder().encode('string data') });
    const channelId = await writer.registerChannel({ topic: '/chatter', schemaId, messageEncoding: 'cdr', metadata: new Map() });
    const serializer = schemaMessageSerializer(new Map([['std_msgs/msg/String', 'string data']]));
    await writer.addMessage({ channelId, sequence: 0, logTime: 5n, publishTime: 5n, data: serializer.serialize('std_msgs/msg/String', { data: 'lz4!' }).slice() });
    await writer.end();
    const source = await McapSource.open(bytesReadable(writable.bytes()));
    expect(source.summary.compression).toEqual(['lz4']);
    const texts: string[] = [];
    for await (const m of source.messages()) texts.push((m.message as { data: string }).data);
    expect(texts).toEqual(['lz4!']);
  });
});
