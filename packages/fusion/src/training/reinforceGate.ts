import * as tf from '@tensorflow/tfjs';
import type { FusionModel, FusionStepOutput } from '../model/FusionModel.js';
import type { PolicyHead } from '../model/PolicyHead.js';
import { policyFeatureDim, writePolicyFeatures } from '../model/PolicyHead.js';
import { SeededRandom } from '../model/SeededRandom.js';
import { disposeBatch, toBatchTensors } from './FusionSample.js';
import type { FusionSample } from './FusionSample.js';
import type { TrainCheckpoint, TrainProgress } from './trainFusion.js';
import { makeCheckpoint, restoreCheckpoint, restoreOptimizer } from './trainFusion.js';

/** What a rollout reports; `reward` is the scenario reward REINFORCE maximises. */
export interface EpisodeOutcome {
  reward: number;
  collided: boolean;
  reachedGoal: boolean;
}

/**
 * The learned stack at one step. Called as a function: fusion step + policy head → command (SyntheticWorld
 * drives with it). `fusionStep` alone is the fusion node's part, for an environment whose own nodes act on
 * the percept (SimGateEnvironment: the real fusion node steps through it, the real policy node drives).
 * Its output is owned by the model and overwritten by the next step.
 */
export interface GateDriver {
  (sample: FusionSample): { linear: number; angular: number };
  fusionStep(sample: FusionSample): FusionStepOutput;
}

/**
 * The simulator loop, injected: runs episode `index`, calling `drive` (or `drive.fusionStep`) with what the
 * fusion node sees at each step. SyntheticWorld and SimGateEnvironment (the simulator through the stack
 * graph) implement it.
 */
export interface GateEnvironment {
  rollout(index: number, drive: GateDriver): EpisodeOutcome | Promise<EpisodeOutcome>;
}

export interface ReinforceGateOptions {
  model: FusionModel;
  policy: PolicyHead;
  environment: GateEnvironment;
  iterations: number;
  episodesPerIteration?: number;
  /** Std of the Gaussian exploration noise on the gate logits. */
  sigma?: number;
  learningRate?: number;
  seed?: number;
  /** Episode indices start here (keep them apart from the supervised data's). */
  firstEpisode?: number;
  /** Weight of the supervised gate cross-entropy kept on visited states, so RL refines rather than forgets. */
  supervisedWeight?: number;
  /**
   * Relative weight, in that supervised term, of visited steps with an obstacle within 3 m ahead (default 1).
   * Rollouts visit mostly clear path; unweighted, the term pulls the gate toward its clear target and the
   * obstacle response fades (in the simulator: onsets 7/7 → 5/7 after 8 iterations).
   */
  supervisedNearWeight?: number;
  gateL2?: number;
  /** Steps per iteration used for the update (subsampled, seeded). */
  maxStepsPerUpdate?: number;
  onProgress?: (progress: TrainProgress) => void;
  onCheckpoint?: (checkpoint: TrainCheckpoint) => void | Promise<void>;
  resume?: TrainCheckpoint;
}

export interface ReinforceResult {
  meanReward: number[];
  successRate: number[];
}

/**
 * REINFORCE on the gate only: the gate's logits are the mean of a Gaussian policy; each step samples
 * logits = μ + σε, drives the episode with the resulting weights, and the update raises log N(μ+σε | μ, σ)
 * in proportion to the episode's normalised advantage (reward minus the batch mean). Everything but
 * `gate.hidden` and `gate.logits` stays frozen.
 */
export async function reinforceGate(options: ReinforceGateOptions): Promise<ReinforceResult> {
  const { model, policy } = options;
  const sigma = options.sigma ?? 0.3;
  const episodes = options.episodesPerIteration ?? 8;
  const maxSteps = options.maxStepsPerUpdate ?? 256;
  const supervisedWeight = options.supervisedWeight ?? 0.5;
  const gateL2 = options.gateL2 ?? 1e-4;
  const rng = new SeededRandom(options.seed ?? 17);
  const optimizer = tf.train.adam(options.learningRate ?? 3e-4);
  const variables = model.weights.select(['gate.hidden.', 'gate.logits.']);
  const features = new Float32Array(policyFeatureDim(model.config.embeddingDim));
  let start = 0;
  if (options.resume !== undefined) {
    restoreCheckpoint(model, policy, options.resume);
    await restoreOptimizer(optimizer, options.resume.optimizer);
    start = options.resume.step;
  }
  const result: ReinforceResult = { meanReward: [], successRate: [] };
  for (let it = start; it < options.iterations; it++) {
    const steps: { sample: FusionSample; noise: Float32Array; episode: number }[] = [];
    const rewards: number[] = [];
    let successes = 0;
    for (let e = 0; e < episodes; e++) {
      const episodeRng = new SeededRandom((options.seed ?? 17) * 65_537 + it * 1_000 + e);
      const fusionStep = (sample: FusionSample): FusionStepOutput => {
        const noise = new Float32Array(4).map(() => episodeRng.normal() * sigma);
        steps.push({ sample, noise, episode: e });
        return model.step({ ...sample, gateNoise: noise });
      };
      const drive = (sample: FusionSample): { linear: number; angular: number } => {
        const out = fusionStep(sample);
        writePolicyFeatures(
          features,
          {
            embedding: out.embedding,
            weights: out.weights,
            nearest_obstacle_distance: sample.perceived.nearestDistanceM,
            nearest_obstacle_bearing: sample.perceived.nearestBearing,
            obstacle_ahead_score: out.obstaclePresence,
            obstacle_count: sample.perceived.count,
            contact: sample.perceived.contact,
          },
          sample.goal,
        );
        return policy.act(features);
      };
      const outcome = await options.environment.rollout((options.firstEpisode ?? 1_000_000) + it * episodes + e, Object.assign(drive, { fusionStep }));
      rewards.push(outcome.reward);
      if (outcome.reachedGoal && !outcome.collided) successes++;
    }
    const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
    const std = Math.sqrt(rewards.reduce((a, b) => a + (b - mean) ** 2, 0) / rewards.length) + 1e-6;
    const chosen = subsample(steps.length, maxSteps, rng);
    const samples = chosen.map((i) => steps[i]!.sample);
    const noise = new Float32Array(chosen.length * 4);
    const advantage = new Float32Array(chosen.length);
    chosen.forEach((i, k) => {
      noise.set(steps[i]!.noise, k * 4);
      advantage[k] = ((rewards[steps[i]!.episode] ?? mean) - mean) / std;
    });
    const batch = toBatchTensors(model.config, samples);
    const noiseT = tf.tensor2d(noise, [chosen.length, 4]);
    const advT = tf.tensor2d(advantage, [chosen.length, 1]);
    const target = tf.tensor2d(Float32Array.from(samples.flatMap((s) => Array.from(s.gateTarget))), [chosen.length, 4]);
    const nearWeight = options.supervisedNearWeight ?? 1;
    const rowWeights = Float32Array.from(samples, (s) => (s.obstacleDistanceM <= 3 ? nearWeight : 1));
    const rowMean = rowWeights.reduce((a, b) => a + b, 0) / Math.max(1, rowWeights.length);
    const rowT = tf.tensor2d(rowWeights.map((w) => w / rowMean), [chosen.length, 1]);
    // Sampled logits s = μ_rollout + σε; μ_rollout = μ now (one on-policy update per iteration), held constant.
    const muRollout = tf.tidy(() => model.forwardBatch(batch).gateLogits);
    const sampledT = tf.add(muRollout, noiseT);
    const lossT = optimizer.minimize(
      () => {
        const out = model.forwardBatch(batch);
        const logp = tf.neg(tf.div(tf.sum(tf.mul(tf.square(tf.sub(sampledT, out.gateLogits)), batch.available), 1, true), 2 * sigma * sigma));
        const pg = tf.neg(tf.mean(tf.mul(logp, advT)));
        const ce = tf.neg(tf.mean(tf.mul(tf.sum(tf.mul(target, tf.log(tf.add(out.weights, 1e-6))), 1, true), rowT)));
        return tf.addN([pg, tf.mul(ce, supervisedWeight), tf.mul(model.gateL2(), gateL2)]) as tf.Scalar;
      },
      true,
      variables,
    );
    const loss = lossT?.dataSync()[0] ?? Number.NaN;
    lossT?.dispose();
    tf.dispose([noiseT, advT, target, rowT, muRollout, sampledT]);
    disposeBatch(batch);
    result.meanReward.push(mean);
    result.successRate.push(successes / episodes);
    options.onProgress?.({ phase: 'reinforce', epoch: it, step: it + 1, totalSteps: options.iterations, losses: { loss, meanReward: mean, success: successes / episodes } });
    if (options.onCheckpoint !== undefined) await options.onCheckpoint(await makeCheckpoint('reinforce', it + 1, model, policy, optimizer));
  }
  optimizer.dispose();
  return result;
}

function subsample(n: number, k: number, rng: SeededRandom): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= k) return all;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = all[i] ?? 0;
    all[i] = all[j] ?? 0;
    all[j] = t;
  }
  return all.slice(0, k);
}
