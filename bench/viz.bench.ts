import { WebSocketServer } from 'ws';
import WebSocket from 'ws';
import type { AddressInfo } from 'node:net';
import foxglove from '@foxglove/ws-protocol';
import { parse } from '@foxglove/rosmsg';
import { MessageReader } from '@foxglove/rosmsg2-serialization';
import { LIDAR_POINT_FIELDS, LIDAR_POINT_STEP, LocalTransport, SimClock, getCodec, messageDefinition } from '@sensorium/core';
import type { PointCloud2 } from '@sensorium/core';
import { createVizServer } from '@sensorium/viz';
import type { BenchEntry, BenchResult } from './BenchEntry.js';

const { FoxgloveClient } = foxglove;
const POINTS = 100_000;
const PERIOD_MS = 100; // 10 Hz, as the LiDAR publishes

function cloud(n: number): PointCloud2 {
  const data = new Uint8Array(n * LIDAR_POINT_STEP);
  const view = new DataView(data.buffer);
  let s = 12345;
  const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < n; i++) {
    const o = i * LIDAR_POINT_STEP;
    view.setFloat32(o, rnd() * 40 - 20, true);
    view.setFloat32(o + 4, rnd() * 40 - 20, true);
    view.setFloat32(o + 8, rnd() * 3 - 1, true);
    view.setFloat32(o + 12, rnd(), true);
    view.setUint16(o + 16, i % 32, true);
  }
  return { header: { stamp: { sec: 1, nanosec: 0 }, frame_id: 'lidar_link' }, height: 1, width: n, fields: LIDAR_POINT_FIELDS.map((f) => ({ ...f })), is_bigendian: false, point_step: LIDAR_POINT_STEP, row_step: n * LIDAR_POINT_STEP, data, is_dense: true };
}

const reader = (): MessageReader => new MessageReader(parse(messageDefinition('sensor_msgs/msg/PointCloud2'), { ros2: true }));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Path {
  /** Sends one cloud; resolves when the client has decoded it. */
  once(): Promise<void>;
  close(): Promise<void>;
}

/** publish → decoded in a FoxgloveClient, through createVizServer. */
async function vizPath(c: PointCloud2): Promise<Path & { wireBytes(): number }> {
  const transport = new LocalTransport();
  const server = await createVizServer({ transport, clock: new SimClock(), port: 0, topicPollMs: 20, viewer: { build: 'never' } });
  const pub = transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2');
  const ws = new WebSocket(server.url.replace('http', 'ws'), [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
  const client = new FoxgloveClient({ ws: ws as never });
  const r = reader();
  let decoded: (() => void) | undefined;
  let wireBytes = 0;
  client.on('advertise', (channels) => {
    const ch = channels.find((x) => x.topic === '/lidar/points');
    if (ch !== undefined) client.subscribe(ch.id);
  });
  client.on('message', ({ data }) => {
    wireBytes = data.byteLength + 13; // + opcode, subscription id, timestamp
    if (r.readMessage<{ width: number }>(data).width !== c.width) throw new Error('bad decode');
    decoded?.();
  });
  while (pub.subscriberCount() === 0) await tick(5);
  return {
    once: () => {
      const done = new Promise<void>((resolve) => (decoded = resolve));
      pub.publish(c);
      return done;
    },
    wireBytes: () => wireBytes,
    close: async () => {
      ws.close();
      await server.close();
      await transport.close();
    },
  };
}

/** Baseline: the same CDR bytes, already encoded, through a bare `ws` server to a bare client that decodes them. */
async function rawPath(c: PointCloud2): Promise<Path> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const bytes = getCodec('sensor_msgs/msg/PointCloud2').encodeCopy(c);
  const connected = new Promise<WebSocket>((r) => wss.once('connection', (s) => r(s)));
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  ws.binaryType = 'arraybuffer';
  const server = await connected;
  const r = reader();
  let decoded: (() => void) | undefined;
  ws.on('message', (data: ArrayBuffer) => {
    if (r.readMessage<{ width: number }>(new Uint8Array(data)).width !== c.width) throw new Error('bad decode');
    decoded?.();
  });
  return {
    once: () => {
      const done = new Promise<void>((resolve) => (decoded = resolve));
      server.send(bytes);
      return done;
    },
    close: async () => {
      ws.close();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

/** Both paths at 10 Hz, interleaved frame by frame so machine load hits both alike; median ms each. */
async function latencies(frames: number): Promise<{ viz: number; raw: number; wireBytes: number }> {
  const c = cloud(POINTS);
  const viz = await vizPath(c);
  const raw = await rawPath(c);
  const v: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < frames + 2; i++) {
    // Alternate which path goes first: the second of a pair pays for the first's garbage and socket
    // work still in flight, which otherwise biases the ratio against whichever always runs second.
    for (const [path, out] of (i % 2 === 0 ? [[raw, b], [viz, v]] : [[viz, v], [raw, b]]) as [Path, number[]][]) {
      const t0 = performance.now();
      await path.once();
      const dt = performance.now() - t0;
      if (i >= 2) out.push(dt); // two warm-up clouds
      await tick(Math.max(0, PERIOD_MS / 2 - dt));
    }
  }
  const wireBytes = viz.wireBytes();
  await viz.close();
  await raw.close();
  return { viz: median(v), raw: median(b), wireBytes };
}

/** The cloud as rosbridge-style JSON: the message's fields as JSON, point data as one object per point. */
function jsonBytes(c: PointCloud2): { objects: number; base64: number } {
  const view = new DataView(c.data.buffer, c.data.byteOffset, c.data.byteLength);
  const points = [];
  for (let i = 0; i < c.width * c.height; i++) {
    const o = i * c.point_step;
    points.push({ x: view.getFloat32(o, true), y: view.getFloat32(o + 4, true), z: view.getFloat32(o + 8, true), intensity: view.getFloat32(o + 12, true), ring: view.getUint16(o + 16, true) });
  }
  const { data: _data, ...rest } = c;
  return {
    objects: Buffer.byteLength(JSON.stringify({ op: 'publish', topic: '/lidar/points', msg: { ...rest, points } })),
    base64: Buffer.byteLength(JSON.stringify({ op: 'publish', topic: '/lidar/points', msg: { ...rest, data: Buffer.from(c.data).toString('base64') } })),
  };
}

export const entries: BenchEntry[] = [
  {
    name: 'viz.pointcloud',
    async run({ quick }): Promise<BenchResult[]> {
      const frames = quick ? 10 : 40;
      const { viz: vizMs, raw, wireBytes } = await latencies(frames);
      const viz = { ms: vizMs, wireBytes };
      const json = jsonBytes(cloud(POINTS));
      return [
        {
          name: 'viz.pointcloud.latency_ms',
          value: viz.ms,
          unit: 'ms',
          baseline: { name: 'bare ws send of the same CDR bytes → decoded', value: raw },
          ratio: viz.ms / raw,
          goal: { max: 1.5 },
          notes: `${POINTS} points (${(viz.wireBytes / 1e6).toFixed(2)} MB/frame) at 10 Hz, median of ${frames}; both decode with @foxglove/rosmsg2-serialization`,
        },
        {
          name: 'viz.pointcloud.bytes_vs_json',
          value: viz.wireBytes,
          unit: 'bytes',
          baseline: { name: 'rosbridge-style JSON, one object per point', value: json.objects },
          ratio: viz.wireBytes / json.objects,
          goal: { max: 0.2 },
          notes: `JSON with the data field base64 (rosbridge's uint8[] encoding) would be ${json.base64} bytes, ratio ${(viz.wireBytes / json.base64).toFixed(2)}`,
        },
      ];
    },
  },
];
