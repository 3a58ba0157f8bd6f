import type { FusionModel, FusionStepOutput } from '../model/FusionModel.js';
import type { PolicyHead } from '../model/PolicyHead.js';
import { policyFeatureDim, writePolicyFeatures } from '../model/PolicyHead.js';
import type { FusionSample } from './FusionSample.js';
import type { GateDriver } from './reinforceGate.js';

/**
 * The learned stack as a driver for a GateEnvironment: fusion step → FusedPercept fields → policy head,
 * exactly as the fusion and policy nodes chain them. `observe` sees each step's sample and output
 * (for gating metrics); the output object is reused by the next step.
 */
export function learnedDriver(
  model: FusionModel,
  policy: PolicyHead,
  observe?: (sample: FusionSample, output: FusionStepOutput) => void,
): GateDriver {
  const features = new Float32Array(policyFeatureDim(model.config.embeddingDim));
  const fusionStep = (sample: FusionSample): FusionStepOutput => {
    const out = model.step(sample);
    observe?.(sample, out);
    return out;
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
  return Object.assign(drive, { fusionStep });
}
