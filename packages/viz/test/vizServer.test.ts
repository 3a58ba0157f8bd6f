import { afterEach, describe, expect, it } from 'vitest';
import { LocalTransport, SimClock, getCodec } from '@sensorium/core';
import { createVizServer } from '../src/index.js';
import type { VizServer } from '../src/index.js';
import { TestClient, waitFor, makeCloud, makeImage, makeWeights } from './fixtures.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function start(extra: Partial<Parameters<typeof createVizServer>[0]> = {}): Promise<{ server: VizServer; transport: LocalTransport; clock: SimClock }> {
  const transport = new LocalTransport();
  const clock = new SimClock();
  const server = await createVizServer({ transport, clock, port: 0, topicPollMs: 20, viewer: { build: 'never' }, ...extra });
  cleanup.push(async () => {
    await server.close();
    await transport.close();
  });
  return { server, transport, clock };
}

function client(url: string, options?: ConstructorParameters<typeof TestClient>[1]): TestClient {
  const c = new TestClient(url, options);
  cleanup.push(async () => c.close());
  return c;
}

describe('createVizServer', () => {
  it('a real FoxgloveClient subscribes to lidar/points, camera/image_raw and fusion/gating and decodes them with rosmsg2-serialization', async () => {
    const { server, transport } = await start();
    const lidar = transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2');
    const camera = transport.advertise('/camera/image_raw', 'sensor_msgs/msg/Image');
    const gating = transport.advertise('/fusion/gating', 'sensorium_msgs/msg/ModalityWeights');
    const c = client(server.url);
    await c.until(() => c.channels.has('lidar/points') && c.channels.has('camera/image_raw') && c.channels.has('fusion/gating'));
    const ch = c.channels.get('lidar/points')!;
    expect(ch).toMatchObject({ encoding: 'cdr', schemaName: 'sensor_msgs/msg/PointCloud2', schemaEncoding: 'ros2msg' });
    expect(ch.schema).toContain('MSG: sensor_msgs/PointField');
    for (const t of ['lidar/points', 'camera/image_raw', 'fusion/gating']) c.subscribe(t);
    await c.until(() => lidar.subscriberCount() > 0 && camera.subscriberCount() > 0 && gating.subscriberCount() > 0);

    const cloud = makeCloud(1000, 3);
    const image = makeImage();
    lidar.publish(cloud);
    camera.publish(image);
    gating.publish(makeWeights(0.8));
    await c.until(() => ['lidar/points', 'camera/image_raw', 'fusion/gating'].every((t) => (c.received.get(t)?.length ?? 0) > 0));

    const gotCloud = c.received.get('lidar/points')![0] as { width: number; point_step: number; data: Uint8Array; fields: { name: string }[]; header: { frame_id: string } };
    expect(gotCloud.width).toBe(1000);
    expect(gotCloud.point_step).toBe(20);
    expect(gotCloud.fields.map((f) => f.name)).toEqual(['x', 'y', 'z', 'intensity', 'ring']);
    expect(gotCloud.header.frame_id).toBe('lidar_link');
    expect(Buffer.from(gotCloud.data).equals(Buffer.from(cloud.data))).toBe(true);
    const gotImage = c.received.get('camera/image_raw')![0] as { encoding: string; width: number; data: Uint8Array };
    expect(gotImage.encoding).toBe('rgb8');
    expect(Buffer.from(gotImage.data).equals(Buffer.from(image.data))).toBe(true);
    const gotWeights = c.received.get('fusion/gating')![0] as { modalities: string[]; weights: Float32Array; active_modules: string[] };
    expect(gotWeights.modalities).toEqual(['vision', 'lidar', 'audio', 'touch']);
    expect(gotWeights.weights[0]).toBeCloseTo(0.8, 6);
    expect(gotWeights.active_modules).toEqual(['point_encoder']);
    // Byte-identical to core's codec: the same CDR ROS 2 would put on the wire.
    expect(c.bytes.get('lidar/points')).toBe(getCodec('sensor_msgs/msg/PointCloud2').encode(cloud).byteLength);
  });

  it('delivers back-to-back clouds intact although codec buffers and frames are reused', async () => {
    const { server, transport } = await start();
    const lidar = transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2');
    const c = client(server.url);
    await c.until(() => c.channels.has('lidar/points'));
    c.subscribe('lidar/points');
    await waitFor(() => lidar.subscriberCount() === 1);
    const clouds = [1, 2, 3, 4, 5, 6].map((seed) => makeCloud(5000 + seed, seed));
    for (const cloud of clouds) lidar.publish(cloud);
    await c.until(() => (c.received.get('lidar/points')?.length ?? 0) === clouds.length);
    const got = c.received.get('lidar/points') as { width: number; data: Uint8Array }[];
    got.forEach((m, i) => {
      expect(m.width).toBe(clouds[i]!.width);
      expect(Buffer.from(m.data).equals(Buffer.from(clouds[i]!.data))).toBe(true);
    });
  });

  it('unsubscribes from the transport when the last client leaves', async () => {
    const { server, transport } = await start();
    const lidar = transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2');
    const c = client(server.url);
    await c.until(() => c.channels.has('lidar/points'));
    c.subscribe('lidar/points');
    await c.until(() => lidar.subscriberCount() === 1);
    c.close();
    await c.until(() => c.closeCode !== undefined);
    await waitFor(() => lidar.subscriberCount() === 0);
    expect(lidar.subscriberCount()).toBe(0);
  });

  it('sends latched history (sim/world) to a late subscriber', async () => {
    const { server, transport } = await start();
    const world = transport.advertise('/sim/world', 'sensorium_msgs/msg/WorldState', { reliability: 'reliable', durability: 'transient_local', depth: 1, history: 'keep_last' });
    world.publish({ header: { stamp: { sec: 3, nanosec: 0 }, frame_id: 'map' }, objects: [] });
    const c = client(server.url);
    await c.until(() => c.channels.has('sim/world'));
    c.subscribe('sim/world');
    await c.until(() => (c.received.get('sim/world')?.length ?? 0) === 1);
    expect((c.received.get('sim/world')![0] as { header: { stamp: { sec: number } } }).header.stamp.sec).toBe(3);
  });

  it('broadcasts sim time', async () => {
    const { server, clock } = await start();
    const c = client(server.url);
    const times: bigint[] = [];
    c.client.on('time', (t) => times.push(t.timestamp));
    await c.until(() => c.ws.readyState === 1);
    await new Promise((r) => setImmediate(r));
    clock.advanceBy(0.35);
    await c.until(() => times.includes(300_000_000n));
    expect(times).toEqual([100_000_000n, 200_000_000n, 300_000_000n]);
  });

  it('publishes a goal from a client holding the token', async () => {
    const { server, transport } = await start({ clientPublish: { token: 'secret-token-1' } });
    const goals: unknown[] = [];
    transport.subscribe('/goal_pose', 'geometry_msgs/msg/PoseStamped', { durability: 'transient_local' }).subscribe((g) => goals.push(g));
    const c = client(server.url, { token: 'secret-token-1' });
    await c.until(() => c.ws.readyState === 1);
    const id = c.client.advertise({ topic: '/goal_pose', encoding: 'cdr', schemaName: 'geometry_msgs/msg/PoseStamped' });
    const goal = { header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'map' }, pose: { position: { x: 2, y: -1, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } };
    c.client.sendMessage(id, getCodec('geometry_msgs/msg/PoseStamped').encodeCopy(goal));
    await waitFor(() => goals.length > 0);
    expect(goals[0]).toMatchObject({ pose: { position: { x: 2, y: -1 } } });
    expect(server.stats()['client_published']).toBe(1);
  });
});
