import * as tf from '@tensorflow/tfjs';
import { ValidationError } from '@sensorium/core';
import { SeededRandom } from './SeededRandom.js';
import { WeightStore } from './WeightStore.js';
import type { NamedWeight } from './WeightStore.js';

export interface LoraOptions {
  /** Layers (weight-name prefixes whose `.kernel` is adapted), e.g. `proj.vision`. */
  targets: readonly string[];
  /** Rank r of the update A·B. */
  rank?: number;
  /** Update scale is alpha / rank (LoRA paper's convention); alpha = rank gives scale 1. */
  alpha?: number;
  seed?: number;
}

/**
 * Low-rank adapters W' = W + (alpha/r)·A·B on chosen Dense kernels (Hu et al. 2021). A starts small
 * random and B at zero, so a fresh adapter leaves the model unchanged. The base model stays frozen
 * because training passes only `variables()` to the optimizer. While unmerged, `apply` adds the low-rank
 * path to a layer's output; `merge` folds it into W (zero inference cost) and `unmerge` takes it out again.
 */
export class LoraAdapters {
  readonly rank: number;
  readonly alpha: number;
  readonly targets: readonly string[];
  private readonly store = new WeightStore();
  private merged = false;

  constructor(
    private readonly base: WeightStore,
    options: LoraOptions,
  ) {
    this.rank = options.rank ?? 8;
    this.alpha = options.alpha ?? this.rank;
    this.targets = [...options.targets];
    const rng = new SeededRandom(options.seed ?? 7);
    for (const target of this.targets) {
      const kernel = base.get(`${target}.kernel`);
      const [fanIn, fanOut] = kernel.shape;
      if (fanIn === undefined || fanOut === undefined || kernel.shape.length !== 2) {
        throw new ValidationError('LoRA target is not a 2-D kernel', { context: { field: target } });
      }
      this.store.add(`lora.${target}.A`, [fanIn, this.rank], { normal: 1 / Math.sqrt(fanIn) }, rng);
      this.store.add(`lora.${target}.B`, [this.rank, fanOut], 'zeros', rng);
    }
  }

  get scale(): number {
    return this.alpha / this.rank;
  }

  get isMerged(): boolean {
    return this.merged;
  }

  isTarget(layer: string): boolean {
    return this.targets.includes(layer);
  }

  /** `x·A·B·scale` for `layer` (to add to x·W), or null when the layer has no adapter or it is merged. */
  apply(layer: string, x: tf.Tensor2D): tf.Tensor2D | null {
    if (this.merged || !this.targets.includes(layer)) return null;
    const a = this.store.get(`lora.${layer}.A`) as tf.Variable<tf.Rank.R2>;
    const b = this.store.get(`lora.${layer}.B`) as tf.Variable<tf.Rank.R2>;
    return tf.mul(tf.matMul(tf.matMul(x, a), b), this.scale) as tf.Tensor2D;
  }

  /** Folds every adapter into its base kernel. No-op when already merged. */
  merge(): this {
    if (!this.merged) this.fold(+1);
    this.merged = true;
    return this;
  }

  /** Subtracts the adapters back out of the base kernels. No-op when not merged. */
  unmerge(): this {
    if (this.merged) this.fold(-1);
    this.merged = false;
    return this;
  }

  /** The trainable adapter variables (the base stays frozen). */
  variables(): tf.Variable[] {
    return this.store.select();
  }

  paramCount(): number {
    return this.store.paramCount();
  }

  read(): NamedWeight[] {
    return this.store.read();
  }

  /** Loads adapter weights saved by `read()`; must match targets and rank. Unmerged state required. */
  assign(weights: readonly NamedWeight[], options: { file?: string } = {}): void {
    if (this.merged) throw new ValidationError('unmerge adapters before loading new ones', { context: { ...options } });
    this.store.assign(weights, { ...options, requireAll: true });
  }

  dispose(): void {
    this.store.dispose();
  }

  private fold(sign: 1 | -1): void {
    for (const target of this.targets) {
      const kernel = this.base.get(`${target}.kernel`);
      const a = this.store.get(`lora.${target}.A`) as tf.Variable<tf.Rank.R2>;
      const b = this.store.get(`lora.${target}.B`) as tf.Variable<tf.Rank.R2>;
      tf.tidy(() => kernel.assign(tf.add(kernel, tf.mul(tf.matMul(a, b), sign * this.scale))));
    }
  }
}
