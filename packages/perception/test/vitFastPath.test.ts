import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, loadWeights } from '@sensorium/ml';
import { createRng, VIT_SMALL, VitEncoder, type VitConfig } from '../src/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** camera_encoder's configuration in launch/stack.launch.yaml (the shipped models/camera). */
const STACK_VIT: VitConfig = { imageSize: 64, patchSize: 16, dim: 96, depth: 2, heads: 2, mlpRatio: 4, pool: 2, tokenDim: 64, seed: 1 };

beforeAll(async () => {
  await initBackend({ log: () => {} });
});

/**
 * The encoder's outputs (tokens then the score, flattened) computed while a gradient tape records: the
 * layers then run their plain op chains (the formulation the shipped weights were trained on) instead of
 * the fused tfjs-wasm inference kernels.
 */
function referenceOutputs(vit: VitEncoder, patches: Float32Array): Float32Array {
  const pd = vit.config.patchSize ** 2 * 3;
  const input = tf.tensor2d(patches, [vit.patches, pd]);
  const dummy = tf.variable(tf.scalar(0));
  let out: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const o = vit.apply(input);
    out = tf.keep(tf.concat([tf.reshape(o.tokens, [-1]), o.obstacleAhead]));
    return tf.add(tf.sum(out), dummy) as tf.Scalar;
  }, [dummy]);
  const values = out!.dataSync() as Float32Array;
  [value, ...Object.values(grads), out!, dummy, input].forEach((t) => t.dispose());
  return values;
}

function expectSameOutputs(vit: VitEncoder, patches: Float32Array): void {
  const fast = vit.encode(patches);
  const ref = referenceOutputs(vit, patches);
  expect(fast.tokens.length + 1).toBe(ref.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < fast.tokens.length; i++) {
    diff = Math.max(diff, Math.abs(fast.tokens[i]! - ref[i]!));
    scale = Math.max(scale, Math.abs(ref[i]!));
  }
  expect(diff / scale).toBeLessThan(1e-5);
  const score = ref[ref.length - 1]!;
  expect(Math.abs(fast.obstacleAhead - score) / score).toBeLessThan(1e-5);
}

describe('VitEncoder fused inference path (tfjs-wasm) vs the plain formulation', () => {
  it('VIT_SMALL with non-trivial norms and biases: tokens and obstacle score within 1e-5', () => {
    expect(tf.getBackend()).toBe('wasm');
    const vit = new VitEncoder(VIT_SMALL);
    const rng = createRng(3);
    for (const [name, v] of vit.weights) {
      if (v.rank !== 1) continue;
      const centre = name.endsWith('gamma') ? 1 : 0;
      v.assign(tf.tensor1d(Float32Array.from({ length: v.size }, () => centre + (rng() - 0.5) * 0.4)));
    }
    const patches = Float32Array.from({ length: vit.patches * 768 }, () => rng() * 2 - 1);
    expectSameOutputs(vit, patches);
    vit.dispose();
  });

  it('runs each block as one fused kernel at inference (no per-head SplitV / Softmax dispatches)', async () => {
    const vit = new VitEncoder(VIT_SMALL);
    const input = tf.zeros([vit.patches, 768]) as tf.Tensor2D;
    const info = await tf.profile(() => {
      const o = vit.apply(input);
      return [o.tokens, o.obstacleAhead];
    });
    const names = info.kernels.map((k) => k.name);
    expect(names.filter((n) => n === 'SensoriumTransformerBlock')).toHaveLength(VIT_SMALL.depth);
    expect(names).not.toContain('SplitV');
    expect(names).not.toContain('Softmax');
    input.dispose();
    vit.dispose();
  });

  it('the shipped models/camera token weights give the same tokens and score as before', async () => {
    const vit = new VitEncoder(STACK_VIT);
    // the trunk's weights (what the tokens come from); the obstacle head keeps its seeded weights, so this
    // holds whatever shape the head has
    const { weights } = await loadWeights('models/camera/model.json', { read: (p) => readFile(path.join(ROOT, p)) });
    const trunk = new Map([...weights].filter(([name]) => !name.startsWith('obstacle/')));
    expect(trunk.size).toBeGreaterThan(20);
    vit.assignWeights(trunk, { file: 'models/camera/model.json', allowMissing: true });
    weights.forEach((t) => t.dispose());
    const rng = createRng(4);
    const patches = Float32Array.from({ length: vit.patches * 768 }, () => rng());
    expectSameOutputs(vit, patches);
    vit.dispose();
  });
});
