import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FusionModel, PolicyHead, POLICY_MAX_ANGULAR, POLICY_MAX_LINEAR, saveFusionModel, savePolicyHead } from '@sensorium/fusion';
import { initBackend } from '@sensorium/ml';
import { main } from '../src/index.js';
import { captureIo } from './io.js';

const dir = mkdtempSync(join(tmpdir(), 'sensorium-export-'));

describe('sensorium export --format onnx', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm'], log: () => {} });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every model; the policy graph computes what PolicyHead.act does', async () => {
    const models = join(dir, 'models');
    mkdirSync(join(models, 'policy'), { recursive: true });
    const head = new PolicyHead(16, [32, 32], { seed: 9 });
    for (const [name, bytes] of savePolicyHead(head)) writeFileSync(join(models, 'policy', name), bytes);
    mkdirSync(join(models, 'fusion'), { recursive: true });
    const fusion = new FusionModel({ seed: 2 });
    for (const [name, bytes] of saveFusionModel(fusion)) writeFileSync(join(models, 'fusion', name), bytes);
    fusion.dispose();
    const io = captureIo(dir);
    expect(await main(['export', '--format', 'onnx', '--int8', '--json', 'models', 'out'], io)).toBe(0);
    const report = JSON.parse(io.out) as { models: { model: string; file: string; int8File: string; inputs: { name: string }[] }[] };
    expect(report.models.map((m) => m.model)).toEqual(['camera_vit', 'point_encoder', 'fusion', 'policy']);
    expect(io.err).toMatch(/camera_vit .*seeded/);

    const policy = report.models[3]!;
    expect(report.models[2]!.inputs.map((i) => i.name)).toContain('tokens_vision');
    const session = await ort.InferenceSession.create(readFileSync(policy.file));
    const features = new Float32Array(head.inputDim).map((_, i) => Math.sin(i));
    const out = (await session.run({ features: new ort.Tensor('float32', features, [1, head.inputDim]) }))['cmd_vel']!.data as Float32Array;
    const act = head.act(features);
    expect(out[0]).toBeCloseTo(act.linear, 5);
    expect(out[1]).toBeCloseTo(act.angular, 5);
    expect(Math.abs(act.linear)).toBeLessThanOrEqual(POLICY_MAX_LINEAR);
    expect(Math.abs(act.angular)).toBeLessThanOrEqual(POLICY_MAX_ANGULAR);
    await session.release();
    const int8 = await ort.InferenceSession.create(readFileSync(report.models[0]!.int8File));
    expect(int8.inputNames).toEqual(['patches']);
    await int8.release();
    head.dispose();
  });

  it('rejects another format and a missing directory with exit code 2', async () => {
    const io = captureIo(dir);
    expect(await main(['export', '--format', 'tflite', 'a', 'b'], io)).toBe(2);
    expect(io.err).toMatch(/--format.*onnx/);
    const io2 = captureIo(dir);
    expect(await main(['export', '--format', 'onnx', 'nope', 'out'], io2)).toBe(2);
    expect(io2.err).toMatch(/nope/);
  });

  it('a corrupt policy model fails with exit code 1 naming the file', async () => {
    const models = join(dir, 'bad');
    mkdirSync(join(models, 'policy'), { recursive: true });
    writeFileSync(join(models, 'policy', 'model.json'), '{not json');
    const io = captureIo(dir);
    expect(await main(['export', '--format', 'onnx', 'bad', 'out2'], io)).toBe(1);
    expect(io.err).toMatch(/bad\/policy\/model\.json/);
  });

  it('exports the camera ViT from MODEL_DIR/camera (the stack\'s camera model) with its config', async () => {
    const io = captureIo(join(dir, '..'));
    const repoModels = join(import.meta.dirname, '../../../models');
    expect(await main(['export', '--format', 'onnx', '--json', repoModels, join(dir, 'shipped')], io)).toBe(0);
    const report = JSON.parse(io.out) as { models: { model: string; weights: string; inputs: { name: string; shape: (number | string)[] }[] }[] };
    const vit = report.models.find((m) => m.model === 'camera_vit')!;
    expect(vit.weights).toMatch(/models\/camera\/model\.json$/);
    expect(vit.inputs[0]!.shape).toEqual(['batch', 16, 768]); // 64 px, 16 px patches: the stack's ViT
  });
});
