import * as tf from '@tensorflow/tfjs';
import type { TfjsRunner } from './InferenceSession.js';

/**
 * A {@link TfjsRunner} over a module whose forward takes one sample as a 2-D tensor (the tfjs modules here
 * do: plain 2-D matMuls are the fast path on wasm): slices the batch, runs `apply` per sample, stacks
 * each output along a new batch axis. For a node's `tfjs` fallback:
 *
 * ```ts
 * tfjs: async () => perSampleRunner('patches', ['tokens', 'obstacle_ahead'], (x) => { const o = vit.apply(x); return [o.tokens, o.obstacleAhead]; })
 * ```
 */
export function perSampleRunner(input: string, outputs: readonly string[], apply: (sample: tf.Tensor2D) => tf.Tensor[]): TfjsRunner {
  return (inputs) => {
    const x = inputs[input];
    if (x === undefined) throw new RangeError(`perSampleRunner: no input named ${input}`);
    const [batch = 0, ...rest] = x.shape;
    const per: tf.Tensor[][] = outputs.map(() => []);
    try {
      for (let b = 0; b < batch; b++) {
        // [1, ...rest] → [n, d] (a 1-D sample becomes one row)
        const shape2d: [number, number] = rest.length === 1 ? [1, rest[0]!] : [rest[0]!, rest.slice(1).reduce((a, d) => a * d, 1)];
        const sample = tf.tidy(() => tf.reshape(tf.slice(x, [b, ...rest.map(() => 0)], [1, ...rest]), shape2d) as tf.Tensor2D);
        const out = apply(sample);
        sample.dispose();
        out.forEach((t, i) => per[i]!.push(t));
      }
      const result: Record<string, tf.Tensor> = {};
      outputs.forEach((name, i) => {
        result[name] = tf.stack(per[i]!);
      });
      return result;
    } finally {
      for (const list of per) for (const t of list) t.dispose();
    }
  };
}
