// Real data: the Ouster OS1-64 rosbag2 MCAP in /work/shared/data/real/mcap (virtual-vehicle/pointcloudset, MIT).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McapIndexedReader } from '@mcap/core';
import * as zstd from '@foxglove/wasm-zstd';
import { LocalTransport, SimClock, getCodec, isMessageType } from '@sensorium/core';
import type { MessageType } from '@sensorium/core';
import { createVizServer } from '../src/index.js';
import type { VizServer } from '../src/index.js';
import { TestClient, waitFor } from './fixtures.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MCAP_FILE = path.resolve(repoRoot, '../shared/data/real/mcap/ouster_os1-64_ros2.mcap');

interface Recorded { topic: string; type: MessageType; data: Uint8Array }

describe.skipIf(!fs.existsSync(MCAP_FILE))('real Ouster recording through the viz server', () => {
  let recorded: Recorded[] = [];
  let transport: LocalTransport;
  let server: VizServer;

  beforeAll(async () => {
    await zstd.isLoaded;
    const bytes = fs.readFileSync(MCAP_FILE);
    const reader = await McapIndexedReader.Initialize({
      readable: { size: async () => BigInt(bytes.length), read: async (offset, size) => bytes.subarray(Number(offset), Number(offset + size)) },
      decompressHandlers: { zstd: (buffer, size) => zstd.decompress(buffer, Number(size)) },
    });
    for await (const message of reader.readMessages()) {
      const channel = reader.channelsById.get(message.channelId);
      const schema = channel === undefined ? undefined : reader.schemasById.get(channel.schemaId);
      if (channel === undefined || schema === undefined || !isMessageType(schema.name)) continue;
      recorded.push({ topic: channel.topic, type: schema.name, data: message.data });
    }
    transport = new LocalTransport();
    server = await createVizServer({ transport, clock: new SimClock(), port: 0, topicPollMs: 20, viewer: { build: 'never' } });
  });

  afterAll(async () => {
    await server?.close();
    await transport?.close();
    recorded = [];
  });

  it('a FoxgloveClient receives every recorded point cloud and image byte-identical to the bag', async () => {
    const wanted = recorded.filter((m) => m.type === 'sensor_msgs/msg/PointCloud2' || m.type === 'sensor_msgs/msg/Image');
    const topics = [...new Set(wanted.map((m) => m.topic))];
    const publishers = new Map(topics.map((t) => [t, transport.advertise(t, wanted.find((m) => m.topic === t)!.type)]));
    const c = new TestClient(server.url);
    const name = (t: string): string => t.replace(/^\//, '');
    await c.until(() => topics.every((t) => c.channels.has(name(t))));
    for (const t of topics) c.subscribe(name(t));
    await waitFor(() => [...publishers.values()].every((p) => p.subscriberCount() > 0));
    let sent = 0;
    for (const m of wanted) {
      // One at a time: back to back, latest-wins would rightly drop frames of a busy sensor topic.
      publishers.get(m.topic)!.publish(getCodec(m.type).decode(m.data, { topic: m.topic }) as never);
      sent++;
      await c.until(() => [...c.raw.values()].reduce((n, l) => n + l.length, 0) === sent);
    }
    for (const t of topics) {
      const expected = wanted.filter((m) => m.topic === t).map((m) => m.data);
      const got = c.raw.get(name(t))!;
      expect(got.length, t).toBe(expected.length);
      got.forEach((bytes, i) => expect(Buffer.compare(Buffer.from(bytes), Buffer.from(expected[i]!)), `${t} #${i}`).toBe(0));
    }
    expect(sent).toBe(8);
    c.close();
  });
});
