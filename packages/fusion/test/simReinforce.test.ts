import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry, loadLaunchFile } from '@sensorium/core';
import { controlNodes } from '@sensorium/control';
import { perceptionNodes } from '@sensorium/perception';
import { loadScenario, runScenario, simNodes } from '@sensorium/sim';
import type { Scenario } from '@sensorium/sim';
import { SimGateEnvironment, evaluateStack, loadFusionModel, loadPolicyHead, reinforceGate } from '@sensorium/fusion';
import type { FusionModel, PolicyHead, SimEpisode } from '@sensorium/fusion';
import { REPO_ROOT } from '../scripts/simStack.js';
import { useWasm } from './helpers.js';

/**
 * REINFORCE in the simulator through the real stack graph (launch/stack.launch.yaml: perception, the real
 * fusion node stepping the model under training, planner, policy node, safety supervisor), smoke-sized:
 * 3 s episodes of pop-out-obstacle. Simulation time, no wall-clock assertions.
 */
describe('SimGateEnvironment (REINFORCE on closed-loop simulator rollouts)', () => {
  let scenario: Scenario;
  let model: FusionModel;
  let policy: PolicyHead;
  const reader = { read: (p: string) => readFile(path.join(REPO_ROOT, p)).then((b) => new Uint8Array(b)) };
  beforeAll(async () => {
    await useWasm();
    const file = path.join(REPO_ROOT, 'sim/scenarios/pop-out-obstacle.yaml');
    scenario = { ...loadScenario(await readFile(file, 'utf8'), { file }), duration: 3 };
    model = await loadFusionModel(reader, 'models/fusion');
    policy = await loadPolicyHead(reader, 'models/policy');
  });

  const episodes: string[] = [];
  const environment = (): SimGateEnvironment =>
    new SimGateEnvironment({
      model,
      episode: (): SimEpisode => ({
        name: scenario.name,
        lighting: scenario.world.lighting,
        faults: scenario.faults,
        async run(hooks) {
          const controller = loadLaunchFile(path.join(REPO_ROOT, 'launch/stack.launch.yaml'), { repoRoot: REPO_ROOT });
          const registry = new NodeRegistry().register(...perceptionNodes, hooks.fusionNode, ...controlNodes, ...simNodes);
          const r = await runScenario(scenario, { controller, registry, resourceRoot: REPO_ROOT, onStart: ({ transport }) => hooks.onStart({ transport }) });
          return { drivingScore: r.metrics.drivingScore, collisions: r.metrics.collisions, reachedGoal: r.metrics.timeToGoal !== null, passed: r.passed };
        },
      }),
      onEpisode: (index, name, score, reward) => episodes.push(`${index} ${name} ${score.drivingScore} ${reward}`),
    });

  it('steps the model inside the real fusion node, labels every step from ground truth and scores the run', async () => {
    const m = await evaluateStack({ model, policy, environment: environment(), episodes: 1, firstEpisode: 0 });
    // 3 s at 10 Hz, the first steps before the first world state aside; the robot starts with nothing within 3 m ahead.
    expect(m.gating.clearSteps).toBeGreaterThan(20);
    expect(m.gating.clearVisionWeight).toBeGreaterThan(0);
    expect(m.gating.clearVisionWeight).toBeLessThan(1);
    // The policy node drove: some of the route is done in 3 s (reward = driving score, no collisions).
    expect(m.meanReward).toBeGreaterThan(0);
    expect(m.collisionRate).toBe(0);
  }, 120_000);

  it('REINFORCE updates only the gate from the rollouts of the real stack', async () => {
    const frozen = model.weights.read(['proj.', 'attn.', 'fuse.', 'aux.', 'gate.summary.', 'gate.point_encoder.']).map((w) => ({ name: w.name, data: Float32Array.from(w.data) }));
    const gateBefore = model.weights.read(['gate.hidden.', 'gate.logits.']).map((w) => Float32Array.from(w.data));
    const before = episodes.length;
    const result = await reinforceGate({ model, policy, environment: environment(), iterations: 1, episodesPerIteration: 2, sigma: 1, learningRate: 1e-3, seed: 5 });
    expect(episodes.length - before).toBe(2);
    expect(result.meanReward).toHaveLength(1);
    expect(Number.isFinite(result.meanReward[0])).toBe(true);
    const gateAfter = model.weights.read(['gate.hidden.', 'gate.logits.']);
    expect(gateAfter.some((w, i) => w.data.some((v, k) => v !== gateBefore[i]![k]))).toBe(true);
    for (const w of model.weights.read(frozen.map((f) => f.name))) {
      const f = frozen.find((x) => x.name === w.name)!;
      expect(Array.from(w.data), w.name).toEqual(Array.from(f.data));
    }
  }, 180_000);
});
