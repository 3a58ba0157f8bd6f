import type { FusionModel } from '../model/FusionModel.js';
import type { PolicyHead } from '../model/PolicyHead.js';
import { PointEncoderSwitch } from '../model/PointEncoderSwitch.js';
import { MODALITIES, VISION } from '../Modality.js';
import { learnedDriver } from './learnedDriver.js';
import type { GateEnvironment } from './reinforceGate.js';

/** Closed-loop outcome and the gating behaviour the fusion issue asks for, measured on rollouts. */
export interface StackMetrics {
  episodes: number;
  successRate: number;
  collisionRate: number;
  meanReward: number;
  gating: {
    /** Mean vision weight over steps with nothing within 3 m ahead and every modality healthy. */
    clearVisionWeight: number;
    clearSteps: number;
    /** Obstacle onsets (first step with an obstacle within 2 m ahead, vision healthy). */
    obstacleOnsets: number;
    /** Fraction of onsets where within 0.5 s (5 steps) vision weight ≥ 0.7 and the point encoder is on. */
    onsetResponseRate: number;
    /** Mean vision weight over steps with an obstacle within 2 m ahead (vision healthy). */
    nearVisionWeight: number;
    /** Per failed modality: mean weight in the 0.5 s before the failure, and 0.5 s after it. */
    faults: Record<string, { events: number; weightBefore: number; weightAfter: number; othersBefore: number; othersAfter: number }>;
  };
}

/** Runs `episodes` rollouts of the learned stack starting at `firstEpisode` and measures it. */
export async function evaluateStack(options: {
  model: FusionModel;
  policy: PolicyHead;
  environment: GateEnvironment;
  episodes: number;
  firstEpisode: number;
  stepSec?: number;
}): Promise<StackMetrics> {
  const respondSteps = Math.round(0.5 / (options.stepSec ?? 0.1));
  let successes = 0;
  let collisions = 0;
  let rewardSum = 0;
  let clearSum = 0;
  let clearSteps = 0;
  let nearSum = 0;
  let nearSteps = 0;
  let onsets = 0;
  let responded = 0;
  const faults: StackMetrics['gating']['faults'] = {};
  for (let e = 0; e < options.episodes; e++) {
    const trace: { weights: Float32Array; pe: boolean; obstacleM: number; target: Float32Array; available: Float32Array }[] = [];
    const sw = new PointEncoderSwitch();
    const driver = learnedDriver(options.model, options.policy, (sample, out) => {
      trace.push({
        weights: Float32Array.from(out.weights),
        pe: sw.update(out.pointEncoderProb),
        obstacleM: sample.obstacleDistanceM,
        target: sample.gateTarget,
        available: sample.available,
      });
    });
    const outcome = await options.environment.rollout(options.firstEpisode + e, driver);
    rewardSum += outcome.reward;
    if (outcome.reachedGoal && !outcome.collided) successes++;
    if (outcome.collided) collisions++;
    let inObstacle = false;
    trace.forEach((t, i) => {
      const healthy = t.target.every((v) => v > 0);
      const vision = t.weights[VISION] ?? 0;
      if (healthy && t.obstacleM > 3) {
        clearSum += vision;
        clearSteps++;
      }
      const visionOk = (t.target[VISION] ?? 0) > 0;
      if (visionOk && t.obstacleM < 2) {
        nearSum += vision;
        nearSteps++;
        if (!inObstacle) {
          onsets++;
          const window = trace.slice(i, i + respondSteps + 1);
          if (window.some((w) => (w.weights[VISION] ?? 0) >= 0.7 && w.pe)) responded++;
        }
      }
      inObstacle = t.obstacleM < 2;
      if (i === 0) return;
      const prev = trace[i - 1]!;
      for (let m = 0; m < MODALITIES.length; m++) {
        // A modality failing: its target drops to 0 at this step.
        if ((prev.target[m] ?? 0) > 0 && (t.target[m] ?? 0) === 0) {
          const name = MODALITIES[m]!;
          const before = trace.slice(Math.max(0, i - respondSteps), i);
          const after = trace.slice(i + respondSteps, i + respondSteps + 1);
          if (before.length === 0 || after.length === 0) continue;
          const f = (faults[name] ??= { events: 0, weightBefore: 0, weightAfter: 0, othersBefore: 0, othersAfter: 0 });
          const mean = (xs: typeof trace, pick: (w: Float32Array) => number): number => xs.reduce((a, x) => a + pick(x.weights), 0) / xs.length;
          const others = (w: Float32Array): number => 1 - (w[m] ?? 0);
          f.events++;
          f.weightBefore += mean(before, (w) => w[m] ?? 0);
          f.weightAfter += mean(after, (w) => w[m] ?? 0);
          f.othersBefore += mean(before, others);
          f.othersAfter += mean(after, others);
        }
      }
    });
  }
  for (const f of Object.values(faults)) {
    f.weightBefore /= f.events;
    f.weightAfter /= f.events;
    f.othersBefore /= f.events;
    f.othersAfter /= f.events;
  }
  return {
    episodes: options.episodes,
    successRate: successes / options.episodes,
    collisionRate: collisions / options.episodes,
    meanReward: rewardSum / options.episodes,
    gating: {
      clearVisionWeight: clearSteps === 0 ? Number.NaN : clearSum / clearSteps,
      clearSteps,
      obstacleOnsets: onsets,
      onsetResponseRate: onsets === 0 ? Number.NaN : responded / onsets,
      nearVisionWeight: nearSteps === 0 ? Number.NaN : nearSum / nearSteps,
      faults,
    },
  };
}
