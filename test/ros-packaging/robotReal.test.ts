import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalTransport, McapSource, SensorDataQoS, SimClock, bytesReadable, loadLaunchFile, runGraph, toNs } from '@sensorium/core';
import type { Detection3DArray, PointCloud2 } from '@sensorium/core';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';

const repo = resolve(import.meta.dirname, '../..');
const OUSTER = resolve(repo, '../shared/data/real/mcap/ouster_os1-64_ros2.mcap');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * robot.launch.yaml on a real driver's output: the Ouster OS1-64 recording publishes on
 * /os1_cloud_node/points, the launch argument remaps the stack's lidar/points onto it, and the LiDAR
 * pipeline turns the real clouds into obstacles (one process, LocalTransport; the same remaps reach
 * rclnodejs under ros2 launch).
 */
describe('robot.launch.yaml on a real Ouster recording', () => {
  it('remaps the driver topic into the stack and perceives obstacles from it', async () => {
    const description = loadLaunchFile(join(repo, 'launch/robot.launch.yaml'), { args: { lidar_topic: '/os1_cloud_node/points' } });
    const transport = new LocalTransport();
    const source = await McapSource.open(bytesReadable(new Uint8Array(readFileSync(OUSTER))), { file: OUSTER });
    const clouds: PointCloud2[] = [];
    for await (const m of source.messages({ topics: ['/os1_cloud_node/points'] })) clouds.push(m.message as PointCloud2);
    expect(clouds).toHaveLength(2);
    const clock = new SimClock({ start: clouds[0]!.header.stamp });
    const obstacles: Detection3DArray[] = [];
    transport.subscribe('/perception/obstacles', 'vision_msgs/msg/Detection3DArray', SensorDataQoS).subscribe((m) => obstacles.push(m));
    const graph = await runGraph(description, { registry: createNodeRegistry(), transport, clock, logger: quiet, diagnostics: false });
    try {
      const lidar = graph.node('lidar_processor')!;
      expect(lidar.state).toBe('active');
      expect(lidar.resolve('lidar/points')).toBe('/os1_cloud_node/points');
      const driver = transport.advertise('/os1_cloud_node/points', 'sensor_msgs/msg/PointCloud2', SensorDataQoS);
      for (const cloud of clouds) {
        clock.advanceTo(cloud.header.stamp);
        driver.publish(cloud);
      }
      expect(obstacles).toHaveLength(2);
      expect(obstacles.every((o) => o.detections.length > 0)).toBe(true);
      expect(toNs(obstacles[1]!.header.stamp)).toBe(toNs(clouds[1]!.header.stamp));
      // Active and no message dropped.
      expect(graph.diagnostics().nodes.find((n) => n.node === '/lidar_processor')!.level).toBe('ok');
    } finally {
      await graph.shutdown();
      await transport.close();
    }
  });
});
