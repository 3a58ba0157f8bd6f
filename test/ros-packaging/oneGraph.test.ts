import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalTransport, SensorDataQoS, SimClock, loadLaunchFile, runGraph } from '@sensorium/core';
import type { MessageType } from '@sensorium/core';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';

const launchDir = resolve(import.meta.dirname, '../../launch');
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * `sensorium run launch/sim.launch.yaml`: the launch file ros2 launch reads runs as one graph in one process
 * (LocalTransport), the simulator's sensors flowing through the stack it includes.
 */
describe('sim.launch.yaml in one process', () => {
  it('runs the simulator and the stack: sensors reach perception, every node configures (bar models not yet shipped)', async () => {
    const description = loadLaunchFile(join(launchDir, 'sim.launch.yaml'), { args: { scenario: 'sim/scenarios/static-obstacle-field.yaml', seed: '3' } });
    const transport = new LocalTransport();
    const clock = new SimClock();
    const counts = new Map<string, number>();
    const watch = (topic: string, type: MessageType): void => {
      counts.set(topic, 0);
      transport.subscribe(topic, type, SensorDataQoS).subscribe(() => counts.set(topic, (counts.get(topic) ?? 0) + 1));
    };
    watch('/clock', 'rosgraph_msgs/msg/Clock');
    watch('/lidar/points', 'sensor_msgs/msg/PointCloud2');
    watch('/perception/obstacles', 'vision_msgs/msg/Detection3DArray');
    watch('/perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges');
    watch('/perception/touch/tokens', 'sensorium_msgs/msg/FeatureTokens');
    watch('/perception/audio/tokens', 'sensorium_msgs/msg/FeatureTokens');
    watch('/cmd_vel', 'geometry_msgs/msg/Twist');
    const graph = await runGraph(description, { registry: createNodeRegistry(), transport, clock, logger: quiet, diagnostics: false });
    try {
      expect(graph.nodes[0]!.definition.exec).toBe('simulator');
      expect(graph.node('simulator')!.params['seed']).toBe(3);
      // Trained weights (models/fusion, models/policy) are committed separately; until then those nodes fail to
      // configure, are reported, and the rest of the graph runs.
      const unexpected = graph.failures.filter((f) => !/model\.json/.test(String((f.error as Error).message)));
      expect(unexpected).toEqual([]);
      for (const node of graph.nodes) if (!graph.failures.some((f) => f.node === node.fullName)) expect(node.state, node.fullName).toBe('active');
      for (let i = 0; i < 100; i++) clock.advanceBy(0.01);
      expect(counts.get('/clock')).toBeGreaterThanOrEqual(90);
      expect(counts.get('/lidar/points')).toBeGreaterThanOrEqual(9);
      expect(counts.get('/perception/obstacles')).toBeGreaterThanOrEqual(9);
      expect(counts.get('/perception/lidar/sectors')).toBeGreaterThanOrEqual(9);
      expect(counts.get('/perception/touch/tokens')).toBeGreaterThanOrEqual(40);
      expect(counts.get('/perception/audio/tokens')).toBeGreaterThanOrEqual(5);
      // The safety supervisor commands the base (zero without a policy, or the policy's command).
      expect(counts.get('/cmd_vel')).toBeGreaterThan(0);
    } finally {
      await graph.shutdown();
      await transport.close();
    }
  });
});
