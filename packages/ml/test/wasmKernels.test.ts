import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import initWabt from 'wabt';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense2d, gelu, initBackend, layerNorm, multiHeadAttention, TransformerBlock, type AttentionWeights } from '../src/index.js';
import { wasmKernels } from '../src/wasmKernels.js';
import { WASM_SIMD_BINARY } from '../src/wasmSimdBinary.js';

beforeAll(async () => {
  await initBackend({ log: () => {} });
});

/**
 * Runs `f` while a gradient tape records (as in training): the layers then take their plain
 * differentiable op chains, the reference the fused inference kernels are compared with.
 */
function reference<T extends tf.Tensor>(f: () => T): T {
  const dummy = tf.variable(tf.scalar(0));
  let out: T | undefined;
  const { value, grads } = tf.variableGrads(() => {
    expect(wasmKernels.available()).toBe(false);
    out = tf.keep(f());
    return tf.add(tf.sum(out), dummy) as tf.Scalar;
  }, [dummy]);
  value.dispose();
  Object.values(grads).forEach((g) => g.dispose());
  dummy.dispose();
  return out!;
}

/** max |a − b| / max |b|. */
function relDiff(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  return diff / scale;
}

const rand = (shape: number[], seed: number, mean = 0, std = 1): tf.Tensor => tf.randomNormal(shape, mean, std, 'float32', seed);

describe('wasmSimd.wat', () => {
  it('is what the embedded binary was assembled from (rebuild: npx tsx packages/ml/scripts/buildWasmSimd.ts)', async () => {
    const wabt = await initWabt();
    const wat = readFileSync(path.join(import.meta.dirname, '../src/wasmSimd.wat'), 'utf8');
    const module = wabt.parseWat('wasmSimd.wat', wat, { simd: true });
    const { buffer } = module.toBinary({});
    module.destroy();
    expect(Buffer.from(buffer).toString('base64')).toBe(WASM_SIMD_BINARY);
  });
});

describe('wasm inference kernels vs the plain op chains', () => {
  it('are used on wasm outside a gradient tape', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(wasmKernels.available()).toBe(true);
  });

  it('dense2d: one fused matMul + bias equals MatMul then Add', () => {
    const x = rand([65, 48], 1) as tf.Tensor2D;
    const w = rand([48, 40], 2) as tf.Tensor2D;
    const b = rand([40], 3) as tf.Tensor1D;
    const plain = tf.add(tf.matMul(x, w), b);
    expect(relDiff(dense2d(x, w, b), plain)).toBeLessThan(1e-6);
    expect(relDiff(dense2d(x, w), tf.matMul(x, w))).toBe(0);
    expect(dense2d(x, w, b).shape).toEqual([65, 40]);
  });

  it('layerNorm matches (x − mean)/sqrt(var + ε)·γ + β, also on rows with a large mean and odd widths', () => {
    const odd = rand([5, 7], 15, 2, 3) as tf.Tensor2D;
    const og = rand([7], 16, 1, 0.3) as tf.Tensor1D;
    const ob = rand([7], 17, 0, 0.3) as tf.Tensor1D;
    expect(relDiff(layerNorm(odd, og, ob), reference(() => layerNorm(odd, og, ob)))).toBeLessThan(1e-5);
    const x = tf.add(rand([65, 192], 4, 0, 2), tf.mul(rand([65, 1], 5), 30)) as tf.Tensor2D;
    const g = rand([192], 6, 1, 0.3) as tf.Tensor1D;
    const b = rand([192], 7, 0, 0.3) as tf.Tensor1D;
    const fast = layerNorm(x, g, b);
    // (the float32 op chain is the less exact of the two here: its mean of values near 30 rounds at ~2e-6)
    expect(relDiff(fast, reference(() => layerNorm(x, g, b)))).toBeLessThan(1e-5);
    const row = Array.from(x.slice([3, 0], [1, 192]).dataSync());
    const mean = row.reduce((s, v) => s + v, 0) / 192;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / 192;
    const gv = g.dataSync();
    const bv = b.dataSync();
    const got = fast.slice([3, 0], [1, 192]).dataSync();
    for (let i = 0; i < 192; i += 17) expect(got[i]).toBeCloseTo(((row[i]! - mean) / Math.sqrt(variance + 1e-6)) * gv[i]! + bv[i]!, 5);
  });

  it('gelu is bit-identical to its op chain and close to the tanh formula', () => {
    const x = rand([65, 768], 8, 0, 2);
    const fast = gelu(x);
    expect(relDiff(fast, reference(() => gelu(x)))).toBe(0);
    const odd = rand([7, 5], 14, 0, 3);
    expect(relDiff(gelu(odd), reference(() => gelu(odd)))).toBe(0);
    const xs = x.dataSync();
    const got = fast.dataSync();
    for (let i = 0; i < xs.length; i += 997) {
      const v = xs[i]!;
      expect(got[i]).toBeCloseTo(0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))), 5);
    }
  });

  it.each([24, 9])('splitHeads gives scaled q, Kᵀ and v blocks equal to split / transpose (also from one fused [n, 3d] tensor), d = %i', (d) => {
    const heads = 3;
    const qkv = rand([7, 3 * d], 9) as tf.Tensor2D;
    const [q, k, v] = tf.split(qkv, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const want = { q: tf.split(tf.mul(q, 0.3), heads, 1), kT: tf.split(tf.transpose(k), heads, 0), v: tf.split(v, heads, 1) };
    for (const got of [wasmKernels.splitHeads(q, k, v, { heads, dim: d, scale: 0.3 }), wasmKernels.splitHeads(qkv, qkv, qkv, { heads, dim: d, scale: 0.3, kOffset: d, vOffset: 2 * d })]) {
      for (const part of ['q', 'kT', 'v'] as const) {
        expect(got[part]).toHaveLength(heads);
        for (let h = 0; h < heads; h++) {
          expect(got[part][h]!.shape).toEqual(want[part][h]!.shape);
          expect(Array.from(got[part][h]!.dataSync())).toEqual(Array.from(want[part][h]!.dataSync()));
        }
      }
    }
  });

  const attention = (d: number, seed: number): AttentionWeights => ({
    wq: rand([d, d], seed, 0, 0.2) as tf.Tensor2D,
    bq: rand([d], seed + 1, 0, 0.1) as tf.Tensor1D,
    wk: rand([d, d], seed + 2, 0, 0.2) as tf.Tensor2D,
    bk: rand([d], seed + 3, 0, 0.1) as tf.Tensor1D,
    wv: rand([d, d], seed + 4, 0, 0.2) as tf.Tensor2D,
    bv: rand([d], seed + 5, 0, 0.1) as tf.Tensor1D,
    wo: rand([d, d], seed + 6, 0, 0.2) as tf.Tensor2D,
    bo: rand([d], seed + 7, 0, 0.1) as tf.Tensor1D,
  });

  it('multiHeadAttention (self and cross, 1 and 3 heads) matches the reference formulation', () => {
    const w = attention(48, 20);
    const x = rand([65, 48], 10) as tf.Tensor2D;
    const kv = rand([9, 48], 11) as tf.Tensor2D;
    for (const heads of [1, 3]) {
      expect(relDiff(multiHeadAttention(x, x, w, { heads }), reference(() => multiHeadAttention(x, x, w, { heads })))).toBeLessThan(2e-6);
      expect(relDiff(multiHeadAttention(x, kv, w, { heads }), reference(() => multiHeadAttention(x, kv, w, { heads })))).toBeLessThan(2e-6);
    }
  });

  it('TransformerBlock (ViT-Small width) matches the reference within 1e-5, and still trains', () => {
    const block = new TransformerBlock({ dim: 192, heads: 3, seed: 5 });
    // non-trivial norms and biases, so every fused bias and γ/β path is exercised
    for (const [name, v] of block.weights) if (v.rank === 1) v.assign(rand(v.shape, name.length, name.endsWith('gamma') ? 1 : 0, 0.2));
    const x = rand([65, 192], 12) as tf.Tensor2D;
    const fast = block.apply(x);
    expect(relDiff(fast, reference(() => block.apply(x)))).toBeLessThan(1e-5);
    // under a tape the layers are differentiable: every weight gets a gradient
    const { value, grads } = tf.variableGrads(() => tf.mean(tf.square(block.apply(x))) as tf.Scalar, block.trainableWeights());
    expect(Object.keys(grads)).toHaveLength(block.trainableWeights().length);
    for (const g of Object.values(grads)) expect(Number.isFinite(tf.sum(tf.abs(g)).dataSync()[0])).toBe(true);
    value.dispose();
    block.dispose();
  });

  it.each([23, 7, 1])('TransformerBlock matches the reference with %i tokens (every column tail of the attention loops)', (n) => {
    const block = new TransformerBlock({ dim: 48, heads: 3, seed: 9 });
    for (const [name, v] of block.weights) if (v.rank === 1) v.assign(rand(v.shape, name.length + 40, name.endsWith('gamma') ? 1 : 0, 0.2));
    const x = rand([n, 48], 30 + n) as tf.Tensor2D;
    expect(relDiff(block.apply(x), reference(() => block.apply(x)))).toBeLessThan(1e-5);
    block.dispose();
  });

  it('leave no tensors behind over 100 block passes', () => {
    const block = new TransformerBlock({ dim: 48, heads: 3, seed: 2 });
    const x = rand([17, 48], 13) as tf.Tensor2D;
    block.apply(x).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) block.apply(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    block.dispose();
    x.dispose();
  });
});
