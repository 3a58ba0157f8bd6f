import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@sensorium/core';
import type { SeededRandom } from './SeededRandom.js';

/** A named float32 tensor outside TensorFlow.js: what files hold and what `WeightStore.assign` takes. */
export interface NamedWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export type Initializer = 'glorot' | 'zeros' | { normal: number };

/**
 * The variables of one model, by stable name (`proj.vision.kernel`). Names are the file format's keys,
 * LoRA's targets and the optimizer's variable lists, so there is exactly one place a weight lives.
 */
export class WeightStore {
  private readonly variables = new Map<string, tf.Variable>();

  add(name: string, shape: readonly number[], init: Initializer, rng: SeededRandom): tf.Variable {
    if (this.variables.has(name)) throw new ValidationError('duplicate weight name', { context: { field: name } });
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (init === 'glorot') {
      const fanIn = shape.length > 1 ? (shape[0] ?? 1) : 1;
      const fanOut = shape[shape.length - 1] ?? 1;
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < size; i++) data[i] = rng.uniform(-limit, limit);
    } else if (init !== 'zeros') {
      for (let i = 0; i < size; i++) data[i] = rng.normal() * init.normal;
    }
    const variable = tf.variable(tf.tensor(data, [...shape], 'float32'), true, `${name}_${uniqueSuffix++}`);
    this.variables.set(name, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (v === undefined) throw new ValidationError('unknown weight', { context: { field: name } });
    return v;
  }

  has(name: string): boolean {
    return this.variables.has(name);
  }

  names(): string[] {
    return [...this.variables.keys()];
  }

  /** Variables whose name starts with one of `prefixes` (all when omitted), for optimizer var lists. */
  select(prefixes?: readonly string[]): tf.Variable[] {
    const out: tf.Variable[] = [];
    for (const [name, v] of this.variables) {
      if (prefixes === undefined || prefixes.some((p) => name.startsWith(p))) out.push(v);
    }
    return out;
  }

  paramCount(prefixes?: readonly string[]): number {
    return this.select(prefixes).reduce((n, v) => n + v.size, 0);
  }

  /** Copies every weight out (for saving and checkpoints). */
  read(prefixes?: readonly string[]): NamedWeight[] {
    const out: NamedWeight[] = [];
    for (const [name, v] of this.variables) {
      if (prefixes !== undefined && !prefixes.some((p) => name.startsWith(p))) continue;
      out.push({ name, shape: v.shape, data: v.dataSync() as Float32Array });
    }
    return out;
  }

  /** Assigns weights by name; a missing name or a shape mismatch is an error naming the weight. */
  assign(weights: readonly NamedWeight[], options: { file?: string; requireAll?: boolean } = {}): void {
    const seen = new Set<string>();
    for (const w of weights) {
      const v = this.variables.get(w.name);
      if (v === undefined) {
        throw new ValidationError('weight not in model', { context: { field: w.name, ...(options.file === undefined ? {} : { file: options.file }) } });
      }
      if (v.shape.length !== w.shape.length || v.shape.some((d, i) => d !== w.shape[i])) {
        throw new ValidationError('weight shape mismatch', {
          context: { field: w.name, expected: `[${v.shape.join(', ')}]`, actual: `[${w.shape.join(', ')}]`, ...(options.file === undefined ? {} : { file: options.file }) },
        });
      }
      tf.tidy(() => v.assign(tf.tensor(w.data, v.shape, 'float32')));
      seen.add(w.name);
    }
    if (options.requireAll === true) {
      for (const name of this.variables.keys()) {
        if (!seen.has(name)) {
          throw new ValidationError('weight missing from file', { context: { field: name, ...(options.file === undefined ? {} : { file: options.file }) } });
        }
      }
    }
  }

  /** Disposes every variable. Safe to call twice. */
  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}

// tfjs variable names are global to the engine; a suffix lets several models (and tests) coexist.
let uniqueSuffix = 0;
