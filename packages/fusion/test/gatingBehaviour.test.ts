import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SyntheticWorld, evaluateStack, loadFusionModel, loadPolicyHead } from '@sensorium/fusion';
import type { FusionModel, PolicyHead, StackMetrics } from '@sensorium/fusion';
import { useWasm } from './helpers.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const reader = { read: (p: string) => Promise.resolve(new Uint8Array(readFileSync(path.resolve(REPO, p)))) };

/**
 * The shipped (learned) weights on held-out SyntheticWorld episodes the training never saw (world seed
 * 4242): the gating behaviour of issue 5 must come out of the network, not out of a rule.
 */
describe('learned gating behaviour (models/fusion)', () => {
  let model: FusionModel;
  let policy: PolicyHead;
  let metrics: StackMetrics;
  beforeAll(async () => {
    await useWasm();
    model = await loadFusionModel(reader, 'models/fusion');
    policy = await loadPolicyHead(reader, 'models/policy');
    const world = new SyntheticWorld({ config: model.config, seed: 4242, faultProbability: 0.6 });
    metrics = await evaluateStack({ model, policy, environment: world, episodes: 24, firstEpisode: 0 });
  });

  it('keeps vision near 0.3 with nothing within 3 m ahead', () => {
    expect(metrics.gating.clearSteps).toBeGreaterThan(100);
    expect(metrics.gating.clearVisionWeight).toBeGreaterThanOrEqual(0.2);
    expect(metrics.gating.clearVisionWeight).toBeLessThanOrEqual(0.4);
  });

  it('raises vision to ≥ 0.7 and switches the point encoder on within 0.5 s of an obstacle within 2 m', () => {
    expect(metrics.gating.obstacleOnsets).toBeGreaterThan(5);
    expect(metrics.gating.onsetResponseRate).toBeGreaterThanOrEqual(0.9);
  });

  it('drops a failed modality within 0.5 s and the others rise', () => {
    const faults = Object.entries(metrics.gating.faults);
    expect(faults.length).toBeGreaterThan(0);
    for (const [, f] of faults) {
      expect(f.weightAfter).toBeLessThan(Math.max(0.05, f.weightBefore / 3));
      expect(f.othersAfter).toBeGreaterThan(f.othersBefore);
    }
  });

  it('learned the dark camera from its tokens and cues (its tokens keep arriving: nothing is masked)', async () => {
    const dark = new SyntheticWorld({ config: model.config, seed: 4343, faultProbability: 1, faults: ['camera_dark'] });
    const m = await evaluateStack({ model, policy, environment: dark, episodes: 8, firstEpisode: 0 });
    const vision = m.gating.faults.vision;
    expect(vision?.events ?? 0).toBeGreaterThan(3);
    expect(vision!.weightAfter).toBeLessThan(0.1);
    expect(vision!.weightBefore).toBeGreaterThan(0.2);
  });
});
