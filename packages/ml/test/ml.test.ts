import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  dense2d,
  encodeWeights,
  gelu,
  glorotUniform,
  initBackend,
  layerNorm,
  loadWeights,
  Module,
  ModelFormatError,
  multiHeadAttention,
  TransformerBlock,
} from '../src/index.js';

beforeAll(async () => {
  await initBackend({ log: () => {} });
});

describe('initBackend', () => {
  it('chooses wasm here (native backends not installed) and is idempotent', async () => {
    const a = await initBackend();
    const b = await initBackend({ prefer: ['cpu'] });
    expect(a).toBe(b);
    expect(a.name).toBe('wasm');
    expect(a.tf.getBackend()).toBe('wasm');
    expect(a.reason).toMatch(/tfjs-node: not installed/);
  });
});

describe('layers', () => {
  it('dense2d, layerNorm and gelu match direct formulas', () => {
    const x = tf.tensor2d([[1, 2, 3], [-1, 0, 4]]);
    const w = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
    const b = tf.tensor1d([0.5, -0.5]);
    expect(Array.from(dense2d(x, w, b).dataSync())).toEqual([4.5, 4.5, 3.5, 3.5]);
    const ln = layerNorm(x, tf.ones([3]) as tf.Tensor1D, tf.zeros([3]) as tf.Tensor1D, { epsilon: 0 }).arraySync() as number[][];
    const row = [1, 2, 3];
    const sd = Math.sqrt(2 / 3);
    expect(ln[0]![0]).toBeCloseTo((row[0]! - 2) / sd, 4);
    const g = gelu(tf.tensor1d([-3, 0, 1, 3])).dataSync();
    const ref = (v: number): number => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    [-3, 0, 1, 3].forEach((v, i) => expect(g[i]).toBeCloseTo(ref(v), 5));
  });

  it('per-head 2-D attention equals a batched reference', () => {
    const d = 8;
    const heads = 2;
    const x = tf.randomNormal([5, d], 0, 1, 'float32', 3) as tf.Tensor2D;
    const kv = tf.randomNormal([7, d], 0, 1, 'float32', 4) as tf.Tensor2D;
    const w = {
      wq: glorotUniform([d, d], 1), bq: tf.randomNormal([d], 0, 0.1, 'float32', 5) as tf.Tensor1D,
      wk: glorotUniform([d, d], 2), bk: tf.zeros([d]) as tf.Tensor1D,
      wv: glorotUniform([d, d], 3), bv: tf.zeros([d]) as tf.Tensor1D,
      wo: glorotUniform([d, d], 4), bo: tf.zeros([d]) as tf.Tensor1D,
    };
    const out = multiHeadAttention(x, kv, w, { heads });
    // Reference: reshape to [heads, n, dh] and use batched matMul with transposeB.
    const ref = tf.tidy(() => {
      const split = (t: tf.Tensor2D): tf.Tensor3D => tf.transpose(tf.reshape(t, [t.shape[0], heads, d / heads]), [1, 0, 2]);
      const q = split(dense2d(x, w.wq, w.bq));
      const k = split(dense2d(kv, w.wk, w.bk));
      const v = split(dense2d(kv, w.wv, w.bv));
      const p = tf.softmax(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d / heads)));
      const o = tf.reshape(tf.transpose(tf.matMul(p, v), [1, 0, 2]), [5, d]) as tf.Tensor2D;
      return dense2d(o, w.wo, w.bo);
    });
    const a = out.dataSync();
    const r = ref.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(r[i]!, 4);
  });
});

class Tiny extends Module {
  readonly block = this.child('block', new TransformerBlock({ dim: 16, heads: 2, seed: 7 }));
  readonly head = this.weight('head/w', glorotUniform([16, 3], 9));
  forward(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => dense2d(this.block.apply(x), this.head));
  }
}

describe('Module', () => {
  it('names weights hierarchically and does not leak tensors over 100 forward passes', () => {
    const m = new Tiny();
    expect([...m.weights.keys()]).toContain('block/attn/wq');
    expect(m.weights.has('head/w')).toBe(true);
    const x = tf.randomNormal([10, 16], 0, 1, 'float32', 1) as tf.Tensor2D;
    m.forward(x).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) m.forward(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
    m.dispose();
    x.dispose();
  });
});

describe('weights I/O', () => {
  const store = new Map<string, Uint8Array>();
  const read = async (p: string): Promise<Uint8Array> => {
    const b = store.get(p);
    if (b === undefined) throw new Error(`no such file ${p}`);
    return b;
  };

  it('round-trips named weights through model.json + weights.bin', async () => {
    const a = new Tiny();
    const { modelJson, weightsBin } = await encodeWeights(a.weights, { metadata: { dim: 16 } });
    store.set('models/tiny/model.json', modelJson);
    store.set('models/tiny/weights.bin', weightsBin);
    const json = JSON.parse(new TextDecoder().decode(modelJson));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const loaded = await loadWeights('models/tiny/model.json', { read });
    expect(loaded.metadata).toEqual({ dim: 16 });
    const b = new (class extends Tiny {})();
    b.assignWeights(loaded.weights, { file: 'models/tiny/model.json' });
    const x = tf.randomNormal([4, 16], 0, 1, 'float32', 2) as tf.Tensor2D;
    expect(Array.from(b.forward(x).dataSync())).toEqual(Array.from(a.forward(x).dataSync()));
    for (const t of loaded.weights.values()) t.dispose();
  });

  it.each([
    ['truncated bin', (j: string, bin: Uint8Array) => [j, bin.subarray(0, bin.length - 4)] as const, /size does not match/],
    ['bad json', (_j: string, bin: Uint8Array) => ['{', bin] as const, /not valid JSON/],
    ['no manifest', (_j: string, bin: Uint8Array) => ['{}', bin] as const, /no weightsManifest/],
  ])('rejects %s with a typed error naming the file', async (_name, corrupt, message) => {
    const [j, bin] = corrupt(new TextDecoder().decode(store.get('models/tiny/model.json')!), store.get('models/tiny/weights.bin')!);
    store.set('bad/model.json', new TextEncoder().encode(j));
    store.set('bad/weights.bin', bin);
    const error = await loadWeights('bad/model.json', { read }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/bad\//);
  });

  it('names the weight whose shape does not match', () => {
    const m = new Tiny();
    const wrong = new Map<string, tf.Tensor>([...m.weights].map(([k, v]) => [k, k === 'head/w' ? tf.zeros([16, 4]) : v]));
    expect(() => m.assignWeights(wrong, { file: 'x/model.json' })).toThrow(/wrong shape.*field=head\/w.*expected=\[16, 3\].*actual=\[16, 4\]/);
    const missing = new Map([...m.weights].filter(([k]) => k !== 'head/w'));
    expect(() => m.assignWeights(missing, { file: 'x/model.json' })).toThrow(ModelFormatError);
    m.dispose();
  });
});
