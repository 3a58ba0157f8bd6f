import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@sensorium/core';
import { exportFusionOnnx, fusionOnnxIo, sampleSize, type Feeds, type InferenceSession, type NodeModel, type WeightArray } from '@sensorium/ml';
import { MODALITIES } from '../Modality.js';
import { AUX_MAX_DISTANCE_M, tokenRms, type FusionModel, type FusionStepInput, type FusionStepOutput } from '../model/FusionModel.js';

/**
 * The fusion model as a node's model for `openModelSession`: the ONNX graph of `forwardBatch` (padded
 * token blocks + row masks, availability, cues, token energy in; weights, point-encoder probability,
 * embedding and the auxiliary heads out), exported from the loaded weights. Not for a model with LoRA
 * adapters (the export has none).
 */
export function fusionNodeModel(model: FusionModel): NodeModel {
  const config = { ...model.config, cueDim: model.cueDim };
  return {
    name: 'fusion',
    ...fusionOnnxIo(config),
    exportOnnx: (options) => exportFusionOnnx(new Map<string, WeightArray>(model.weights.read().map((w) => [w.name, w])), config, options),
    tfjs: () =>
      Promise.resolve((inputs) =>
        tf.tidy(() => {
          const out = model.forwardBatch({
            tokens: MODALITIES.map((m) => inputs[`tokens_${m}`] as tf.Tensor3D),
            tokenMask: MODALITIES.map((m) => inputs[`mask_${m}`] as tf.Tensor2D),
            available: inputs['available'] as tf.Tensor2D,
            cues: inputs['cues'] as tf.Tensor2D,
            energy: inputs['energy'] as tf.Tensor2D,
          });
          return {
            weights: out.weights,
            point_encoder_prob: tf.sigmoid(out.pointEncoderLogit),
            embedding: out.embedding,
            obstacle_presence: tf.sigmoid(out.presenceLogit),
            obstacle_distance: out.distanceM,
          };
        }),
      ),
  };
}

/**
 * `FusionModel.step` on an inference session (ONNX Runtime): packs one step's token blocks into the
 * padded feeds (buffers allocated once), runs it synchronously, and fills a step output owned by this
 * object, overwritten by the next step, as the model's own. Exploration noise and the fixed-weights
 * ablation are not in the graph: those stay on `FusionModel.step`.
 */
export class SessionFusionStep {
  private readonly feeds: Feeds = {};
  private readonly output: FusionStepOutput;

  constructor(
    readonly model: FusionModel,
    readonly session: InferenceSession,
  ) {
    for (const spec of session.model.inputs) this.feeds[spec.name] = new Float32Array(sampleSize(spec));
    this.output = { weights: new Float32Array(MODALITIES.length), pointEncoderProb: 0, embedding: new Float32Array(model.config.embeddingDim), obstaclePresence: 0, obstacleDistanceM: AUX_MAX_DISTANCE_M };
  }

  step(input: FusionStepInput): FusionStepOutput {
    if (input.gateNoise !== undefined || input.fixedWeights === true) {
      throw new ValidationError('gate noise and fixed weights are not in the exported graph', { context: { field: 'fusion step', expected: 'FusionModel.step for exploration and ablations' } });
    }
    const c = this.model.config;
    if (input.cues.length !== this.model.cueDim) {
      throw new ValidationError('cue vector has the wrong length', { context: { field: 'cues', expected: String(this.model.cueDim), actual: String(input.cues.length) } });
    }
    const f = this.feeds;
    const available = f['available']!;
    const energy = f['energy']!;
    for (let m = 0; m < MODALITIES.length; m++) {
      const name = MODALITIES[m]!;
      const dim = c.tokenDims[name];
      const tokens = f[`tokens_${name}`]!;
      const mask = f[`mask_${name}`]!;
      const block = input.tokens[m];
      const avail = (input.available[m] ?? 0) > 0.5 ? 1 : 0;
      const count = block === undefined ? 0 : block.count;
      if (block !== undefined && count > 0 && (count > c.maxTokens[name] || block.data.length < count * dim)) {
        throw new ValidationError('token block does not fit the model', {
          context: { field: `tokens.${name}`, expected: `count ≤ ${c.maxTokens[name]}, dim ${dim}`, actual: `count ${count}, ${block.data.length} values` },
        });
      }
      available[m] = avail;
      energy[m] = avail === 1 && block !== undefined ? tokenRms(block.data, count * dim) : 0;
      mask.fill(0);
      tokens.fill(0);
      if (block !== undefined && count > 0) {
        mask.fill(1, 0, count);
        tokens.set(block.data.subarray(0, count * dim));
      }
    }
    f['cues']!.set(input.cues);
    const out = this.session.runSync(f, { batch: 1 });
    const o = this.output;
    o.weights.set(out['weights']!);
    o.pointEncoderProb = out['point_encoder_prob']![0]!;
    o.embedding.set(out['embedding']!);
    o.obstaclePresence = out['obstacle_presence']![0]!;
    o.obstacleDistanceM = out['obstacle_distance']![0]!;
    return o;
  }
}
