import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FusionModel, SeededRandom, disposeBatch, toBatchTensors } from '@sensorium/fusion';
import { randomSample, useWasm } from './helpers.js';

describe('FusionModel', () => {
  let model: FusionModel;
  beforeAll(async () => {
    await useWasm();
    model = new FusionModel({ seed: 5 });
  });
  afterAll(() => model.dispose());

  it.each([
    ['all modalities', {}],
    ['vision missing (default query)', { drop: [0] }],
    ['lidar fresh without tokens', { noTokens: [1] }],
    ['only audio', { drop: [0, 1, 3] }],
  ])('2-D inference path equals the batched training path: %s', (_label, options) => {
    const rng = new SeededRandom(11);
    const samples = [randomSample(model.config, rng, options), randomSample(model.config, rng, options)];
    const batch = toBatchTensors(model.config, samples);
    const out = model.forwardBatch(batch);
    const weights = out.weights.arraySync();
    const embedding = out.embedding.arraySync();
    tf.dispose(Object.values(out));
    disposeBatch(batch);
    samples.forEach((s, i) => {
      const step = model.step(s);
      expect(Array.from(step.weights)).toEqual(weights[i]?.map((v) => expect.closeTo(v, 5)));
      expect(Array.from(step.embedding)).toEqual(embedding[i]?.map((v) => expect.closeTo(v, 4)));
    });
  });

  it('gives a missing modality weight 0 and the others sum to 1', () => {
    const s = randomSample(model.config, new SeededRandom(3), { drop: [1, 3] });
    const { weights } = model.step(s);
    expect(weights[1]).toBe(0);
    expect(weights[3]).toBe(0);
    expect((weights[0] ?? 0) + (weights[2] ?? 0)).toBeCloseTo(1, 5);
  });

  it('does not grow the tensor count over 100 forward passes', () => {
    const rng = new SeededRandom(9);
    const samples = Array.from({ length: 4 }, () => randomSample(model.config, rng));
    model.step(samples[0]!);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) model.step(samples[i % 4]!);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a token block larger than the model accepts', () => {
    const s = randomSample(model.config, new SeededRandom(4));
    const tokens = [...s.tokens];
    tokens[0] = { count: 99, data: new Float32Array(99 * 64) };
    expect(() => model.step({ ...s, tokens })).toThrow(/token block does not fit/);
  });
});
