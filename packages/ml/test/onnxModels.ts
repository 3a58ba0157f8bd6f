// Test/bench helper: the shipped models as InferenceModels (ONNX bytes in memory + tfjs runner on the module).
import * as tf from '@tensorflow/tfjs';
import { FusionModel, MODALITIES, PolicyHead, POLICY_MAX_ANGULAR, POLICY_MAX_LINEAR } from '@sensorium/fusion';
import { PointEncoder, VitEncoder, type VitConfig } from '@sensorium/perception';
import {
  exportFusionOnnx,
  exportPointEncoderOnnx,
  fusionOnnxIo,
  exportPolicyHeadOnnx,
  exportVitOnnx,
  pointEncoderOnnxIo,
  policyHeadOnnxIo,
  vitOnnxIo,
  weightsFromTensors,
  perSampleRunner,
  type InferenceModel,
  type WeightArray,
} from '../src/index.js';

export interface TestModel {
  model: InferenceModel;
  onnx: Uint8Array;
  int8: Uint8Array;
  /** The weights exported (ViT only). */
  weights?: Map<string, WeightArray>;
  dispose(): void;
}

/** Serves `files` by path, as a node's readResource would. */
export function memoryReader(files: ReadonlyMap<string, Uint8Array>): (path: string) => Promise<Uint8Array> {
  return (path) => {
    const f = files.get(path);
    return f === undefined ? Promise.reject(new Error(`ENOENT: ${path}`)) : Promise.resolve(f);
  };
}

export function vitModel(config: Partial<VitConfig> = {}, file = 'camera_vit.onnx'): TestModel {
  const vit = new VitEncoder(config);
  const w = weightsFromTensors(vit.weights);
  const onnx = exportVitOnnx(w, vit.config);
  const int8 = exportVitOnnx(w, vit.config, { int8: true });
  const io = vitOnnxIo(vit.config);
  return {
    onnx,
    int8,
    weights: w,
    model: {
      name: 'camera_vit',
      ...io,
      onnxFile: file,
      read: memoryReader(new Map([[file, onnx]])),
      tfjs: () => Promise.resolve(perSampleRunner('patches', ['tokens', 'obstacle_ahead'], (x) => { const o = vit.apply(x); return [o.tokens, o.obstacleAhead]; })),
    },
    dispose: () => vit.dispose(),
  };
}

export function pointEncoderModel(file = 'point_encoder.onnx'): TestModel {
  const enc = new PointEncoder();
  const w = weightsFromTensors(enc.weights);
  const io = pointEncoderOnnxIo(enc.config);
  const onnx = exportPointEncoderOnnx(w, enc.config);
  return {
    onnx,
    int8: exportPointEncoderOnnx(w, enc.config, { int8: true }),
    model: {
      name: 'point_encoder',
      ...io,
      onnxFile: file,
      read: memoryReader(new Map([[file, onnx]])),
      tfjs: () => Promise.resolve(perSampleRunner('features', ['tokens'], (x) => [enc.apply(x)])),
    },
    dispose: () => enc.dispose(),
  };
}

export function policyModel(file = 'policy.onnx'): TestModel {
  const head = new PolicyHead(32, [64, 64], { seed: 5 });
  const w = new Map<string, WeightArray>(head.weights.read().map((n) => [n.name, n]));
  const config = { inputDim: head.inputDim, hidden: [64, 64] as const, scale: [POLICY_MAX_LINEAR, POLICY_MAX_ANGULAR] as const };
  const onnx = exportPolicyHeadOnnx(w, config);
  return {
    onnx,
    int8: exportPolicyHeadOnnx(w, config, { int8: true }),
    model: {
      name: 'policy_head',
      ...policyHeadOnnxIo(config),
      onnxFile: file,
      read: memoryReader(new Map([[file, onnx]])),
      tfjs: () => Promise.resolve((inputs) => ({ cmd_vel: tf.tidy(() => tf.mul(head.forward(inputs['features'] as tf.Tensor2D), tf.tensor1d([POLICY_MAX_LINEAR, POLICY_MAX_ANGULAR]))) })),
    },
    dispose: () => head.dispose(),
  };
}

export function fusionModel(file = 'fusion.onnx'): TestModel {
  const fusion = new FusionModel({ seed: 4 });
  const w = new Map<string, WeightArray>(fusion.weights.read().map((n) => [n.name, n]));
  const config = { ...fusion.config, cueDim: fusion.cueDim };
  const onnx = exportFusionOnnx(w, config);
  return {
    onnx,
    int8: exportFusionOnnx(w, config, { int8: true }),
    model: {
      name: 'fusion',
      ...fusionOnnxIo(config),
      onnxFile: file,
      read: memoryReader(new Map([[file, onnx]])),
      tfjs: () =>
        Promise.resolve((inputs) =>
          tf.tidy(() => {
            const out = fusion.forwardBatch({
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
    },
    dispose: () => fusion.dispose(),
  };
}

/** Seeded inputs in [-2, 2) (mulberry32). */
export function seededInput(size: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 4) - 2;
  }
  return out;
}

/** max |a − b| / max(max |b|, 1e-6). */
export function relativeError(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return d / Math.max(m, 1e-6);
}
