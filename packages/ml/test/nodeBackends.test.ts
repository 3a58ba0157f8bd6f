// The session adapters the nodes use (fusion step, policy actor) against the models' own tfjs paths.
import { beforeAll, describe, expect, it } from 'vitest';
import { PointEncoder } from '@sensorium/perception';
import { FusionModel, fusionNodeModel, MODALITIES, PolicyHead, policyHeadNodeModel, SessionFusionStep, SessionPolicyActor, type TokenBlock } from '@sensorium/fusion';
import { initBackend, openModelSession } from '../src/index.js';
import { seededInput } from './onnxModels.js';

const quiet = { threads: 1, precision: 'fp32', onnxModel: '', read: () => Promise.reject(new Error('no files')), log: () => {} };

describe('node inference adapters: ONNX Runtime vs the models’ tfjs paths', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm'], log: () => {} });
  });

  it('SessionFusionStep equals FusionModel.step (1e-4) with modalities missing, LiDAR by sectors only, partial token counts', async () => {
    const model = new FusionModel({ seed: 9 });
    const session = await openModelSession(fusionNodeModel(model), { ...quiet, backend: 'onnxruntime' });
    expect(session.backend).toBe('onnxruntime');
    const ort = new SessionFusionStep(model, session);
    const c = model.config;
    const block = (m: number, count: number, seed: number): TokenBlock => ({ count, data: seededInput(count * c.tokenDims[MODALITIES[m]!], seed) });
    const cases: { tokens: (TokenBlock | undefined)[]; available: number[] }[] = [
      { tokens: [block(0, 16, 1), block(1, 16, 2), block(2, 4, 3), block(3, 1, 4)], available: [1, 1, 1, 1] },
      { tokens: [undefined, undefined, block(2, 7, 5), undefined], available: [0, 1, 1, 0] }, // no vision: default query; LiDAR by sectors only
      { tokens: [block(0, 3, 6), undefined, undefined, block(3, 8, 7)], available: [1, 0, 0, 1] },
      { tokens: [block(0, 16, 8), block(1, 5, 9), undefined, undefined], available: [1, 0, 1, 0] }, // LiDAR tokens but stale: masked
    ];
    let compared = 0;
    for (const [i, k] of cases.entries()) {
      const cues = seededInput(model.cueDim, 20 + i).map((v) => (v + 2) / 4);
      const input = { tokens: k.tokens, available: k.available, cues };
      const a = model.step(input);
      const expected = { weights: Float32Array.from(a.weights), embedding: Float32Array.from(a.embedding), pe: a.pointEncoderProb, presence: a.obstaclePresence, distance: a.obstacleDistanceM };
      const b = ort.step(input);
      for (let m = 0; m < 4; m++) expect(b.weights[m]).toBeCloseTo(expected.weights[m]!, 4);
      for (let m = 0; m < 4; m++) if (k.available[m] === 0) expect(b.weights[m]).toBe(0);
      const scale = Math.max(...expected.embedding.map(Math.abs));
      for (let j = 0; j < expected.embedding.length; j++) expect(Math.abs(b.embedding[j]! - expected.embedding[j]!) / scale).toBeLessThan(1e-4);
      expect(b.pointEncoderProb).toBeCloseTo(expected.pe, 4);
      expect(b.obstaclePresence).toBeCloseTo(expected.presence, 4);
      expect(b.obstacleDistanceM).toBeCloseTo(expected.distance, 3);
      compared++;
    }
    expect(compared).toBe(cases.length);
    expect(() => ort.step({ tokens: cases[0]!.tokens, available: [1, 1, 1, 1], cues: new Float32Array(model.cueDim), fixedWeights: true })).toThrow(/not in the exported graph/);
    await session.dispose();
    model.dispose();
  });

  it('PointEncoder.encodeWith(ORT session) equals its tfjs encode on a grouped cloud', async () => {
    const enc = new PointEncoder();
    const session = await openModelSession(enc.nodeModel(), { ...quiet, backend: 'onnxruntime' });
    const n = 3000;
    const xyz = seededInput(3 * n, 77).map((v) => v * 4);
    const skip = new Uint8Array(n).map((_, i) => (i % 7 === 0 ? 1 : 0)); // "ground" points left out
    const want = enc.encode(xyz, n, skip);
    const got = enc.encodeWith(session, xyz, n, skip);
    expect(got.length).toBe(16 * 64);
    let d = 0;
    let m = 0;
    want.forEach((v, i) => {
      d = Math.max(d, Math.abs(v - got[i]!));
      m = Math.max(m, Math.abs(v));
    });
    expect(m).toBeGreaterThan(0);
    expect(d / m).toBeLessThan(1e-4);
    await session.dispose();
    enc.dispose();
  });

  it('SessionPolicyActor equals PolicyHead.act on both backends', async () => {
    const head = new PolicyHead(64, [128, 64], { seed: 2 });
    for (const backend of ['onnxruntime', 'tfjs'] as const) {
      const session = await openModelSession(policyHeadNodeModel(head), { ...quiet, backend });
      const actor = new SessionPolicyActor(session);
      for (let i = 0; i < 5; i++) {
        const features = seededInput(head.inputDim, 50 + i);
        const want = { ...head.act(features) };
        const got = actor.act(features);
        expect(got.linear).toBeCloseTo(want.linear, 5);
        expect(got.angular).toBeCloseTo(want.angular, 5);
      }
      await session.dispose();
    }
    head.dispose();
  });
});
