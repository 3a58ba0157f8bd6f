import { describe, expect, it } from 'vitest';
import { runNodeCommand } from '../../packages/cli/src/commands/node.js';
import { createRclnodejsDouble } from '../../packages/core/test/support/RclnodejsDouble.js';

/**
 * `ros2 run sensorium_bringup lidar_processor --ros-args …` over RosTransport, with core's rclnodejs test
 * double in place of rclnodejs (these machines have no ROS 2): the rclnodejs node carries the resolved node
 * name and namespace, remapped topics reach rclnodejs, sensor subscriptions are best effort keep-last 5, and
 * stopping destroys the node and shuts the context down.
 */
describe('sensorium node over RosTransport (rclnodejs double)', () => {
  it('wires names, remaps and QoS into rclnodejs, and cleans up on stop', async () => {
    const rcl = createRclnodejsDouble();
    const stop = new AbortController();
    let stderr = '';
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    const done = runNodeCommand(
      ['lidar_processor', '--ros-args', '-r', '__ns:=/robot1', '-r', 'lidar/points:=/ouster/points', '--log-level', 'warn'],
      { stdout: () => undefined, stderr: (t) => (stderr += t), cwd: process.cwd() },
      { signal: stop.signal, rclnodejs: rcl, onStarted: () => started() },
    );
    await Promise.race([running, done.then((code) => Promise.reject(new Error(`exited ${code}: ${stderr}`)))]);
    expect(rcl.liveNodes()).toBe(1);
    expect(stderr).toContain('running /robot1/lidar_processor on ros2');
    const points = rcl.calls.find((c) => c.kind === 'subscription' && c.topic === '/ouster/points');
    expect(points).toMatchObject({ type: 'sensor_msgs/msg/PointCloud2', typedArrays: true });
    expect([points!.qos.reliabilityPolicy, points!.qos.depth]).toEqual([2, 5]); // best effort, keep last 5
    const published = rcl.calls.filter((c) => c.kind === 'publisher').map((c) => c.topic);
    expect(published).toEqual(expect.arrayContaining(['/robot1/perception/obstacles', '/robot1/perception/lidar/sectors', '/diagnostics']));
    stop.abort();
    expect(await done).toBe(0);
    expect(rcl.liveNodes()).toBe(0);
    expect(rcl.isShutdown()).toBe(true);
  });
});
