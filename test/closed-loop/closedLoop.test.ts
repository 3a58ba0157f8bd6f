import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineNode, double, NodeRegistry, type GraphDescription, type NodeDefinition, type ParamSpecs } from '@sensorium/core';
import { loadScenario, runScenario, type Scenario } from '@sensorium/sim';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';
import { LatencyProbe } from '../../packages/cli/src/stack/LatencyProbe.js';
import { REPO_ROOT, loadStackGraph, worldBounds } from '../../packages/cli/src/stack/stackGraph.js';

/** A "policy" that drives straight ahead whatever it sees: only the safety supervisor stands between it and a wall. */
const ramNode = defineNode({
  exec: 'ram_policy',
  description: 'drives straight at `speed` on cmd_vel_raw',
  parameters: { speed: double(0.8, { min: -2, max: 2, description: 'm/s' }) },
  inputs: [],
  outputs: [{ topic: 'cmd_vel_raw', type: 'geometry_msgs/msg/Twist' }],
  configure(ctx) {
    const pub = ctx.advertise('cmd_vel_raw', 'geometry_msgs/msg/Twist');
    const twist = { linear: { x: ctx.params.speed, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } };
    return { activate: () => ctx.clock.interval(0.1).subscribe(() => pub.publish(twist)) };
  },
}) as unknown as NodeDefinition<ParamSpecs>;

function scenario(name: string, duration: number): Scenario {
  const file = path.join(REPO_ROOT, 'sim/scenarios', `${name}.yaml`);
  return { ...loadScenario(readFileSync(file, 'utf8'), { file }), duration };
}

/** The stack with the learned policy (and fusion, which only it reads) replaced by `ram_policy`. */
function rammingStack(): GraphDescription {
  const stack = loadStackGraph();
  const ram = { ...stack.nodes.find((n) => n.exec === 'policy')!, exec: 'ram_policy', name: 'ram_policy', params: [] };
  return { ...stack, nodes: [...stack.nodes.filter((n) => n.exec !== 'policy' && n.exec !== 'fusion'), ram] };
}

const haveModels = existsSync(path.join(REPO_ROOT, 'models/fusion/model.json')) && existsSync(path.join(REPO_ROOT, 'models/policy/model.json'));

describe('closed loop: simulator → perception → (fusion → policy) → safety supervisor → cmd_vel', () => {
  it('the supervisor stops a policy that rams straight at an obstacle: no collision', async () => {
    const registry = createNodeRegistry().register(ramNode);
    const result = await runScenario(scenario('static-obstacle-field', 10), { controller: rammingStack(), registry: registry as NodeRegistry });
    expect(result.metrics.collisions).toBe(0);
    const safety = result.counters['/safety_supervisor']!;
    expect((safety['intervention.ttc_slowdown'] ?? 0) + (safety['intervention.ttc_stop'] ?? 0)).toBeGreaterThan(0);
    // It did drive (the box is 3 m ahead): stopped by the supervisor, not by a dead pipeline.
    expect(result.metrics.routeCompletion).toBeGreaterThan(0.1);
    // Time-to-collision scaling brings it to rest short of the box (stop_ttc × 0.8 m/s ≈ 0.4 m).
    expect(result.metrics.minClearance ?? 0).toBeGreaterThan(0.2);
  });

  it.skipIf(!haveModels)('runs the learned stack on a scenario without collisions and reports latency', async () => {
    const s = scenario('pop-out-obstacle', 12);
    let probe: LatencyProbe | undefined;
    const result = await runScenario(s, {
      controller: loadStackGraph({ params: { policy: { map_bounds: worldBounds(s.world.size) } } }),
      registry: createNodeRegistry(),
      onStart: ({ transport, clock }) => (probe = new LatencyProbe(transport, clock)),
    });
    const latency = probe!.report();
    probe!.dispose();
    expect(result.metrics.collisions).toBe(0);
    expect(latency.samples).toBeGreaterThan(50);
    expect(Number.isFinite(latency.endToEndMs.p99)).toBe(true);
    expect(result.counters['/policy']).toBeDefined();
  });
});
