import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, LocalTransport, SimClock, getCodec } from '@sensorium/core';
import { createVizServer } from '../src/index.js';
import type { VizServer } from '../src/index.js';
import { TestClient, makeCloud, waitFor } from './fixtures.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function start(extra: Partial<Parameters<typeof createVizServer>[0]> = {}): Promise<{ server: VizServer; transport: LocalTransport }> {
  const transport = new LocalTransport();
  const server = await createVizServer({ transport, clock: new SimClock(), port: 0, topicPollMs: 20, viewer: { build: 'never' }, ...extra });
  cleanup.push(async () => {
    await server.close();
    await transport.close();
  });
  return { server, transport };
}

function client(url: string, options?: ConstructorParameters<typeof TestClient>[1]): TestClient {
  const c = new TestClient(url, options);
  cleanup.push(async () => c.close());
  return c;
}

const GOAL = { header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' }, pose: { position: { x: 1, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } };

describe('viz server security', () => {
  it('refuses a non-loopback bind without allowNonLoopback', async () => {
    const transport = new LocalTransport();
    await expect(createVizServer({ transport, host: '0.0.0.0', port: 0, viewer: { build: 'never' } })).rejects.toThrow(ConfigError);
    await expect(createVizServer({ transport, host: '0.0.0.0', port: 0, viewer: { build: 'never' } })).rejects.toThrow(/allowNonLoopback/);
    await transport.close();
  });

  it('binds a non-loopback address when allowNonLoopback is set', async () => {
    const { server } = await start({ host: '0.0.0.0', allowNonLoopback: true });
    expect(server.port).toBeGreaterThan(0);
  });

  it('refuses client publishing without the token, and when publishing is disabled', async () => {
    for (const clientPublish of [{ token: 'the-right-token' }, undefined]) {
      const { server, transport } = await start(clientPublish === undefined ? {} : { clientPublish });
      const goals: unknown[] = [];
      transport.subscribe('/goal_pose', 'geometry_msgs/msg/PoseStamped').subscribe((g) => goals.push(g));
      const c = client(server.url, clientPublish === undefined ? { token: 'the-right-token' } : { token: 'wrong-token-xx' });
      await c.until(() => c.ws.readyState === WebSocket.OPEN);
      const id = c.client.advertise({ topic: '/goal_pose', encoding: 'cdr', schemaName: 'geometry_msgs/msg/PoseStamped' });
      c.client.sendMessage(id, getCodec('geometry_msgs/msg/PoseStamped').encodeCopy(GOAL));
      await c.until(() => c.statuses.length >= 2);
      expect(c.statuses.join('\n')).toMatch(clientPublish === undefined ? /disabled/ : /token/);
      expect(goals).toHaveLength(0);
      expect(server.stats()['client_published']).toBe(0);
    }
  });

  it('refuses topics outside the allowed set even with the token', async () => {
    const { server, transport } = await start({ clientPublish: { token: 'the-right-token', topics: ['goal_pose'] } });
    const cmds: unknown[] = [];
    transport.subscribe('/cmd_vel_raw', 'geometry_msgs/msg/Twist').subscribe((m) => cmds.push(m));
    const c = client(server.url, { token: 'the-right-token' });
    await c.until(() => c.ws.readyState === WebSocket.OPEN);
    c.client.advertise({ topic: '/cmd_vel_raw', encoding: 'cdr', schemaName: 'geometry_msgs/msg/Twist' });
    await c.until(() => c.statuses.length >= 1);
    expect(c.statuses[0]).toMatch(/refused for \/cmd_vel_raw/);
    expect(cmds).toHaveLength(0);
  });

  it('closes only the client that sends an oversized frame', async () => {
    const { server, transport } = await start({ maxMessageBytes: 4096 });
    const lidar = transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2');
    const good = client(server.url);
    const bad = client(server.url);
    await good.until(() => good.channels.has('lidar/points') && bad.ws.readyState === WebSocket.OPEN);
    bad.ws.send(JSON.stringify({ op: 'subscribe', subscriptions: [], pad: 'x'.repeat(10_000) }));
    await bad.until(() => bad.closeCode !== undefined);
    expect(bad.closeCode).toBe(1009);
    good.subscribe('lidar/points');
    await waitFor(() => lidar.subscriberCount() === 1);
    lidar.publish(makeCloud(10));
    await good.until(() => (good.received.get('lidar/points')?.length ?? 0) === 1);
    expect(good.closeCode).toBeUndefined();
  });

  it('closes only the client that sends a malformed frame', async () => {
    const { server, transport } = await start();
    const lidar = transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2');
    const good = client(server.url);
    const badJson = client(server.url);
    const badBinary = client(server.url);
    const badShape = client(server.url);
    await good.until(() => good.channels.has('lidar/points') && [badJson, badBinary, badShape].every((c) => c.ws.readyState === WebSocket.OPEN));
    badJson.ws.send('{"op": "subscribe", ');
    badBinary.ws.send(new Uint8Array([9, 1, 2]));
    badShape.ws.send(JSON.stringify({ op: 'subscribe', subscriptions: [{ id: 'x', channelId: -1 }] }));
    await waitFor(() => [badJson, badBinary, badShape].every((c) => c.closeCode !== undefined));
    expect([badJson.closeCode, badBinary.closeCode, badShape.closeCode]).toEqual([1007, 1003, 1008]);
    good.subscribe('lidar/points');
    await waitFor(() => lidar.subscriberCount() === 1);
    lidar.publish(makeCloud(10));
    await good.until(() => (good.received.get('lidar/points')?.length ?? 0) === 1);
    expect(good.closeCode).toBeUndefined();
    expect(server.clients()).toHaveLength(1);
  });

  it('refuses a browser page from a foreign origin', async () => {
    const { server } = await start();
    const ws = new WebSocket(server.url.replace('http', 'ws'), ['foxglove.websocket.v1'], { origin: 'http://evil.example' });
    ws.on('error', () => undefined); // terminate() after the 401 reports an error we expect
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    ws.terminate();
    expect(status).toBe(401);
    const own = client(server.url, { origin: `http://127.0.0.1:${server.port}` });
    await own.until(() => own.ws.readyState === WebSocket.OPEN);
  });

  it('a client that stops reading costs at most its queue bound; the publisher never blocks', async () => {
    const maxBufferedBytes = 1 << 20;
    const { server, transport } = await start({ maxBufferedBytes });
    const lidar = transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2');
    const slow = client(server.url);
    await slow.until(() => slow.channels.has('lidar/points'));
    slow.subscribe('lidar/points');
    await waitFor(() => lidar.subscriberCount() === 1);
    slow.ws.pause(); // stops reading: the kernel buffers fill, then the server's socket buffer
    const cloud = makeCloud(20_000); // 400 kB per frame
    const frameBytes = cloud.data.byteLength + 200;
    let peak = 0;
    for (let i = 0; i < 300; i++) {
      lidar.publish(cloud); // synchronous: returns whether or not the client reads
      if (i % 10 === 9) await new Promise((r) => setImmediate(r)); // let the socket flush what the kernel takes
      peak = Math.max(peak, server.clients()[0]!.queuedBytes);
    }
    const stats = server.clients()[0]!;
    // Socket buffer bound + at most one waiting frame for this latest-wins subscription (+ the frame in flight).
    expect(peak).toBeLessThanOrEqual(maxBufferedBytes + 2 * frameBytes);
    expect(stats.queuedFrames).toBeLessThanOrEqual(1);
    expect(stats.droppedFrames).toBeGreaterThan(200);
    // 300 × 400 kB = 120 MB published; the client got only what fits in the kernel and socket buffers.
    expect(stats.sentFrames).toBeLessThan(100);
  });
});
