import { describe, expect, it } from 'vitest';
import { LocalTransport } from '@sensorium/core';
import type { Graph } from '@sensorium/core';
import { runNodeCommand, wantsSimTime } from '../src/commands/node.js';

interface Described {
  node: string;
  exec: string;
  params: Record<string, unknown>;
  subscribes: { topic: string; type: string; qos: string }[];
  publishes: { topic: string; type: string; qos: string }[];
}

async function node(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const stop = new AbortController();
  stop.abort();
  const code = await runNodeCommand(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd() }, { signal: stop.signal });
  return { code, stdout, stderr };
}

async function describeNodes(args: string[]): Promise<Described[]> {
  const r = await node(['--describe', '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Described[];
}

describe('sensorium node: ROS arguments per node, rcl rules', () => {
  it('-r remaps topics, __node and __ns rename the node; -p overrides a parameter', async () => {
    const [lidar] = await describeNodes(['lidar_processor', '--ros-args', '-r', '__node:=lidar', '-r', '__ns:=/robot1', '-r', 'lidar/points:=/ouster/points', '-p', 'voxel_size:=0.2']);
    expect(lidar!.node).toBe('/robot1/lidar');
    expect(lidar!.params['voxel_size']).toBe(0.2);
    expect(lidar!.subscribes[0]).toEqual({ topic: '/ouster/points', type: 'sensor_msgs/msg/PointCloud2', qos: 'best_effort, keep_last 5, volatile' });
    // Relative outputs follow the namespace.
    expect(lidar!.publishes.map((p) => p.topic)).toContain('/robot1/perception/obstacles');
  });

  it('composed nodes: node-specific rules (node:from:=to, node:name:=value) apply to their node only', async () => {
    const nodes = await describeNodes([
      'touch_processor', 'lidar_processor', '--ros-args',
      '-r', 'lidar_processor:__node:=lidar', '-r', 'touch_processor:touch/tactile:=/skin', '-p', 'lidar:seed:=7', '-p', 'lidar_processor:cluster_min_points:=9', '-p', 'touch_processor:bump_rate:=10.0',
    ]);
    const touch = nodes.find((n) => n.exec === 'touch_processor')!;
    const lidar = nodes.find((n) => n.exec === 'lidar_processor')!;
    expect([touch.node, lidar.node]).toEqual(['/touch_processor', '/lidar']);
    expect(touch.subscribes[0]!.topic).toBe('/skin');
    expect(touch.params['bump_rate']).toBe(10);
    // -p node: matches the node's final name (rcl), so the rule for the old name does not apply.
    expect(lidar.params['seed']).toBe(7);
    expect(lidar.params['cluster_min_points']).toBe(3);
    expect(lidar.subscribes[0]!.topic).toBe('/lidar/points');
  });

  it('--params-file layers under -p (later wins), in order', async () => {
    const [fusion] = await describeNodes(['fusion', '--ros-args', '--params-file', 'launch/params/fusion.yaml', '-p', 'rate_hz:=20.0']);
    expect(fusion!.params['rate_hz']).toBe(20);
    expect(fusion!.params['frame_id']).toBe('base_link');
  });

  it('a -p for a parameter the node does not have fails naming it', async () => {
    await expect(node(['fusion', '--describe', '--ros-args', '-p', 'rate:=5.0'])).rejects.toMatchObject({ context: { parameter: 'rate', node: '/fusion' } });
  });

  it('two composed nodes with the same name are refused', async () => {
    await expect(node(['fusion', 'lidar_processor', '--describe', '--ros-args', '-r', '__node:=same'])).rejects.toThrow(/two nodes are named \/same/);
  });

  it('bad arguments exit 2 with a message; --list names the executables', async () => {
    expect((await node([])).code).toBe(2);
    const unknown = await node(['lidar_procesor']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown executable lidar_procesor');
    const badRos = await node(['fusion', '--ros-args', '--bogus']);
    expect(badRos.code).toBe(2);
    expect(badRos.stderr).toContain("unknown ROS argument '--bogus'");
    const badTransport = await node(['fusion', '--transport', 'dds']);
    expect(badTransport.code).toBe(2);
    const list = await node(['--list', '--json']);
    expect((JSON.parse(list.stdout) as { exec: string }[]).map((e) => e.exec)).toEqual(
      expect.arrayContaining(['camera_encoder', 'lidar_processor', 'audio_processor', 'touch_processor', 'fusion', 'policy', 'safety_supervisor', 'simulator']),
    );
  });

  it.skipIf(process.env['ROS_DISTRO'] !== undefined)('--transport ros2 without rclnodejs exits 1 saying how to get it or run locally', async () => {
    const r = await node(['touch_processor']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('rclnodejs is not available');
    expect(r.stderr).toContain('--transport local');
  });

  it('--transport local runs the nodes until stopped', async () => {
    const r = await node(['touch_processor', 'lidar_processor', '--transport', 'local']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('running /touch_processor, /lidar_processor on local');
  });

  it('use_sim_time:=true: the nodes run on the time /clock carries', async () => {
    const transport = new LocalTransport();
    const stop = new AbortController();
    let stderr = '';
    let started: (graph: Graph) => void = () => undefined;
    const ready = new Promise<Graph>((resolve) => (started = resolve));
    const done = runNodeCommand(['touch_processor', '--transport', 'local', '--ros-args', '-p', 'use_sim_time:=true'], { stdout: () => undefined, stderr: (t) => (stderr += t), cwd: '.' }, {
      signal: stop.signal,
      transport,
      onStarted: started,
    });
    const graph = await ready;
    expect(stderr).toContain('(sim time from /clock)');
    expect(graph.diagnostics().stamp).toEqual({ sec: 0, nanosec: 0 });
    transport.advertise('/clock', 'rosgraph_msgs/msg/Clock').publish({ clock: { sec: 42, nanosec: 5 } });
    expect(graph.diagnostics().stamp).toEqual({ sec: 42, nanosec: 5 });
    stop.abort();
    expect(await done).toBe(0);
  });

  it('use_sim_time: the last source that sets it wins', () => {
    expect(wantsSimTime([], '/a')).toBe(false);
    expect(wantsSimTime([{ kind: 'values', values: { use_sim_time: true } }], '/a')).toBe(true);
    expect(wantsSimTime([{ kind: 'values', values: { use_sim_time: true } }, { kind: 'values', values: { use_sim_time: false } }], '/a')).toBe(false);
    expect(wantsSimTime([{ kind: 'file', params: { entries: [{ node: '/**/b', params: { use_sim_time: true } }] } }], '/a')).toBe(false);
  });
});
