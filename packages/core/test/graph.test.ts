import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DiagnosticLevel,
  LocalTransport,
  NodeRegistry,
  ParameterError,
  SimClock,
  defineNode,
  graphOptionsFromRosArgs,
  loadLaunchFile,
  parseRosArgs,
  runGraph,
} from '../src/index.js';
import type { DiagnosticArray, Logger } from '../src/index.js';
import { doublerNode } from './support/doublerNode.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => path.join(here, 'support/launch', name);
const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function world() {
  const transport = new LocalTransport();
  const clock = new SimClock();
  const registry = new NodeRegistry().register(doublerNode);
  return { transport, clock, registry };
}

describe('runGraph', () => {
  it('runs a launch file: names, params by precedence, remaps', async () => {
    const { transport, clock, registry } = world();
    const graph = await runGraph(loadLaunchFile(fixture('main.launch.yaml'), { env: {} }), { registry, transport, clock, logger: quiet });
    expect(graph.nodes.map((n) => [n.fullName, n.state, n.params.gain])).toEqual([
      // the file's /** gives 9, its /robot1/first gives 4, the inline value 3 comes last and wins
      ['/robot1/first', 'active', 3],
      ['/sub/robot1/doubler', 'active', 1.5],
      // no params file for this one: the declared default
      ['/included', 'active', 2],
    ]);
    const out: number[] = [];
    transport.subscribe('/robot1/out', 'geometry_msgs/msg/Twist').subscribe((m) => out.push(m.linear.x));
    transport.advertise('/chatter', 'std_msgs/msg/String').publish({ data: 'ab' });
    expect(out).toEqual([6]);
    expect(graph.node('/sub/robot1/doubler')?.resolve('out')).toBe('/sub/robot1/doubled');
    await graph.shutdown();
    await graph.shutdown();
    expect(graph.nodes.every((n) => n.state === 'finalized')).toBe(true);
  });

  it('fails on an unknown exec naming the file, node and the known execs', async () => {
    const { transport, clock, registry } = world();
    const error = await runGraph(loadLaunchFile(fixture('bad-exec.launch.yaml')), { registry, transport, clock, logger: quiet }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).context).toMatchObject({
      file: fixture('bad-exec.launch.yaml'),
      field: 'launch[0].node',
      node: 'nonexistent_node',
      expected: 'one of doubler',
    });
  });

  it('fails on a bad parameter naming the launch file and node, before starting anything', async () => {
    const { transport, clock, registry } = world();
    const error = await runGraph(loadLaunchFile(fixture('bad-param.launch.yaml')), { registry, transport, clock, logger: quiet }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).context).toMatchObject({ node: '/doubler', parameter: 'gain', file: fixture('bad-param.launch.yaml') });
    expect(transport.topics()).toEqual([]);
  });

  it('keeps other nodes running when one fails to configure, and reports it', async () => {
    const { transport, clock, registry } = world();
    registry.register(
      defineNode({
        exec: 'broken',
        description: 'fails',
        parameters: {},
        inputs: [],
        outputs: [],
        configure() {
          throw new Error('no model');
        },
      }),
    );
    const graph = await runGraph(
      {
        args: {},
        nodes: [
          { pkg: 'p', exec: 'broken', namespace: '/', params: [], remaps: [], args: [], source: { file: 'x.yaml', path: 'launch[0].node' } },
          { pkg: 'p', exec: 'doubler', namespace: '/', params: [], remaps: [], args: [], source: { file: 'x.yaml', path: 'launch[1].node' } },
        ],
      },
      { registry, transport, clock, logger: quiet },
    );
    expect(graph.failures).toHaveLength(1);
    expect(graph.nodes.map((n) => n.state)).toEqual(['unconfigured', 'active']);
    const status = graph.diagnostics().nodes[0];
    expect(status).toMatchObject({ node: '/broken', level: 'error', message: 'configure failed: no model' });
  });

  it('rejects two nodes with one name', async () => {
    const { transport, clock, registry } = world();
    const entry = { pkg: 'p', exec: 'doubler', namespace: '/', params: [], remaps: [], args: [], source: { file: 'x.yaml', path: 'p' } };
    await expect(runGraph({ args: {}, nodes: [entry, entry] }, { registry, transport, clock, logger: quiet })).rejects.toThrow(
      /two nodes are named \/doubler/,
    );
  });

  it('publishes /diagnostics at 1 Hz of the graph clock with rates, drops, stages, counters and gauges', async () => {
    const { transport, clock, registry } = world();
    const graph = await runGraph(loadLaunchFile(fixture('main.launch.yaml'), { env: {} }), { registry, transport, clock, logger: quiet });
    const arrays: DiagnosticArray[] = [];
    transport.subscribe('/diagnostics', 'diagnostic_msgs/msg/DiagnosticArray').subscribe((m) => arrays.push(m));
    const input = transport.advertise('/chatter', 'std_msgs/msg/String');
    for (let i = 0; i < 20; i++) {
      clock.advanceBy(0.1);
      input.publish({ data: i === 5 ? 'bad' : 'abc' });
    }
    expect(arrays).toHaveLength(2);
    expect(arrays.map((a) => a.header.stamp.sec)).toEqual([1, 2]);
    const first = arrays[1]?.status.find((s) => s.name === '/robot1/first');
    expect(first?.level).toBe(DiagnosticLevel.WARN);
    const values = Object.fromEntries((first?.values ?? []).map((kv) => [kv.key, kv.value]));
    expect(values).toMatchObject({
      state: 'active',
      'in /chatter rate_hz': '10.00',
      // the 2 s tick fires while the clock reaches 2.0, before the 20th message
      'in /chatter count': '19',
      'out /robot1/out count': '18',
      'drops /chatter VALIDATION_ERROR': '1',
      'stage double processing_ms p50': '0.250',
      'stage double age_ms p50': '0.000',
      'counter messages': '18',
      'gauge last_x': '9',
    });
    const snapshot = graph.diagnostics();
    expect(snapshot.nodes[0]?.drops).toEqual([{ topic: '/chatter', reason: 'VALIDATION_ERROR', count: 1, lastError: 'bad input [topic=in]' }]);
    clock.advanceBy(10);
    expect(graph.diagnostics().nodes[0]?.level).toBe('ok');
    await graph.shutdown();
    const before = arrays.length;
    clock.advanceBy(5);
    expect(arrays).toHaveLength(before);
  });

  it('can leave nodes unconfigured for manual lifecycle control', async () => {
    const { transport, clock, registry } = world();
    const graph = await runGraph(loadLaunchFile(fixture('main.launch.yaml'), { env: {} }), {
      registry,
      transport,
      clock,
      logger: quiet,
      autostart: false,
      diagnostics: false,
    });
    expect(graph.nodes.every((n) => n.state === 'unconfigured')).toBe(true);
    await graph.configure();
    expect(graph.nodes.every((n) => n.state === 'inactive')).toBe(true);
    graph.activate();
    graph.deactivate();
    expect(graph.nodes.every((n) => n.state === 'inactive')).toBe(true);
    expect(new Subscription()).toBeDefined();
  });
});

describe('graphOptionsFromRosArgs', () => {
  it('applies command-line -r, --params-file and -p after the launch file', async () => {
    const { transport, clock, registry } = world();
    const rosArgs = parseRosArgs([
      '--ros-args',
      '-r',
      'out:=/all_out',
      '--params-file',
      fixture('params/doubler.yaml'),
      '-p',
      'first:gain:=7',
    ]);
    const graph = await runGraph(loadLaunchFile(fixture('main.launch.yaml'), { env: {} }), {
      registry,
      transport,
      clock,
      logger: quiet,
      diagnostics: false,
      ...graphOptionsFromRosArgs(rosArgs),
    });
    expect(graph.nodes.map((n) => [n.fullName, n.params.gain, n.resolve('out')])).toEqual([
      ['/robot1/first', 7, '/all_out'],
      // the node's own ros_args remap comes first and wins
      ['/sub/robot1/doubler', 9, '/sub/robot1/doubled'],
      ['/included', 9, '/all_out'],
    ]);
  });
});

describe('NodeRegistry', () => {
  it('lists execs and refuses a second definition under one exec', () => {
    const registry = new NodeRegistry().register(doublerNode);
    expect(registry.execs()).toEqual(['doubler']);
    expect(() => registry.register(doublerNode)).not.toThrow();
    expect(() => registry.register({ ...doublerNode })).toThrow(ConfigError);
  });
});
