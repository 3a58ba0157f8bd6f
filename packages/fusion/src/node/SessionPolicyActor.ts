import * as tf from '@tensorflow/tfjs';
import { exportPolicyHeadOnnx, policyHeadOnnxIo, type Feeds, type InferenceSession, type NodeModel, type WeightArray } from '@sensorium/ml';
import { POLICY_MAX_ANGULAR, POLICY_MAX_LINEAR, type PolicyHead } from '../model/PolicyHead.js';

/**
 * The policy head as a node's model for `openModelSession`: `features` (writePolicyFeatures layout) in,
 * `cmd_vel` [linear m/s, angular rad/s] out, exported from the loaded weights (without LoRA adapters).
 */
export function policyHeadNodeModel(head: PolicyHead): NodeModel {
  const config = { inputDim: head.inputDim, hidden: head.hidden, scale: [POLICY_MAX_LINEAR, POLICY_MAX_ANGULAR] as const };
  return {
    name: 'policy_head',
    ...policyHeadOnnxIo(config),
    exportOnnx: (options) => exportPolicyHeadOnnx(new Map<string, WeightArray>(head.weights.read().map((w) => [w.name, w])), config, options),
    tfjs: () => Promise.resolve((inputs) => ({ cmd_vel: tf.tidy(() => tf.mul(head.forward(inputs['features'] as tf.Tensor2D), tf.tensor1d([POLICY_MAX_LINEAR, POLICY_MAX_ANGULAR]))) })),
  };
}

/** `PolicyHead.act` on an inference session: one feature vector in, the action (reused object) out. */
export class SessionPolicyActor {
  private readonly feeds: Feeds = {};
  private readonly action = { linear: 0, angular: 0 };

  constructor(readonly session: InferenceSession) {}

  act(features: Float32Array): { linear: number; angular: number } {
    this.feeds['features'] = features;
    const cmd = this.session.runSync(this.feeds, { batch: 1 })['cmd_vel']!;
    this.action.linear = cmd[0]!;
    this.action.angular = cmd[1]!;
    return this.action;
  }
}
