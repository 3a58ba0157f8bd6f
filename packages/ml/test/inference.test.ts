import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@sensorium/core';
import { createInferenceSession, exportPolicyHeadOnnx, initBackend, ModelFormatError, sampleSize } from '../src/index.js';
import { memoryReader, policyModel, seededInput, vitModel } from './onnxModels.js';

describe('createInferenceSession: backend choice and fallback', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm'], log: () => {} });
  });

  it('picks ONNX Runtime first (CPU here) and says why', async () => {
    const m = policyModel();
    const logs: string[] = [];
    const s = await createInferenceSession(m.model, { log: (l) => logs.push(l), threads: 2 });
    expect(s.backend).toBe('onnxruntime');
    expect(logs.join('\n')).toMatch(/policy_head: inference on onnxruntime \(.*cpu execution provider, 2 thread/);
    await s.dispose();
    m.dispose();
  });

  it('a corrupt file fails ORT at load naming the file, and the session falls back to tfjs saying so', async () => {
    const m = policyModel();
    const logs: string[] = [];
    const corrupt = seededInput(64, 1);
    const model = { ...m.model, onnxFile: 'models/policy/policy.onnx', read: memoryReader(new Map([['models/policy/policy.onnx', new Uint8Array(corrupt.buffer)]])) };
    const s = await createInferenceSession(model, { log: (l) => logs.push(l) });
    expect(s.backend).toBe('wasm');
    expect(logs[0]).toMatch(/onnxruntime cannot load the model.*models\/policy\/policy\.onnx.*falling back/);
    expect(s.reason).toMatch(/skipped onnxruntime/);
    const out = await s.run({ features: seededInput(m.model.inputs[0]!.shape[1] as number, 2) }, { batch: 1 });
    expect(out['cmd_vel']!.length).toBe(2);
    m.dispose();
  });

  it('a model file whose input shape does not match fails at load naming input and shapes', async () => {
    const expected = vitModel({ depth: 1 });
    const other = vitModel({ depth: 1, imageSize: 64 }, 'small.onnx'); // 16 patches instead of 64
    const model = { ...expected.model, onnxFile: 'camera_vit.onnx', read: memoryReader(new Map([['camera_vit.onnx', other.onnx]])) };
    const error = await createInferenceSession(model, { prefer: ['onnxruntime'], log: () => {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(String((error as Error).message)).toMatch(/camera_vit\.onnx.*patches.*expected=float32 \[batch, 64, 768\].*actual=float32 \[batch, 16, 768\]/);
    expected.dispose();
    other.dispose();
  });

  it('exporting with a missing weight names the weight and the file', () => {
    const m = policyModel();
    expect(() => exportPolicyHeadOnnx(new Map(), { inputDim: 45, hidden: [64, 64], scale: [1, 2] }, { file: 'models/policy/model.json' })).toThrow(/weight missing for ONNX export \[file=models\/policy\/model\.json, field=policy\.hidden1\.kernel/);
    m.dispose();
  });

  it('with no usable backend it throws listing every reason', async () => {
    const m = policyModel();
    const bad = { ...m.model, read: () => Promise.resolve(new Uint8Array([1, 2, 3])) };
    const { tfjs: _drop, ...noTfjs } = bad;
    await expect(createInferenceSession(noTfjs, { log: () => {} })).rejects.toThrow(/onnxruntime: .*policy\.onnx.*wasm: no TensorFlow\.js implementation/);
    m.dispose();
  });

  it('rejects a short input at run time naming model and input', async () => {
    const m = policyModel();
    const s = await createInferenceSession(m.model, { log: () => {} });
    await expect(s.run({ features: new Float32Array(3) }, { batch: 2 })).rejects.toThrow(ValidationError);
    await expect(s.run({ features: new Float32Array(3) }, { batch: 2 })).rejects.toThrow(/policy_head\.features/);
    const ok = await s.run({ features: seededInput(sampleSize(m.model.inputs[0]!) * 2, 4) }, { batch: 2 });
    expect(ok['cmd_vel']!.length).toBe(4);
    await s.dispose();
    m.dispose();
  });
});
