import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { createInferenceSession, initBackend, OnnxGraphBuilder, type InferenceSession } from '@sensorium/ml';
import {
  FusionModel,
  MODALITIES,
  PolicyHead,
  SeededRandom,
  cueDim,
  fusionNodeModel,
  loadFusionModel,
  SessionFusionStep,
  modelBytes,
  saveFusionModel,
  savePolicyHead,
} from '@sensorium/fusion';
import type { FusionConfig, FusionStepInput, ModelReader, TokenBlock } from '@sensorium/fusion';
import type { BenchEntry, BenchResult } from './BenchEntry.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reader: ModelReader = { read: (p) => Promise.resolve(new Uint8Array(readFileSync(path.resolve(REPO, p)))) };

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Shipped weights when present (same numbers a robot runs), else a seeded random model of the default shape. */
async function defaultModel(): Promise<{ model: FusionModel; source: string }> {
  if (existsSync(path.join(REPO, 'models/fusion/model.json'))) return { model: await loadFusionModel(reader, 'models/fusion'), source: 'models/fusion' };
  return { model: new FusionModel({ seed: 1 }), source: 'random init (models/fusion missing)' };
}

/** Every modality present with its maximum token count: the heaviest step the default config allows. */
function fullInput(config: FusionConfig): FusionStepInput {
  const rng = new SeededRandom(3);
  const tokens: TokenBlock[] = MODALITIES.map((m) => {
    const count = config.maxTokens[m];
    return { count, data: Float32Array.from({ length: count * config.tokenDims[m] }, () => rng.normal()) };
  });
  return { tokens, available: new Float32Array([1, 1, 1, 1]), cues: new Float32Array(cueDim(config.sectors)).fill(0.5) };
}

/** Multiply-adds of one fusion step with `input` (projections, gate, per-head attention, fusion MLP, heads). */
function stepMacs(config: FusionConfig, input: FusionStepInput): number {
  const d = config.modelDim;
  const dh = d / config.heads;
  const counts = MODALITIES.map((_, i) => input.tokens[i]?.count ?? 0);
  let macs = 0;
  MODALITIES.forEach((m, i) => (macs += (counts[i] ?? 0) * config.tokenDims[m] * d));
  const gateIn = cueDim(config.sectors) + 8 + 16;
  macs += 4 * d * 4 + gateIn * config.gateHidden + config.gateHidden * 5;
  const nq = counts[0] ?? 1;
  for (let m = 1; m < 4; m++) {
    const n = counts[m] ?? 0;
    if (n === 0) continue;
    macs += config.heads * (nq * d * dh + dh * d * n + n * d * dh + nq * dh * n + nq * n * dh);
  }
  macs += nq * d * d;
  macs += (2 * d + 4 + cueDim(config.sectors)) * config.fuseHidden + config.fuseHidden * config.embeddingDim + 2 * config.embeddingDim;
  return macs;
}

/** One 2-D MatMul [rows×k]·[k×k] as an ONNX graph (the ORT baseline: same backend, same multiply-adds). */
async function matMulSession(k: number): Promise<InferenceSession> {
  const g = new OnnxGraphBuilder('matmul_baseline');
  const rng = new SeededRandom(5);
  const a = g.input('a', ['batch', k], 'left operand rows');
  const y = g.op('MatMul', [a, g.weight('b', [k, k], Float32Array.from({ length: k * k }, () => rng.normal()))]);
  g.output(y, 'y', ['batch', k], 'product rows');
  const bytes = g.toBytes({ doc: 'fusion.step_ms baseline', metadata: {} });
  return createInferenceSession(
    { name: 'matmul_baseline', inputs: [{ name: 'a', shape: ['batch', k] }], outputs: [{ name: 'y', shape: ['batch', k] }], onnxFile: 'matmul.onnx', read: () => Promise.resolve(bytes) },
    { prefer: ['onnxruntime'], threads: 1, log: () => {} },
  );
}

export const entries: BenchEntry[] = [
  {
    name: 'fusion.step_ms',
    async run({ quick }): Promise<BenchResult[]> {
      await initBackend({ log: () => {} });
      const { model, source } = await defaultModel();
      const input = fullInput(model.config);
      const macs = stepMacs(model.config, input);
      // What the fusion node runs by default (backend auto): the step on ONNX Runtime, one session run.
      const nodeModel = fusionNodeModel(model);
      const bytes = nodeModel.exportOnnx({ int8: false });
      const session = await createInferenceSession(
        { name: 'fusion', inputs: nodeModel.inputs, outputs: nodeModel.outputs, onnxFile: 'fusion.onnx', read: () => Promise.resolve(bytes) },
        { prefer: ['onnxruntime'], threads: 1, log: () => {} },
      );
      const stepper = new SessionFusionStep(model, session);
      const k = 128;
      const rows = Math.max(1, Math.round(macs / (k * k)));
      const baseline = await matMulSession(k);
      const rng = new SeededRandom(6);
      const aFeed = { a: Float32Array.from({ length: rows * k }, () => rng.normal()) };
      const iterations = quick ? 50 : 200;
      const repetitions = quick ? 3 : 7;
      for (let i = 0; i < 50; i++) {
        stepper.step(input);
        baseline.runSync(aFeed, { batch: rows });
      }
      const stepTimes: number[] = [];
      const baseTimes: number[] = [];
      for (let r = 0; r < repetitions; r++) {
        let t0 = performance.now();
        for (let i = 0; i < iterations; i++) stepper.step(input);
        stepTimes.push((performance.now() - t0) / iterations);
        t0 = performance.now();
        for (let i = 0; i < iterations; i++) baseline.runSync(aFeed, { batch: rows });
        baseTimes.push((performance.now() - t0) / iterations);
      }
      await session.dispose();
      await baseline.dispose();
      model.dispose();
      const value = median(stepTimes);
      const base = median(baseTimes);
      return [
        {
          name: 'fusion.step_ms',
          value,
          unit: 'ms',
          baseline: { name: `ORT MatMul [${rows}×${k}]·[${k}×${k}] (same ${(macs / 1e6).toFixed(2)} M multiply-adds, runSync, 1 thread)`, value: base },
          ratio: value / base,
          goal: { max: 1.5 },
          notes: `the fusion node's default path: SessionFusionStep on ONNX Runtime (${session.backend}), 1 intra-op thread, feeds packed + one runSync; all modalities at max tokens; weights: ${source}. tfjs path: fusion.step_ms_tfjs`,
        },
      ];
    },
  },
  {
    name: 'fusion.step_ms_tfjs',
    async run({ quick }): Promise<BenchResult[]> {
      const backend = await initBackend({ log: () => {} });
      const { model, source } = await defaultModel();
      const input = fullInput(model.config);
      const macs = stepMacs(model.config, input);
      // Baseline: one plain 2-D matMul with the same multiply-adds, timed the same way (upload, run, read back).
      const k = 128;
      const rows = Math.max(1, Math.round(macs / (k * k)));
      const rng = new SeededRandom(5);
      const aData = Float32Array.from({ length: rows * k }, () => rng.normal());
      const b = tf.variable(tf.randomNormal([k, k], 0, 1, 'float32', 7));
      const baselineOnce = (): void => {
        const y = tf.tidy(() => tf.matMul(tf.tensor2d(aData, [rows, k]), b));
        y.dataSync();
        y.dispose();
      };
      const iterations = quick ? 20 : 100;
      const repetitions = quick ? 3 : 7;
      for (let i = 0; i < 20; i++) {
        model.step(input);
        baselineOnce();
      }
      const stepTimes: number[] = [];
      const baseTimes: number[] = [];
      for (let r = 0; r < repetitions; r++) {
        let t0 = performance.now();
        for (let i = 0; i < iterations; i++) model.step(input);
        stepTimes.push((performance.now() - t0) / iterations);
        t0 = performance.now();
        for (let i = 0; i < iterations; i++) baselineOnce();
        baseTimes.push((performance.now() - t0) / iterations);
      }
      b.dispose();
      model.dispose();
      const value = median(stepTimes);
      const base = median(baseTimes);
      return [
        {
          name: 'fusion.step_ms_tfjs',
          value,
          unit: 'ms',
          baseline: { name: `tf.matMul [${rows}×${k}]·[${k}×${k}] (same ${(macs / 1e6).toFixed(2)} M multiply-adds)`, value: base },
          ratio: value / base,
          goal: { max: 1.5 },
          notes: `FusionModel.step on TensorFlow.js (the fallback, fixed-weights ablation and LoRA path): gating + per-head 2-D cross-modal attention + fused embedding, all modalities at max tokens (${MODALITIES.map((m) => `${m} ${model.config.maxTokens[m]}`).join(', ')}); weights: ${source}; backend ${backend.name}`,
        },
      ];
    },
  },
  {
    name: 'fusion.model_bytes_int8',
    async run(): Promise<BenchResult[]> {
      await initBackend({ log: () => {} });
      const shipped = ['models/fusion', 'models/fusion-int8', 'models/policy', 'models/policy-int8'].every((d) => existsSync(path.join(REPO, d, 'model.json')));
      let floatBytes: number;
      let int8Bytes: number;
      let source: string;
      if (shipped) {
        const size = (dir: string): number => ['model.json', 'weights.bin'].reduce((n, f) => n + readFileSync(path.join(REPO, dir, f)).length, 0);
        floatBytes = size('models/fusion') + size('models/policy');
        int8Bytes = size('models/fusion-int8') + size('models/policy-int8');
        source = 'shipped files in models/';
      } else {
        const model = new FusionModel({ seed: 1 });
        const policy = new PolicyHead(model.config.embeddingDim, model.config.policyHidden);
        floatBytes = modelBytes(saveFusionModel(model)) + modelBytes(savePolicyHead(policy));
        int8Bytes = modelBytes(saveFusionModel(model, { int8: true })) + modelBytes(savePolicyHead(policy, { int8: true }));
        source = 'freshly saved random-init model (models/ missing)';
        model.dispose();
        policy.dispose();
      }
      return [
        {
          name: 'fusion.model_bytes_int8',
          value: int8Bytes,
          unit: 'bytes',
          baseline: { name: 'float32 files (fusion + policy head)', value: floatBytes },
          ratio: int8Bytes / floatBytes,
          goal: { max: 0.29 },
          notes: `${source}; per-channel symmetric int8 kernels, per-tensor int8 biases, model.json included`,
        },
      ];
    },
  },
];
