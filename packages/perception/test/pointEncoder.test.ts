import * as tf from '@tensorflow/tfjs';
import { encodeWeights, initBackend, ModelFormatError } from '@sensorium/ml';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, loadModelInto, PointEncoder } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ log: () => {} });
});

describe('PointEncoder', () => {
  it('one token per sector, empty sectors still encoded, no tensor growth over 100 passes', () => {
    const rng = createRng(2);
    const n = 3000;
    const xyz = Float32Array.from({ length: n * 3 }, () => (rng() - 0.5) * 20);
    const enc = new PointEncoder();
    const first = enc.encode(xyz, n);
    expect(first).toHaveLength(16 * 64);
    expect(first.every(Number.isFinite)).toBe(true);
    expect(enc.encode(new Float32Array(0), 0)).toHaveLength(16 * 64);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) enc.encode(xyz, n);
    expect(tf.memory().numTensors).toBe(before);
    // max-pooling per group: the order of points does not matter beyond which are sampled
    const skipAll = new Uint8Array(n).fill(1);
    expect(Array.from(enc.encode(xyz, n, skipAll))).toEqual(Array.from(enc.encode(new Float32Array(0), 0)));
    enc.dispose();
  });

  it('loads trained weights through a resource reader and rejects a mismatched model', async () => {
    const a = new PointEncoder({ seed: 5 });
    const files = new Map<string, Uint8Array>();
    const { modelJson, weightsBin } = await encodeWeights(a.weights);
    files.set('models/perception/point_encoder/model.json', modelJson);
    files.set('models/perception/point_encoder/weights.bin', weightsBin);
    const read = async (p: string): Promise<Uint8Array> => files.get(p) ?? Promise.reject(new Error(`missing ${p}`));
    const b = new PointEncoder({ seed: 6 });
    await loadModelInto(b, 'models/perception/point_encoder/model.json', read);
    const xyz = Float32Array.of(1, 0, 0, 0, 1, 0, -1, 0, 0);
    expect(Array.from(b.encode(xyz, 3))).toEqual(Array.from(a.encode(xyz, 3)));
    const wide = new PointEncoder({ hidden: 32 });
    await expect(loadModelInto(wide, 'models/perception/point_encoder/model.json', read)).rejects.toBeInstanceOf(ModelFormatError);
    await expect(loadModelInto(wide, 'models/perception/point_encoder/model.json', read)).rejects.toThrow(/mlp\/w1/);
    for (const m of [a, b, wide]) m.dispose();
  });
});
