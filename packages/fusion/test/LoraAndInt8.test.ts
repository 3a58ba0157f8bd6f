import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FusionModel,
  PolicyHead,
  SeededRandom,
  attachLora,
  decodeWeights,
  encodeWeights,
  loadFusionModel,
  loadLoraAdapters,
  memoryReader,
  modelBytes,
  quantizeInt8PerChannel,
  saveFusionModel,
  saveLoraAdapters,
  savePolicyHead,
} from '@sensorium/fusion';
import { randomSample, useWasm } from './helpers.js';

function perturbAdapters(model: FusionModel, seed: number): void {
  const rng = new SeededRandom(seed);
  for (const v of model.lora!.variables()) {
    tf.tidy(() => v.assign(tf.tensor(Float32Array.from({ length: v.size }, () => rng.normal() * 0.05), v.shape)));
  }
}

describe('LoRA', () => {
  let model: FusionModel;
  beforeAll(async () => {
    await useWasm();
    model = new FusionModel({ seed: 2 });
  });
  afterAll(() => model.dispose());

  it('keeps trainable parameters ≤ 3% of fusion model + policy head with the default targets', () => {
    const policy = new PolicyHead(model.config.embeddingDim, model.config.policyHidden);
    const lora = attachLora(model, { targets: ['proj.vision', 'gate.hidden'] });
    const total = model.paramCount() + policy.weights.paramCount();
    expect(lora.paramCount() / total).toBeLessThanOrEqual(0.03);
    expect(lora.rank).toBe(8);
    policy.dispose();
  });

  it('starts as the identity, and merge then unmerge restores the base exactly enough', () => {
    const sample = randomSample(model.config, new SeededRandom(1));
    attachLora(model, { targets: ['proj.vision', 'gate.hidden'] });
    const base = Float32Array.from(model.step(sample).embedding);
    const baseKernel = model.weights.get('proj.vision.kernel').dataSync().slice();
    perturbAdapters(model, 3);
    const adapted = Float32Array.from(model.step(sample).embedding);
    expect(Math.max(...adapted.map((v, i) => Math.abs(v - (base[i] ?? 0))))).toBeGreaterThan(1e-3);
    model.lora!.merge();
    const merged = Float32Array.from(model.step(sample).embedding);
    merged.forEach((v, i) => expect(v).toBeCloseTo(adapted[i] ?? 0, 5));
    model.lora!.unmerge();
    const kernel = model.weights.get('proj.vision.kernel').dataSync();
    kernel.forEach((v, i) => expect(v).toBeCloseTo(baseKernel[i] ?? 0, 6));
    const unmerged = Float32Array.from(model.step(sample).embedding);
    unmerged.forEach((v, i) => expect(v).toBeCloseTo(adapted[i] ?? 0, 5));
  });

  it('saves and loads adapters on their own', async () => {
    attachLora(model, { targets: ['proj.vision', 'gate.hidden'] });
    perturbAdapters(model, 8);
    const sample = randomSample(model.config, new SeededRandom(2));
    const expected = Float32Array.from(model.step(sample).embedding);
    const adapterFiles = saveLoraAdapters(model.lora!);
    const baseFiles = saveFusionModel(model);
    expect(modelBytes(adapterFiles)).toBeLessThan(modelBytes(baseFiles) / 10);
    const reader = memoryReader({ base: baseFiles, adapter: adapterFiles });
    const reloaded = await loadFusionModel(reader, 'base');
    await loadLoraAdapters(reloaded, reader, 'adapter');
    const got = reloaded.step(sample).embedding;
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i] ?? 0, 5));
    reloaded.dispose();
  });
});

describe('INT8', () => {
  beforeAll(useWasm);

  it('per-channel quantization error is at most half a step per channel', () => {
    const rng = new SeededRandom(4);
    const rows = 37;
    const cols = 13;
    const data = Float32Array.from({ length: rows * cols }, (_, i) => rng.normal() * (1 + (i % cols)));
    const { values, scales } = quantizeInt8PerChannel(data, rows, cols);
    for (let i = 0; i < data.length; i++) {
      const err = Math.abs((values[i] ?? 0) * (scales[i % cols] ?? 0) - (data[i] ?? 0));
      expect(err).toBeLessThanOrEqual((scales[i % cols] ?? 0) / 2 + 1e-7);
    }
    const [back] = decodeWeights(...Object.values(encodeWeights([{ name: 'w', shape: [rows, cols], data }], { quantize: () => true })) as [never, never]);
    expect(back?.data.length).toBe(data.length);
  });

  it('files are ≥ 3.5× smaller and the model output stays close', async () => {
    const model = new FusionModel({ seed: 3 });
    const policy = new PolicyHead(model.config.embeddingDim, model.config.policyHidden);
    const floatBytes = modelBytes(saveFusionModel(model)) + modelBytes(savePolicyHead(policy));
    const int8Files = saveFusionModel(model, { int8: true });
    const int8Bytes = modelBytes(int8Files) + modelBytes(savePolicyHead(policy, { int8: true }));
    expect(floatBytes / int8Bytes).toBeGreaterThanOrEqual(3.5);
    const sample = randomSample(model.config, new SeededRandom(6));
    const expected = Float32Array.from(model.step(sample).embedding);
    const q = await loadFusionModel(memoryReader({ m: int8Files }), 'm');
    const got = q.step(sample).embedding;
    const maxErr = Math.max(...got.map((v, i) => Math.abs(v - (expected[i] ?? 0))));
    expect(maxErr).toBeLessThan(0.05);
    q.dispose();
    model.dispose();
    policy.dispose();
  });

  it('rejects a truncated weights file naming the file and the weight', async () => {
    const model = new FusionModel({ seed: 3 });
    const files = saveFusionModel(model);
    files.set('weights.bin', files.get('weights.bin')!.subarray(0, 1000));
    await expect(loadFusionModel(memoryReader({ m: files }), 'm')).rejects.toThrow(/shorter than its manifest.*file=m\/weights.bin/);
    model.dispose();
  });
});
