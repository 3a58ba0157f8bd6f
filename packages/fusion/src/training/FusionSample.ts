import * as tf from '@tensorflow/tfjs';
import type { FusionConfig } from '../FusionConfig.js';
import { MODALITIES } from '../Modality.js';
import type { FusionBatchTensors, TokenBlock } from '../model/FusionModel.js';
import { tokenRms } from '../model/FusionModel.js';

/**
 * One training example: what the fusion node would have seen at one step, plus the labels. Whatever
 * generates data (the simulator with the expert in `sensorium train`, or SyntheticWorld) fills these.
 */
export interface FusionSample {
  readonly tokens: readonly (TokenBlock | undefined)[];
  readonly available: Float32Array;
  readonly cues: Float32Array;
  /** Goal in base_link, m. */
  readonly goal: { x: number; y: number };
  /** Obstacle summary as the node fills it from perception (Infinity when nothing is detected). */
  readonly perceived: { nearestDistanceM: number; nearestBearing: number; count: number; contact: boolean };
  /** Expert command. */
  readonly expert: { linear: number; angular: number };
  /** 1 when a real obstacle is within 2 m ahead (ground truth; ahead = overlapping ±0.5 rad). */
  readonly obstacleAhead: number;
  /** Ground-truth distance to the nearest obstacle ahead, capped at AUX_MAX_DISTANCE_M. */
  readonly obstacleDistanceM: number;
  /** Gate supervision: target weights over MODALITIES (sum 1 over available ones). */
  readonly gateTarget: Float32Array;
  /** 1 when the LiDAR point encoder should be on. */
  readonly pointEncoderTarget: number;
}

/** Random access to samples; `sensorium train` implements it over recorded simulator runs. */
export interface FusionDataset {
  readonly length: number;
  get(index: number): FusionSample;
}

/** Several datasets as one (e.g. expert data plus DAgger rounds). */
export function concatDatasets(parts: readonly FusionDataset[]): FusionDataset {
  const length = parts.reduce((n, p) => n + p.length, 0);
  return {
    length,
    get(index: number): FusionSample {
      let i = index;
      for (const p of parts) {
        if (i < p.length) return p.get(i);
        i -= p.length;
      }
      throw new RangeError(`sample ${index} out of range (length ${length})`);
    },
  };
}

/** Packs samples into padded tensors (caller disposes via `disposeBatch` or tf.tidy). */
export function toBatchTensors(config: FusionConfig, samples: readonly FusionSample[], gateNoise?: Float32Array): FusionBatchTensors {
  const b = samples.length;
  const cueDim = samples[0]?.cues.length ?? 0;
  const tokens: tf.Tensor3D[] = [];
  const tokenMask: tf.Tensor2D[] = [];
  const energy = new Float32Array(b * 4);
  MODALITIES.forEach((m, mi) => {
    const n = config.maxTokens[m];
    const d = config.tokenDims[m];
    const data = new Float32Array(b * n * d);
    const mask = new Float32Array(b * n);
    samples.forEach((s, si) => {
      const block = s.tokens[mi];
      if (block === undefined || block.count === 0) return;
      const count = Math.min(block.count, n);
      data.set(block.data.subarray(0, count * d), si * n * d);
      mask.fill(1, si * n, si * n + count);
      energy[si * 4 + mi] = (s.available[mi] ?? 0) > 0.5 ? tokenRms(block.data, count * d) : 0;
    });
    tokens.push(tf.tensor3d(data, [b, n, d]));
    tokenMask.push(tf.tensor2d(mask, [b, n]));
  });
  const available = new Float32Array(b * 4);
  const cues = new Float32Array(b * cueDim);
  samples.forEach((s, i) => {
    for (let m = 0; m < 4; m++) available[i * 4 + m] = (s.available[m] ?? 0) > 0.5 ? 1 : 0;
    cues.set(s.cues, i * cueDim);
  });
  return {
    tokens,
    tokenMask,
    available: tf.tensor2d(available, [b, 4]),
    cues: tf.tensor2d(cues, [b, cueDim]),
    energy: tf.tensor2d(energy, [b, 4]),
    gateNoise: gateNoise === undefined ? undefined : tf.tensor2d(gateNoise, [b, 4]),
  };
}

export function disposeBatch(batch: FusionBatchTensors): void {
  tf.dispose([...batch.tokens, ...batch.tokenMask, batch.available, batch.cues, batch.energy]);
  batch.gateNoise?.dispose();
}
