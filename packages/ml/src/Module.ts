import * as tf from '@tensorflow/tfjs';
import { ModelFormatError } from './ModelFormatError.js';

export interface WeightOptions {
  /** Default true. Frozen weights (e.g. a base model under LoRA) are still saved and loaded. */
  trainable?: boolean;
}

export interface AssignWeightsOptions {
  /** File the weights came from, for error messages. */
  file?: string;
  /** Weights of this module absent from `source` keep their values instead of failing (partial loads, LoRA). */
  allowMissing?: boolean;
  /** Entries of `source` this module does not have are ignored instead of failing. */
  allowExtra?: boolean;
}

/**
 * Base of every Sensorium model: weights are `tf.Variable`s registered under stable slash-separated names
 * (`blocks/3/attn/wq`), children's weights prefixed with the child's name, so savers, LoRA, INT8 and ONNX
 * exporters walk one flat map. Subclasses create weights in their constructor and implement a forward
 * method of their own shape.
 *
 * ```ts
 * class Linear extends Module {
 *   readonly w = this.weight('w', glorotUniform([4, 2], 1));
 *   readonly b = this.weight('b', tf.zeros([2]));
 * }
 * ```
 */
export abstract class Module {
  /** Every weight of this module and its children, by name, in creation order. */
  readonly weights = new Map<string, tf.Variable>();
  private readonly trainable = new Set<string>();
  private disposed = false;

  /** Registers a weight (the initial tensor is owned and disposed). */
  protected weight<R extends tf.Rank>(name: string, initial: tf.Tensor<R>, options: WeightOptions = {}): tf.Variable<R> {
    if (this.weights.has(name)) throw new Error(`duplicate weight name ${name}`);
    // Variables are not given tfjs names: those are global per process and would clash between two instances.
    const variable = tf.variable(initial, options.trainable ?? true);
    initial.dispose();
    this.weights.set(name, variable);
    if (options.trainable ?? true) this.trainable.add(name);
    return variable;
  }

  /** Adopts a child module: its weights appear here as `prefix/name`. Returns the child. */
  protected child<M extends Module>(prefix: string, module: M): M {
    for (const [name, variable] of module.weights) {
      const full = `${prefix}/${name}`;
      if (this.weights.has(full)) throw new Error(`duplicate weight name ${full}`);
      this.weights.set(full, variable);
      if (module.isTrainable(name)) this.trainable.add(full);
    }
    return module;
  }

  isTrainable(name: string): boolean {
    return this.trainable.has(name);
  }

  /** Trainable variables, for `optimizer.minimize(..., varList)`. */
  trainableWeights(): tf.Variable[] {
    return [...this.weights].filter(([name]) => this.trainable.has(name)).map(([, v]) => v);
  }

  /** Number of scalar parameters. */
  parameterCount(): number {
    let n = 0;
    for (const v of this.weights.values()) n += v.size;
    return n;
  }

  /**
   * Copies values into this module's weights, checking names and shapes first (all or nothing), so a
   * mismatched file fails with the file and weight named instead of producing garbage.
   */
  assignWeights(source: ReadonlyMap<string, tf.Tensor>, options: AssignWeightsOptions = {}): this {
    const file = options.file;
    for (const [name, variable] of this.weights) {
      const value = source.get(name);
      if (value === undefined) {
        if (options.allowMissing === true) continue;
        throw new ModelFormatError('weight missing from model file', { context: { file, field: name, expected: `shape [${variable.shape.join(', ')}]` } });
      }
      if (!sameShape(value.shape, variable.shape)) {
        throw new ModelFormatError('weight has the wrong shape', {
          context: { file, field: name, expected: `[${variable.shape.join(', ')}]`, actual: `[${value.shape.join(', ')}]` },
        });
      }
    }
    if (options.allowExtra !== true) {
      for (const name of source.keys()) {
        if (!this.weights.has(name)) {
          throw new ModelFormatError('model file has a weight this model does not', { context: { file, field: name } });
        }
      }
    }
    for (const [name, variable] of this.weights) {
      const value = source.get(name);
      if (value !== undefined) variable.assign(value.dtype === variable.dtype ? value : tf.cast(value, variable.dtype));
    }
    return this;
  }

  /** Frees every weight. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.weights.values()) if (!v.isDisposed) v.dispose();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
