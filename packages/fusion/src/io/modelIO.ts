import { ValidationError } from '@sensorium/core';
import { resolveFusionConfig } from '../FusionConfig.js';
import type { FusionConfig } from '../FusionConfig.js';
import { FusionModel } from '../model/FusionModel.js';
import { LoraAdapters } from '../model/LoraAdapters.js';
import { PolicyHead } from '../model/PolicyHead.js';
import type { WeightStore } from '../model/WeightStore.js';
import { packModel, readModel } from './ModelFiles.js';
import type { ModelFiles, ModelReader } from './ModelFiles.js';

export interface SaveOptions {
  /** Symmetric int8: kernels per output channel, biases per tensor (the default attention query stays float32). */
  int8?: boolean;
  metadata?: Record<string, unknown>;
}

/** Saves the base weights (LoRA adapters, if any, are saved on their own with saveLoraAdapters). */
export function saveFusionModel(model: FusionModel, options: SaveOptions = {}): ModelFiles {
  return packModel('sensorium.fusion', model.config, model.weights.read(['proj.', 'gate.', 'attn.', 'fuse.', 'aux.']), {
    ...options,
    keepFloat: (name) => name === 'attn.query_default',
  });
}

export async function loadFusionModel(reader: ModelReader, dir: string): Promise<FusionModel> {
  const { json, weights } = await readModel(reader, dir, 'sensorium.fusion');
  const model = new FusionModel({ config: resolveFusionConfig((json.config ?? {}) as Partial<FusionConfig>) });
  try {
    model.weights.assign(weights, { file: `${dir}/weights.bin`, requireAll: true });
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

export function savePolicyHead(policy: PolicyHead, options: SaveOptions = {}): ModelFiles {
  return packModel('sensorium.policy', { embeddingDim: policy.embeddingDim, hidden: policy.hidden }, policy.weights.read(['policy.']), options);
}

export async function loadPolicyHead(reader: ModelReader, dir: string): Promise<PolicyHead> {
  const { json, weights } = await readModel(reader, dir, 'sensorium.policy');
  const config = json.config as { embeddingDim?: unknown; hidden?: unknown };
  if (typeof config.embeddingDim !== 'number' || !Array.isArray(config.hidden) || config.hidden.length !== 2) {
    throw new ValidationError('policy model.json lacks embeddingDim / hidden', { context: { file: `${dir}/model.json`, field: 'config' } });
  }
  const policy = new PolicyHead(config.embeddingDim, [Number(config.hidden[0]), Number(config.hidden[1])]);
  try {
    policy.weights.assign(weights, { file: `${dir}/weights.bin`, requireAll: true });
  } catch (error) {
    policy.dispose();
    throw error;
  }
  return policy;
}

/** Something adapters attach to: FusionModel or PolicyHead. */
export interface Adaptable {
  readonly weights: WeightStore;
  lora: LoraAdapters | null;
}

/** Creates rank-r adapters on `targets` of `model` and attaches them (replacing any previous ones). */
export function attachLora(model: Adaptable, options: { targets: readonly string[]; rank?: number; alpha?: number; seed?: number }): LoraAdapters {
  model.lora?.dispose();
  model.lora = new LoraAdapters(model.weights, options);
  return model.lora;
}

/** Saves only the adapters (A and B of each target), with their targets and rank. */
export function saveLoraAdapters(lora: LoraAdapters, options: { metadata?: Record<string, unknown> } = {}): ModelFiles {
  return packModel('sensorium.lora', { targets: lora.targets, rank: lora.rank, alpha: lora.alpha }, lora.read(), options);
}

/** Loads adapters saved by saveLoraAdapters and attaches them (unmerged) to `model`. */
export async function loadLoraAdapters(model: Adaptable, reader: ModelReader, dir: string): Promise<LoraAdapters> {
  const { json, weights } = await readModel(reader, dir, 'sensorium.lora');
  const config = json.config as { targets?: unknown; rank?: unknown; alpha?: unknown };
  if (!Array.isArray(config.targets) || typeof config.rank !== 'number' || typeof config.alpha !== 'number') {
    throw new ValidationError('adapter model.json lacks targets / rank / alpha', { context: { file: `${dir}/model.json`, field: 'config' } });
  }
  const lora = attachLora(model, { targets: config.targets.map(String), rank: config.rank, alpha: config.alpha });
  lora.assign(weights, { file: `${dir}/weights.bin` });
  return lora;
}
