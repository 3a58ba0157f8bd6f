import type { TensorSpec } from '../inference/InferenceSession.js';
import { OnnxExportContext, type OnnxExportOptions, type WeightSource } from './OnnxExportContext.js';

export interface PolicyHeadOnnxConfig {
  inputDim: number;
  hidden: readonly [number, number];
  /** Multiplies the tanh outputs: [max linear m/s, max angular rad/s]. */
  scale: readonly [number, number];
}

/** The graph's I/O contract. */
export function policyHeadOnnxIo(config: PolicyHeadOnnxConfig): { inputs: TensorSpec[]; outputs: TensorSpec[] } {
  return { inputs: [{ name: 'features', shape: ['batch', config.inputDim] }], outputs: [{ name: 'cmd_vel', shape: ['batch', 2] }] };
}

/**
 * Policy head (`PolicyHead` of @sensorium/fusion) as ONNX:
 * - input `features` [batch, inputDim]: `writePolicyFeatures` layout;
 * - output `cmd_vel` [batch, 2]: linear.x (m/s), angular.z (rad/s) = tanh outputs × scale.
 */
export function exportPolicyHeadOnnx(weights: WeightSource, config: PolicyHeadOnnxConfig, options: OnnxExportOptions = {}): Uint8Array {
  const c = config;
  const x = new OnnxExportContext('sensorium_policy_head', weights, options);
  const g = x.g;
  const input = g.input('features', ['batch', c.inputDim], 'policy features (writePolicyFeatures layout)');
  const h1 = g.op('Relu', [x.dense(input, 'policy.hidden1.kernel', 'policy.hidden1.bias', c.inputDim, c.hidden[0])]);
  const h2 = g.op('Relu', [x.dense(h1, 'policy.hidden2.kernel', 'policy.hidden2.bias', c.hidden[0], c.hidden[1])]);
  const out = g.op('Tanh', [x.dense(h2, 'policy.out.kernel', 'policy.out.bias', c.hidden[1], 2)]);
  const scaled = g.op('Mul', [out, g.weight('action_scale', [2], Float32Array.from(c.scale))]);
  g.output(scaled, 'cmd_vel', ['batch', 2], 'linear.x m/s, angular.z rad/s');
  return g.toBytes({ doc: 'Sensorium policy head', metadata: { kind: 'sensorium.policy', config: JSON.stringify(config), int8: String(options.int8 === true) } });
}
