import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceSession, decodeOnnxModel, EXPORT_OPSET, exportVitOnnx, initBackend, sampleSize, type InferenceSession } from '../src/index.js';
import { fusionModel, pointEncoderModel, policyModel, relativeError, seededInput, vitModel, type TestModel } from './onnxModels.js';

const quiet = { log: () => {} };
/** VIT_SMALL of @sensorium/perception (the default camera encoder). */
const VIT_CONFIG = { imageSize: 128, patchSize: 16, dim: 192, depth: 4, heads: 3, mlpRatio: 4, pool: 2, tokenDim: 64 };

describe('ONNX export: ORT and tfjs agree (1e-4 relative) on seeded inputs', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm'], log: () => {} });
  });

  const cases: [string, () => TestModel][] = [
    ['camera ViT (default config)', () => vitModel()],
    ['point encoder', () => pointEncoderModel()],
    ['policy head', () => policyModel()],
    ['fusion model (gating + cross-modal attention)', () => fusionModel()],
  ];
  for (const [label, make] of cases) {
    it(label, async () => {
      const m = make();
      const ort = await createInferenceSession(m.model, { prefer: ['onnxruntime'], ...quiet });
      const tfjs = await createInferenceSession(m.model, { prefer: ['wasm'], ...quiet });
      expect(ort.backend).toBe('onnxruntime');
      expect(tfjs.backend).toBe('wasm');
      const batch = 3; // dynamic batch dimension
      const feeds = Object.fromEntries(m.model.inputs.map((s, i) => [s.name, seededInput(sampleSize(s) * batch, 7 + i)]));
      // masks and availability are 0/1; sample 2 has no vision and no audio (default query, gate masking)
      for (const [name, v] of Object.entries(feeds)) {
        if (!name.startsWith('mask_') && name !== 'available') continue;
        const n = v.length / batch;
        for (let i = 0; i < v.length; i++) v[i] = v[i]! > -1 ? 1 : 0;
        if (name === 'mask_vision' || name === 'mask_audio') v.fill(0, 2 * n, 3 * n);
        if (name === 'available') v.fill(1, 0, n);
      }
      if (feeds['energy'] !== undefined) feeds['energy'] = feeds['energy'].map(Math.abs);
      const a = await ort.run(feeds, { batch });
      const b = await tfjs.run(feeds, { batch });
      for (const spec of m.model.outputs) {
        expect(a[spec.name]!.length).toBe(sampleSize(spec) * batch);
        expect(relativeError(a[spec.name]!, b[spec.name]!)).toBeLessThan(1e-4);
      }
      await ort.dispose();
      m.dispose();
    });
  }

  it('graph metadata: opset 17, named I/O, symbolic batch dim', () => {
    const m = policyModel();
    const model = decodeOnnxModel(m.onnx);
    expect(Number(model.opsetImport[0]!.version)).toBe(EXPORT_OPSET);
    const inputs = model.graph?.input ?? [];
    const outputs = model.graph?.output ?? [];
    expect(inputs.map((i) => i.name)).toEqual(['features']);
    expect(outputs.map((o) => o.name)).toEqual(['cmd_vel']);
    expect(inputs[0]?.type?.tensorType?.shape?.dim?.[0]?.dimParam).toBe('batch');
    expect(inputs[0]?.docString).not.toBe('');
    m.dispose();
  });
});

describe('INT8 (per-channel int8 MatMulInteger) vs float on ORT', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm'], log: () => {} });
  });
  let vit: TestModel;
  let fp32: InferenceSession;
  let int8: InferenceSession;
  beforeAll(async () => {
    vit = vitModel();
    fp32 = await createInferenceSession(vit.model, { prefer: ['onnxruntime'], ...quiet });
    const file = 'camera_vit.int8.onnx';
    int8 = await createInferenceSession({ ...vit.model, onnxFile: file, read: () => Promise.resolve(vit.int8) }, { prefer: ['onnxruntime'], ...quiet });
  });
  afterAll(async () => {
    await fp32.dispose();
    await int8.dispose();
    vit.dispose();
  });

  it('emits MatMulInteger for the large kernels only, and none for kernels kept float', () => {
    const ops = (bytes: Uint8Array): string[] => (decodeOnnxModel(bytes).graph?.node ?? []).map((n) => n.opType ?? '');
    const quantized = ops(vit.int8).filter((o) => o === 'MatMulInteger').length;
    expect(quantized).toBe(1 + 4 * 6 + 1); // patch embedding, 6 kernels per block, the obstacle head's first layer; the output projection and the head's output layer stay float by default
    expect(ops(exportVitOnnx(vit.weights!, VIT_CONFIG, { int8: true, keepFloat: (k) => k.startsWith('blocks/') })).filter((o) => o === 'MatMulInteger').length).toBe(3);
  });

  it('is smaller and stays within 2% (tokens) / 0.02 (probability) of float', async () => {
    expect(vit.int8.length).toBeLessThan(vit.onnx.length * 0.4);
    const batch = 4;
    const feeds = { patches: seededInput(sampleSize(vit.model.inputs[0]!) * batch, 3) };
    const a = await fp32.run(feeds, { batch });
    const b = await int8.run(feeds, { batch });
    const err = relativeError(b['tokens']!, a['tokens']!);
    expect(err).toBeGreaterThan(0); // it really is quantized
    expect(err).toBeLessThan(0.02);
    for (let i = 0; i < batch; i++) expect(Math.abs(b['obstacle_ahead']![i]! - a['obstacle_ahead']![i]!)).toBeLessThan(0.02);
  });
});

describe('INT8 fusion → policy chain: action within 1% of float', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm'], log: () => {} });
  });

  it('cmd_vel from int8 fusion + int8 policy differs from float by < 1% of the speed limits', async () => {
    const fusion = fusionModel();
    const policy = policyModel();
    const open = (m: TestModel, bytes: Uint8Array): Promise<InferenceSession> =>
      createInferenceSession({ ...m.model, read: () => Promise.resolve(bytes) }, { prefer: ['onnxruntime'], ...quiet });
    const [f32, f8, p32, p8] = await Promise.all([open(fusion, fusion.onnx), open(fusion, fusion.int8), open(policy, policy.onnx), open(policy, policy.int8)]);
    const batch = 16;
    const feeds = Object.fromEntries(fusion.model.inputs.map((s, i) => [s.name, seededInput(sampleSize(s) * batch, 40 + i)]));
    for (const name of Object.keys(feeds)) if (name.startsWith('mask_') || name === 'available') feeds[name] = feeds[name]!.map((v) => (v > -1 ? 1 : 0));
    feeds['energy'] = feeds['energy']!.map(Math.abs);
    const policyIn = sampleSize(policy.model.inputs[0]!);
    const act = async (fs: InferenceSession, ps: InferenceSession): Promise<Float32Array> => {
      const e = (await fs.run(feeds, { batch }))['embedding']!;
      // policy features: the embedding (32 of it, the test head's width) then fixed percept/goal features
      const features = new Float32Array(policyIn * batch);
      for (let b = 0; b < batch; b++) {
        features.set(e.subarray(b * 64, b * 64 + 32), b * policyIn);
        features.set(seededInput(policyIn - 32, 90 + b), b * policyIn + 32);
      }
      return (await ps.run({ features }, { batch }))['cmd_vel']!;
    };
    const a = await act(f32, p32);
    const b = await act(f8, p8);
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (i % 2 === 0 ? 1.0 : 2.0));
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.01);
    for (const s of [f32, f8, p32, p8]) await s.dispose();
    fusion.dispose();
    policy.dispose();
  });
});
