import { afterEach, describe, expect, it } from 'vitest';
import { LocalTransport, NodeRegistry, SensorDataQoS, SimClock, defineNode, fromSec } from '@sensorium/core';
import type { Graph, NodeDefinition, ParamSpecs, TactileArray, Twist } from '@sensorium/core';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';
import { runNodeCommand } from '../../packages/cli/src/commands/node.js';

/**
 * Several nodes composed in one `sensorium node` process (what `ros2 run … node A B` or a launch with
 * `sensorium run` gives): one failing or stopped node must not take the others down, and when the policy dies
 * the safety supervisor must stop the robot on its own (no last zero command from the dead policy).
 */

const all = createNodeRegistry();
const real = (exec: string): NodeDefinition<ParamSpecs> => all.get(exec)!;

/** A policy that drives forward at 20 Hz until told to crash, then throws from its timer: its stream dies, no zero is sent. */
function crashablePolicy(): { definition: NodeDefinition<ParamSpecs>; crash(): void } {
  let crashed = false;
  const definition = defineNode({
    exec: 'policy',
    description: 'test stand-in: constant forward command, crashes on demand',
    parameters: {},
    inputs: [],
    outputs: [{ topic: 'cmd_vel_raw', type: 'geometry_msgs/msg/Twist', qos: 'default' }],
    configure(ctx) {
      const out = ctx.advertise('cmd_vel_raw', 'geometry_msgs/msg/Twist');
      return {
        activate: () => {
          const timer = ctx.clock.interval(0.05).subscribe(() => {
            if (crashed) {
              // Dead: its timer is gone and it never says a last zero.
              timer.unsubscribe();
              throw new Error('policy crashed (test)');
            }
            out.publish({ linear: { x: 0.5, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.1 } });
          });
          return timer;
        },
      };
    },
  }) as unknown as NodeDefinition<ParamSpecs>;
  return { definition, crash: () => (crashed = true) };
}

const configureFails = defineNode({
  exec: 'broken_node',
  description: 'test: configure throws',
  parameters: {},
  inputs: [],
  outputs: [],
  configure() {
    throw new Error('cannot load model (test)');
  },
}) as unknown as NodeDefinition<ParamSpecs>;

const handlerThrows = defineNode({
  exec: 'throwing_node',
  description: 'test: throws on every tactile message',
  parameters: {},
  inputs: [{ topic: 'touch/tactile', type: 'sensorium_msgs/msg/TactileArray', qos: 'sensor' }],
  outputs: [],
  configure(ctx) {
    return {
      activate: () =>
        ctx.subscribe('touch/tactile', 'sensorium_msgs/msg/TactileArray').subscribe(() => {
          throw new Error('bad handler (test)');
        }),
    };
  },
}) as unknown as NodeDefinition<ParamSpecs>;

interface Running {
  graph: Graph;
  transport: LocalTransport;
  clock: SimClock;
  stderr: () => string;
  stop(): Promise<number>;
}

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

/** Starts `sensorium node EXECS --transport local` in-process over a LocalTransport and a stepped SimClock. */
async function start(execs: string[], registry: NodeRegistry): Promise<Running> {
  const transport = new LocalTransport();
  const clock = new SimClock({ start: { sec: 100, nanosec: 0 } });
  const abort = new AbortController();
  let stderr = '';
  let started: (graph: Graph) => void = () => undefined;
  const graphReady = new Promise<Graph>((resolve) => (started = resolve));
  const done = runNodeCommand([...execs, '--transport', 'local'], { stdout: () => undefined, stderr: (t) => (stderr += t), cwd: process.cwd() }, {
    signal: abort.signal,
    transport,
    clock,
    registry,
    onStarted: started,
  });
  const graph = await Promise.race([graphReady, done.then((code) => Promise.reject(new Error(`node command exited ${code}: ${stderr}`)))]);
  const r: Running = {
    graph,
    transport,
    clock,
    stderr: () => stderr,
    stop: async () => {
      abort.abort();
      return done;
    },
  };
  running.push(r);
  return r;
}

function tactile(t: number, pressed: boolean): TactileArray {
  const n = 8;
  const pressures = new Float32Array(n);
  if (pressed) pressures[2] = 5;
  return { header: { stamp: fromSec(t), frame_id: 'skin_link' }, pressures, positions: new Float32Array(n * 3), normals: new Float32Array(n * 3) };
}

describe('a composed sensorium node process', () => {
  it('the safety supervisor stops the robot when the policy crashes, and the other nodes keep running', async () => {
    const policy = crashablePolicy();
    const registry = new NodeRegistry().register(policy.definition, real('safety_supervisor'), real('touch_processor'));
    const { transport, clock, graph } = await start(['policy', 'safety_supervisor', 'touch_processor'], registry);
    expect(graph.nodes.map((n) => n.state)).toEqual(['active', 'active', 'active']);

    const cmd: Twist[] = [];
    transport.subscribe('/cmd_vel', 'geometry_msgs/msg/Twist').subscribe((m) => cmd.push({ linear: { ...m.linear }, angular: { ...m.angular } }));
    let touchTokens = 0;
    transport.subscribe('/perception/touch/tokens', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS).subscribe(() => touchTokens++);
    const sectors = transport.advertise('/perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges');
    const vision = transport.advertise('/perception/vision/tokens', 'sensorium_msgs/msg/FeatureTokens');
    const touch = transport.advertise('/touch/tactile', 'sensorium_msgs/msg/TactileArray');
    // Fresh LiDAR and camera with nothing in the way: the supervisor lets commands through.
    const step = (): void => {
      const t = clock.nowSec();
      sectors.publish({ header: { stamp: fromSec(t), frame_id: 'lidar_link' }, angle_min: -Math.PI, angle_increment: Math.PI / 18, ranges: new Float32Array(36).fill(Infinity) });
      vision.publish({ header: { stamp: fromSec(t), frame_id: 'camera_link' }, modality: 'vision', count: 1, dim: 1, data: new Float32Array(1) });
      touch.publish(tactile(t, false));
      clock.advanceBy(0.05);
    };

    for (let i = 0; i < 40; i++) step();
    const moving = cmd.filter((m) => m.linear.x > 0.1).length;
    expect(moving).toBeGreaterThan(10);
    const tokensBefore = touchTokens;
    expect(tokensBefore).toBeGreaterThan(30);

    policy.crash();
    for (let i = 0; i < 40; i++) step();
    // Within command_timeout (0.5 s) plus the deceleration ramp the robot is stopped, and stays stopped.
    const last = cmd.slice(-15);
    expect(last).toHaveLength(15);
    for (const m of last) expect([m.linear.x, m.angular.z]).toEqual([0, 0]);
    expect(graph.node('safety_supervisor')!.state).toBe('active');
    expect(graph.node('touch_processor')!.state).toBe('active');
    expect(touchTokens - tokensBefore).toBeGreaterThan(30);
  });

  it('a node whose configure throws is reported and the others run', async () => {
    const registry = new NodeRegistry().register(configureFails, real('touch_processor'));
    const r = await start(['broken_node', 'touch_processor'], registry);
    expect(r.stderr()).toContain('/broken_node failed to configure: cannot load model (test)');
    expect(r.graph.failures.map((f) => f.node)).toEqual(['/broken_node']);
    let contacts = 0;
    r.transport.subscribe('/perception/touch/tokens', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS).subscribe(() => contacts++);
    const touch = r.transport.advertise('/touch/tactile', 'sensorium_msgs/msg/TactileArray');
    for (let i = 0; i < 5; i++) {
      touch.publish(tactile(r.clock.nowSec(), i > 2));
      r.clock.advanceBy(0.02);
    }
    expect(contacts).toBe(5);
    expect(await r.stop()).toBe(0);
  });

  it('a node that throws on every message drops them (counted) and a deactivated node stops alone', async () => {
    const registry = new NodeRegistry().register(handlerThrows, real('touch_processor'), real('lidar_processor'));
    const r = await start(['throwing_node', 'touch_processor', 'lidar_processor'], registry);
    let tokens = 0;
    r.transport.subscribe('/perception/touch/tokens', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS).subscribe(() => tokens++);
    const touch = r.transport.advertise('/touch/tactile', 'sensorium_msgs/msg/TactileArray');
    for (let i = 0; i < 5; i++) {
      touch.publish(tactile(r.clock.nowSec(), false));
      r.clock.advanceBy(0.02);
    }
    expect(tokens).toBe(5);
    const thrower = r.graph.node('throwing_node')!;
    expect(thrower.state).toBe('active');
    expect(thrower.diagnostics.snapshot().drops).toBeDefined();
    const status = r.graph.diagnostics().nodes.find((n) => n.node === '/throwing_node')!;
    expect(status.level).toBe('warn');
    expect(status.message).toContain('5 message(s) dropped');

    r.graph.node('lidar_processor')!.deactivate();
    for (let i = 0; i < 5; i++) {
      touch.publish(tactile(r.clock.nowSec(), false));
      r.clock.advanceBy(0.02);
    }
    expect(tokens).toBe(10);
    expect(r.graph.nodes.map((n) => n.state)).toEqual(['active', 'active', 'inactive']);
  });
});
