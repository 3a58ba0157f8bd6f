import * as tf from '@tensorflow/tfjs';
import { ValidationError, type Image } from '@sensorium/core';
import { initBackend } from '@sensorium/ml';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, imageToPatches, VIT_SEED, VitEncoder } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ log: () => {} });
});

function rgbImage(w: number, h: number, seed: number, encoding = 'rgb8', channels = 3): Image {
  const rng = createRng(seed);
  const data = new Uint8Array(w * h * channels);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rng() * 256);
  return { header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'camera_link' }, width: w, height: h, encoding, is_bigendian: 0, step: w * channels, data };
}

const identity = { mean: [0, 0, 0] as const, std: [1, 1, 1] as const };

describe('imageToPatches', () => {
  it('equals tf.image.resizeBilinear (half-pixel centres) rearranged into patches', () => {
    const img = rgbImage(50, 30, 1);
    const out = imageToPatches(img, { imageSize: 16, patchSize: 8, ...identity }, new Float32Array(16 * 16 * 3));
    const ref = tf.tidy(() => {
      const t = tf.div(tf.tensor3d(Float32Array.from(img.data), [30, 50, 3]), 255);
      const r = tf.image.resizeBilinear(t as tf.Tensor3D, [16, 16], false, true);
      // [2, 8, 2, 8, 3] → [2, 2, 8, 8, 3] → patches
      return tf.reshape(tf.transpose(tf.reshape(r, [2, 8, 2, 8, 3]), [0, 2, 1, 3, 4]), [4, 192]).dataSync();
    });
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(ref[i]!, 4);
  });

  it.each([
    ['bgr8', 3, [2, 1, 0]],
    ['rgba8', 4, [0, 1, 2]],
    ['bgra8', 4, [2, 1, 0]],
    ['mono8', 1, [0, 0, 0]],
  ] as const)('reads %s with row padding', (encoding, ch, rgb) => {
    const w = 4, h = 4, step = w * ch + 3;
    const data = new Uint8Array(step * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < ch; c++) data[y * step + x * ch + c] = 10 * (c + 1);
    const img: Image = { header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, width: w, height: h, encoding, is_bigendian: 0, step, data };
    const out = imageToPatches(img, { imageSize: 4, patchSize: 4, ...identity }, new Float32Array(48));
    expect(out[0]).toBeCloseTo((10 * (rgb[0] + 1)) / 255, 5);
    expect(out[1]).toBeCloseTo((10 * (rgb[1] + 1)) / 255, 5);
    expect(out[2]).toBeCloseTo((10 * (rgb[2] + 1)) / 255, 5);
  });

  it.each([
    ['width 0', { width: 0 }, /no pixels/],
    ['unknown encoding', { encoding: 'yuv999' }, /unsupported image encoding/],
    ['short step', { step: 5 }, /step shorter/],
    ['short data', { data: new Uint8Array(10) }, /data shorter/],
  ])('rejects %s with ValidationError', (_n, patch, msg) => {
    const img = { ...rgbImage(8, 8, 2), ...patch };
    expect(() => imageToPatches(img, { imageSize: 8, patchSize: 8 }, new Float32Array(192))).toThrow(ValidationError);
    expect(() => imageToPatches(img, { imageSize: 8, patchSize: 8 }, new Float32Array(192))).toThrow(msg);
  });
});

describe('VitEncoder', () => {
  const tiny = { imageSize: 32, patchSize: 8, dim: 16, depth: 2, heads: 2, pool: 2, tokenDim: 8, seed: 3 };

  it('patch embedding equals a direct stride-P convolution of the image', () => {
    const vit = new VitEncoder(tiny);
    const img = rgbImage(32, 32, 5);
    const patches = imageToPatches(img, { imageSize: 32, patchSize: 8, ...identity }, new Float32Array(32 * 32 * 3));
    const got = tf.tidy(() => vit.embedPatches(tf.tensor2d(patches, [16, 192])).dataSync());
    const want = tf.tidy(() => {
      const x = tf.div(tf.tensor4d(Float32Array.from(img.data), [1, 32, 32, 3]), 255) as tf.Tensor4D;
      const kernel = tf.reshape(vit.weights.get('patch/w')!, [8, 8, 3, 16]) as tf.Tensor4D;
      const y = tf.add(tf.conv2d(x, kernel, 8, 'valid'), vit.weights.get('patch/b')!);
      return tf.reshape(y, [16, 16]).dataSync();
    });
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 3);
    vit.dispose();
  });

  it('produces pooled tokens and a score in [0,1], with no tensor growth over 100 passes', () => {
    const vit = new VitEncoder(tiny);
    expect(vit.outTokens).toBe(4);
    const patches = new Float32Array(16 * 192).fill(0.3);
    const first = vit.encode(patches);
    expect(first.tokens.length).toBe(4 * 8);
    expect(first.obstacleAhead).toBeGreaterThanOrEqual(0);
    expect(first.obstacleAhead).toBeLessThanOrEqual(1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) vit.encode(patches);
    expect(tf.memory().numTensors).toBe(before);
    vit.dispose();
  });

  it('the seed configuration (224², 768-d, 12 blocks) is constructible', () => {
    const vit = new VitEncoder(VIT_SEED);
    expect(vit.patches).toBe(196);
    expect(vit.parameterCount()).toBeGreaterThan(85e6);
    expect(vit.flops() / 1e9).toBeGreaterThan(30);
    vit.dispose();
  });
});
