import { Subscription, map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  LocalTransport,
  NodeRuntime,
  ParameterError,
  SimClock,
  ValidationError,
  defineNode,
  double,
  expandTopicName,
  mapSafe,
  remapTopicName,
} from '../src/index.js';
import type { Logger, NodeContext, RemapRule } from '../src/index.js';

const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('ROS 2 name resolution', () => {
  const scope = { nodeName: 'lidar', namespace: '/robot' };
  it.each([
    ['points', '/robot/points'],
    ['lidar/points', '/robot/lidar/points'],
    ['/points', '/points'],
    ['~/debug', '/robot/lidar/debug'],
    ['~', '/robot/lidar'],
    ['{node}/x', '/robot/lidar/x'],
  ])('%s → %s', (name, expected) => {
    expect(expandTopicName(name, scope)).toBe(expected);
  });

  it('resolves in the root namespace', () => {
    expect(expandTopicName('points', { nodeName: 'n', namespace: '/' })).toBe('/points');
    expect(expandTopicName('~/x', { nodeName: 'n', namespace: '/' })).toBe('/n/x');
  });

  it.each(['a//b', 'a/', '1abc', 'a b', '/a/~'])('rejects %s', (name) => {
    expect(() => expandTopicName(name, scope)).toThrow(ConfigError);
  });

  it.each<[string, RemapRule[], string]>([
    ['global relative rule', [{ from: 'points', to: 'cloud' }], '/robot/cloud'],
    ['rule compared by resolved name', [{ from: '/robot/points', to: '/raw' }], '/raw'],
    ['rule for another namespace does not match', [{ from: '/other/points', to: '/raw' }], '/robot/points'],
    ['node-specific rule for this node', [{ node: 'lidar', from: 'points', to: 'mine' }], '/robot/mine'],
    ['node-specific rule for another node', [{ node: 'camera', from: 'points', to: 'x' }], '/robot/points'],
    ['first match wins', [{ from: 'points', to: 'a' }, { from: 'points', to: 'b' }], '/robot/a'],
    ['private target', [{ from: 'points', to: '~/points' }], '/robot/lidar/points'],
  ])('remap: %s', (_name, rules, expected) => {
    expect(remapTopicName(expandTopicName('points', scope), rules, scope)).toBe(expected);
  });
});

const doubler = defineNode({
  exec: 'doubler',
  description: 'publishes twice the length of each string, as a Twist x',
  parameters: { gain: double(2, { min: 0, max: 10, description: 'multiplier' }) },
  inputs: [{ topic: 'in', type: 'std_msgs/msg/String' }],
  outputs: [{ topic: 'out', type: 'geometry_msgs/msg/Twist' }],
  configure(ctx) {
    const out = ctx.advertise('out', 'geometry_msgs/msg/Twist');
    return {
      activate: () =>
        ctx
          .subscribe('in', 'std_msgs/msg/String')
          .pipe(
            mapSafe(ctx, 'in', (m) => {
              if (m.data === 'bad') throw new ValidationError('bad input');
              return m.data.length * ctx.params.gain;
            }),
          )
          .subscribe((x) => {
            if (x === 0) throw new Error('handler bug');
            ctx.diagnostics.stage('double', 0.5, ctx.clock.now());
            out.publish({ linear: { x, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
          }),
    };
  },
});

function setup(options: Partial<ConstructorParameters<typeof NodeRuntime>[1]> = {}) {
  const transport = new LocalTransport();
  const clock = new SimClock();
  const node = new NodeRuntime(doubler, { transport, clock, logger: quiet, namespace: 'robot', ...options });
  const outputs: number[] = [];
  transport.subscribe('/robot/out', 'geometry_msgs/msg/Twist').subscribe((m) => outputs.push(m.linear.x));
  const input = transport.advertise('/robot/in', 'std_msgs/msg/String');
  return { transport, clock, node, outputs, input };
}

describe('NodeRuntime', () => {
  it('walks the lifecycle and only processes while active', async () => {
    const { node, outputs, input } = setup();
    expect(node.fullName).toBe('/robot/doubler');
    expect(node.state).toBe('unconfigured');
    await node.configure();
    expect(node.state).toBe('inactive');
    input.publish({ data: 'abc' });
    node.activate();
    expect(node.state).toBe('active');
    input.publish({ data: 'abc' });
    node.deactivate();
    input.publish({ data: 'abcd' });
    expect(outputs).toEqual([6]);
    await node.cleanup();
    expect(node.state).toBe('unconfigured');
    await node.shutdown();
    await node.shutdown();
    expect(node.state).toBe('finalized');
    expect(() => node.activate()).toThrow(/state finalized/);
  });

  it('counts bad input and handler errors as drops and keeps running', async () => {
    const { node, outputs, input, clock } = setup();
    await node.configure();
    node.activate();
    for (const data of ['ab', 'bad', '', 'abc']) {
      clock.advanceBy(0.1);
      input.publish({ data });
    }
    expect(outputs).toEqual([4, 6]);
    const snapshot = node.diagnostics.snapshot();
    expect(snapshot.drops).toEqual([
      { topic: '/robot/in', reason: 'VALIDATION_ERROR', count: 1, lastError: 'bad input' },
      { topic: '/robot/in', reason: 'exception', count: 1, lastError: 'handler bug' },
    ]);
    expect(snapshot.topics).toContainEqual({ topic: '/robot/in', direction: 'in', count: 4, rateHz: expect.closeTo(10, 6) });
    expect(snapshot.topics).toContainEqual(expect.objectContaining({ topic: '/robot/out', direction: 'out', count: 2 }));
    expect(snapshot.stages[0]).toMatchObject({ name: 'double', count: 2, processingMs: { p50: 0.5, p99: 0.5 } });
  });

  it('applies remaps, __node and __ns', async () => {
    const { transport, clock } = setup();
    const node = new NodeRuntime(doubler, {
      transport,
      clock,
      logger: quiet,
      remaps: [
        { from: '__node', to: 'twice' },
        { from: '__ns', to: '/other' },
        { from: 'in', to: '/robot/in' },
        { node: 'twice', from: 'out', to: '~/result' },
      ],
    });
    expect(node.fullName).toBe('/other/twice');
    expect(node.resolve('out')).toBe('/other/twice/result');
    const got: number[] = [];
    transport.subscribe('/other/twice/result', 'geometry_msgs/msg/Twist').subscribe((m) => got.push(m.linear.x));
    await node.configure();
    node.activate();
    transport.advertise('/robot/in', 'std_msgs/msg/String').publish({ data: 'xyz' });
    expect(got).toEqual([6]);
  });

  it('validates parameters at construction, naming node and file', () => {
    const { transport, clock } = setup();
    expect(() => new NodeRuntime(doubler, { transport, clock, params: [{ values: { gain: 11 }, file: 'p.yaml' }] })).toThrow(
      ParameterError,
    );
    try {
      new NodeRuntime(doubler, { transport, clock, name: 'd', params: [{ values: { gain: 11 }, file: 'p.yaml' }] });
    } catch (e) {
      expect((e as ParameterError).message).toMatch(/node=\/d.*parameter=gain.*file=p\.yaml/);
    }
  });

  it('reports a failing configure and stays unconfigured', async () => {
    const broken = defineNode({
      ...doubler,
      exec: 'broken',
      configure(): never {
        throw new ConfigError('model missing', { context: { file: 'models/x.json' } });
      },
    });
    const { transport, clock } = setup();
    const node = new NodeRuntime(broken, { transport, clock, logger: quiet });
    await expect(node.configure()).rejects.toThrow(/node=\/broken/);
    expect(node.state).toBe('unconfigured');
    expect(node.lastError).toBeInstanceOf(ConfigError);
  });

  it('uses the port QoS for declared inputs (latched replay)', async () => {
    const latchedNode = defineNode({
      exec: 'latched',
      description: '',
      parameters: {},
      inputs: [{ topic: 'info', type: 'std_msgs/msg/String', qos: 'latched' }],
      outputs: [],
      configure(ctx: NodeContext) {
        return { activate: () => ctx.subscribe('info', 'std_msgs/msg/String').pipe(map((m) => m.data)).subscribe((d) => seen.push(d)) };
      },
    });
    const seen: string[] = [];
    const { transport, clock } = setup();
    transport.advertise('/info', 'std_msgs/msg/String', { durability: 'transient_local' }).publish({ data: 'calib' });
    const node = new NodeRuntime(latchedNode, { transport, clock, logger: quiet });
    await node.configure();
    node.activate();
    expect(seen).toEqual(['calib']);
    expect(new Subscription()).toBeDefined();
  });

  it('reads resources relative to the resource root and rejects missing ones with the path', async () => {
    let ctx: NodeContext | undefined;
    const probe = defineNode({
      exec: 'probe',
      description: '',
      parameters: {},
      inputs: [],
      outputs: [],
      configure(c: NodeContext) {
        ctx = c;
        return { activate: () => new Subscription() };
      },
    });
    const { transport, clock } = setup();
    const node = new NodeRuntime(probe, { transport, clock, logger: quiet, resourceRoot: '/nonexistent-root' });
    await node.configure();
    await expect(ctx?.readResource('models/x.bin')).rejects.toThrow(/nonexistent-root\/models\/x\.bin/);
  });
});
