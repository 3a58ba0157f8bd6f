import type { Subscription } from 'rxjs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineNode, double, LocalTransport, loadLaunchFile, NodeRegistry, NodeRuntime, SimClock, type NodeDefinition, type ParamSpecs } from '@sensorium/core';
import { loadScenario, runScenario, scenarioCommand, simulatorNode } from '@sensorium/sim';

const short = `name: short
seed: 1
duration: 12
world:
  size: [10, 6]
  obstacles:
    - {type: box, position: [0, 0.3], size: [0.8, 0.8, 1.0]}
  zones:
    - {type: keep-out, polygon: [[1.5, -3], [2.5, -3], [2.5, -1.2], [1.5, -1.2]]}
robot:
  start: {position: [-3.5, 0], yaw: 0}
goal: {position: [3.5, 0], tolerance: 0.4}
expect:
  reach_goal: true
  max_collisions: 0
  max_infractions: 0
  gating:
    - {when: obstacle_within, distance: 2.0, modality: vision, min_weight: 0.7, within: 0.5}
`;

/** A stand-in fusion node publishing a fixed vision weight on fusion/gating at 10 Hz. */
function fakeGating(vision: number): NodeDefinition<ParamSpecs> {
  return defineNode({
    exec: 'fake_gating',
    description: 'test double for fusion/gating',
    parameters: { weight: double(vision, { description: 'vision weight' }) },
    inputs: [],
    outputs: [{ topic: 'fusion/gating', type: 'sensorium_msgs/msg/ModalityWeights' }],
    configure(ctx) {
      const pub = ctx.advertise('fusion/gating', 'sensorium_msgs/msg/ModalityWeights');
      return {
        activate: (): Subscription =>
          ctx.clock.interval(0.1).subscribe((stamp) =>
            pub.publish({ header: { stamp, frame_id: 'base_link' }, modalities: ['vision', 'lidar'], weights: new Float32Array([ctx.params.weight, 1 - ctx.params.weight]), active_modules: [], stale: [false, false] }),
          ),
      };
    },
  }) as unknown as NodeDefinition<ParamSpecs>;
}

describe('runScenario', () => {
  it('drives the expert to the goal and reports the metrics; gating not evaluated without fusion', async () => {
    const progress: number[] = [];
    const statuses: string[][] = [];
    const r = await runScenario(loadScenario(short), {
      onProgress: (p) => progress.push(p.simSeconds),
      onStart: ({ transport }) => {
        transport.subscribe('/diagnostics', 'diagnostic_msgs/msg/DiagnosticArray').subscribe((d) => statuses.push(d.status.map((s) => s.name)));
      },
    });
    expect(statuses.length).toBeGreaterThanOrEqual(5);
    expect(statuses[0]!.join()).toContain('simulator');
    expect(statuses[0]!.join()).toContain('expert_controller');
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.metrics.routeCompletion).toBe(1);
    expect(r.metrics.drivingScore).toBe(1);
    expect(r.metrics.timeToGoal).toBeGreaterThan(5);
    expect(r.metrics.minClearance).toBeGreaterThan(0.15);
    expect(r.metrics.gating.status).toBe('not_evaluated');
    expect(Object.keys(r.metrics)).toEqual(
      expect.arrayContaining(['collisions', 'minClearance', 'routeCompletion', 'timeToGoal', 'infractions', 'drivingScore', 'simSeconds', 'wallSeconds', 'realtimeFactor', 'latencyMs', 'gating']),
    );
    expect(progress.length).toBeGreaterThan(10);
  });

  it('evaluates gating once fusion/gating is published, composing the controller as a graph', async () => {
    const registry = { get: (exec: string) => (exec === 'fake_gating' ? fakeGating(0.8) : undefined) };
    const graph = [{ exec: 'expert_controller' }, { exec: 'fake_gating', params: { weight: 0.8 } }];
    const ok = await runScenario(loadScenario(short), { controller: graph, registry });
    expect(ok.metrics.gating.status).toBe('passed');
    expect(ok.metrics.gating.checks[0]!.events.length).toBeGreaterThan(0);
    const low = await runScenario(loadScenario(short), { controller: [{ exec: 'expert_controller' }, { exec: 'fake_gating', params: { weight: 0.3 } }], registry });
    expect(low.metrics.gating.status).toBe('failed');
    expect(low.passed).toBe(false);
    expect(low.failures.join()).toContain('gating');
  });

  it('runs a launch file as the controller graph (its simulator node replaced by the run\'s own)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'launch-'));
    const file = path.join(dir, 'stack.launch.yaml');
    writeFileSync(
      file,
      `launch:
  - node: {pkg: sensorium_bringup, exec: simulator, name: simulator}
  - node: {pkg: sensorium_bringup, exec: expert_controller, name: driver}
  - node: {pkg: sensorium_bringup, exec: fake_gating, name: fusion, param: [{name: weight, value: 0.9}]}
`,
    );
    const registry = new NodeRegistry().register(fakeGating(0.1));
    const r = await runScenario(loadScenario(short), { controller: loadLaunchFile(file, { repoRoot: dir }), registry });
    expect(r.passed).toBe(true);
    expect(r.metrics.gating.status).toBe('passed');
    expect(Object.keys(r.counters)).toEqual(expect.arrayContaining(['/simulator', '/driver', '/fusion']));
  });

  it('scores a controller that drives into a wall: collision, penalty, no goal', async () => {
    const ram = defineNode({
      exec: 'ram',
      description: 'drives straight',
      parameters: {},
      inputs: [],
      outputs: [{ topic: 'cmd_vel', type: 'geometry_msgs/msg/Twist' }],
      configure(ctx) {
        const pub = ctx.advertise('cmd_vel', 'geometry_msgs/msg/Twist');
        return { activate: () => ctx.clock.interval(0.05).subscribe(() => pub.publish({ linear: { x: 0.6, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } })) };
      },
    }) as unknown as NodeDefinition<ParamSpecs>;
    const r = await runScenario(loadScenario(short.replace('duration: 12', 'duration: 6')), { controller: 'ram', registry: { get: (e) => (e === 'ram' ? ram : undefined) } });
    expect(r.metrics.collisions).toBe(1);
    expect(r.metrics.timeToGoal).toBeNull();
    expect(r.metrics.drivingScore).toBeCloseTo(r.metrics.routeCompletion * 0.5, 6);
    expect(r.passed).toBe(false);
  });
});

describe('simulatorNode', () => {
  it('reads its scenario through ctx.readResource and steps on its clock', async () => {
    const transport = new LocalTransport();
    const clock = new SimClock();
    const asked: string[] = [];
    const node = new NodeRuntime(simulatorNode as unknown as NodeDefinition<ParamSpecs>, {
      transport,
      clock,
      params: [{ values: { scenario: 'scenarios/short.yaml' } }],
      readResource: (p) => {
        asked.push(p);
        return Promise.resolve(new TextEncoder().encode(short));
      },
    });
    const clocks: number[] = [];
    const sub = transport.subscribe('/clock', 'rosgraph_msgs/msg/Clock', { reliability: 'best_effort' }).subscribe((m) => clocks.push(m.clock.nanosec));
    await node.configure();
    node.activate();
    clock.advanceBy(0.05);
    expect(asked).toEqual(['scenarios/short.yaml']);
    expect(clocks).toEqual([10e6, 20e6, 30e6, 40e6, 50e6]);
    sub.unsubscribe();
    await node.shutdown();
    await transport.close();
  });

  it('fails to configure without a scenario, naming the parameter', async () => {
    const node = new NodeRuntime(simulatorNode as unknown as NodeDefinition<ParamSpecs>, { transport: new LocalTransport(), clock: new SimClock() });
    await expect(node.configure()).rejects.toThrow(/parameter=scenario/);
  });
});

describe('scenarioCommand', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } };
  };

  it('exits 2 naming the file and YAML path of a bad scenario, before running anything', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scn-'));
    writeFileSync(path.join(dir, 'good.yaml'), short);
    writeFileSync(path.join(dir, 'bad.yaml'), short.replace('size: [0.8, 0.8, 1.0]', 'size: big'));
    const { err, io: sink } = io();
    expect(await scenarioCommand([dir], { ...sink, cwd: dir })).toBe(2);
    expect(err.join()).toMatch(/bad\.yaml:\d+/);
    expect(err.join()).toContain('world.obstacles[0].size');
  });

  it('exits 0 when every scenario passes and writes JSON', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'scn-'));
    writeFileSync(path.join(dir, 'a.yaml'), short.replace(/ {4}- \{when.*\n/, '').replace('  gating:\n', ''));
    const { out, io: sink } = io();
    expect(await scenarioCommand(['a.yaml', '--json', 'out.json', '--seed', '5'], { ...sink, cwd: dir })).toBe(0);
    expect(out.join()).toMatch(/PASS short/);
    const json = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8'));
    expect(json.summary).toMatchObject({ total: 1, passed: 1, failed: 0 });
    expect(json.results[0].seed).toBe(5);
  });

  it.each([[['--seed', 'x', 'a.yaml']], [['--ablate', 'smell', 'a.yaml']], [[]], [['--bogus', 'a.yaml']]])('rejects bad arguments %j with exit 2', async (args) => {
    const { err, io: sink } = io();
    expect(await scenarioCommand(args, sink)).toBe(2);
    expect(err.join()).toContain('Usage');
  });
});
