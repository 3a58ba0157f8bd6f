import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_FUSION_CONFIG,
  FusionModel,
  PolicyHead,
  SeededRandom,
  SyntheticWorld,
  gateTarget,
  reinforceGate,
  trainFusion,
} from '@sensorium/fusion';
import type { FusionDataset, TrainCheckpoint, TrainProgress } from '@sensorium/fusion';
import { randomSample, useWasm } from './helpers.js';

function dataset(n: number): FusionDataset {
  const rng = new SeededRandom(21);
  const samples = Array.from({ length: n }, () => randomSample(DEFAULT_FUSION_CONFIG, rng));
  return { length: n, get: (i) => samples[i]! };
}

function fresh(): { model: FusionModel; policy: PolicyHead } {
  return { model: new FusionModel({ seed: 1 }), policy: new PolicyHead(64, [128, 64], { seed: 2 }) };
}

function snapshot(model: FusionModel): Float32Array {
  return Float32Array.from(model.weights.get('gate.hidden.kernel').dataSync());
}

describe('gateTarget', () => {
  it.each([
    ['clear path', Infinity, [true, true, true, true], [0.2, 0.36, 0.22, 0.22]],
    ['obstacle within 2 m', 1.5, [true, true, true, true], [0.9, 0.06, 0.02, 0.02]],
    ['dark camera at an obstacle: lidar takes over', 1.5, [false, true, true, true], [0, 0.6, 0.2, 0.2]],
    ['lidar dropout, clear', Infinity, [true, false, true, true], [0.2 / 0.64, 0, 0.22 / 0.64, 0.22 / 0.64]],
  ] as const)('%s', (_label, distance, informative, expected) => {
    const t = gateTarget(new Float32Array(4), { obstacleAheadM: distance, informative: [...informative] as [boolean, boolean, boolean, boolean] });
    expected.forEach((v, i) => expect(t[i]).toBeCloseTo(v, 5));
  });
});

describe('trainFusion', () => {
  beforeAll(useWasm);

  it('is seeded, reports progress, and resuming from a checkpoint gives the uninterrupted result', async () => {
    const data = dataset(32);
    const a = fresh();
    const progress: TrainProgress[] = [];
    await trainFusion({ ...a, dataset: data, epochs: 2, batchSize: 8, seed: 3, onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(progress.every((p) => Number.isFinite(p.losses.total) && p.totalSteps === 8)).toBe(true);
    const straight = snapshot(a.model);

    const b = fresh();
    let checkpoint: TrainCheckpoint | undefined;
    await trainFusion({ ...b, dataset: data, epochs: 1, batchSize: 8, seed: 3, onCheckpoint: (c) => void (checkpoint = c) });
    b.model.dispose();
    b.policy.dispose();
    expect(checkpoint?.step).toBe(4);
    const c = fresh();
    await trainFusion({ ...c, dataset: data, epochs: 2, batchSize: 8, seed: 3, resume: checkpoint });
    const resumed = snapshot(c.model);
    resumed.forEach((v, i) => expect(v).toBeCloseTo(straight[i] ?? 0, 5));

    const d = fresh();
    await trainFusion({ ...d, dataset: data, epochs: 2, batchSize: 8, seed: 4 });
    expect(snapshot(d.model)).not.toEqual(straight);
    for (const m of [a, c, d]) {
      m.model.dispose();
      m.policy.dispose();
    }
  });

  it('with trainable: lora changes only the adapters', async () => {
    const { model, policy } = fresh();
    const { attachLora } = await import('@sensorium/fusion');
    attachLora(model, { targets: ['proj.vision', 'gate.hidden'] });
    const before = model.weights.read().map((w) => w.data);
    const adapterBefore = model.lora!.read().map((w) => w.data);
    await trainFusion({ model, policy, dataset: dataset(16), epochs: 1, batchSize: 8, trainable: 'lora' });
    model.weights.read().forEach((w, i) => expect(w.data).toEqual(before[i]));
    expect(model.lora!.read().some((w, i) => w.data.some((v, j) => v !== adapterBefore[i]![j]))).toBe(true);
    model.dispose();
    policy.dispose();
  });

  it('REINFORCE updates only the gate and runs on an injected environment', async () => {
    const { model, policy } = fresh();
    const world = new SyntheticWorld({ config: DEFAULT_FUSION_CONFIG, seed: 9 });
    // Short episodes keep the test small: the environment stops each rollout after 10 steps.
    const environment = {
      rollout: (i: number, drive: Parameters<SyntheticWorld['rollout']>[1]) => {
        let n = 0;
        return world.rollout(i, (s) => (n++ < 10 ? drive(s) : { linear: 0, angular: 0 }));
      },
    };
    const attn = Float32Array.from(model.weights.get('attn.out.kernel').dataSync());
    const gate = snapshot(model);
    const before = tf.memory().numTensors;
    const result = await reinforceGate({ model, policy, environment, iterations: 2, episodesPerIteration: 2, maxStepsPerUpdate: 16 });
    expect(result.meanReward).toHaveLength(2);
    expect(model.weights.get('attn.out.kernel').dataSync()).toEqual(attn);
    expect(snapshot(model)).not.toEqual(gate);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    policy.dispose();
  });
});
