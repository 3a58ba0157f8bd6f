import { ConfigError } from '@sensorium/core';
import type { Modality } from './Modality.js';

/**
 * Shape of the fusion model. Stored in the model's `model.json`, so a checkpoint always loads with the
 * configuration it was trained with. The defaults are the CPU configuration shipped in `models/fusion`.
 */
export interface FusionConfig {
  /** Width of the shared token space every modality is projected into. */
  readonly modelDim: number;
  /** Attention heads; `modelDim` must be divisible by it. */
  readonly heads: number;
  /** Feature width of incoming `FeatureTokens.dim`, per modality (tokens of another width are rejected). */
  readonly tokenDims: Readonly<Record<Modality, number>>;
  /** Most tokens accepted per message, per modality (more are rejected, not truncated). */
  readonly maxTokens: Readonly<Record<Modality, number>>;
  /** LiDAR sectors in the cue vector (SectorRanges are resampled to this many). */
  readonly sectors: number;
  readonly gateHidden: number;
  readonly fuseHidden: number;
  /** Width of the fused embedding published in FusedPercept. */
  readonly embeddingDim: number;
  readonly policyHidden: readonly [number, number];
}

export const DEFAULT_FUSION_CONFIG: FusionConfig = Object.freeze({
  modelDim: 64,
  heads: 4,
  tokenDims: Object.freeze({ vision: 64, lidar: 64, audio: 32, touch: 16 }),
  maxTokens: Object.freeze({ vision: 16, lidar: 32, audio: 16, touch: 8 }),
  sectors: 8,
  gateHidden: 32,
  fuseHidden: 128,
  embeddingDim: 64,
  policyHidden: [128, 64] as const,
});

/** Merges `partial` over the defaults and checks it, so every consumer sees one validated config. */
export function resolveFusionConfig(partial: Partial<FusionConfig> = {}): FusionConfig {
  const config: FusionConfig = {
    ...DEFAULT_FUSION_CONFIG,
    ...partial,
    tokenDims: { ...DEFAULT_FUSION_CONFIG.tokenDims, ...partial.tokenDims },
    maxTokens: { ...DEFAULT_FUSION_CONFIG.maxTokens, ...partial.maxTokens },
  };
  const positive: [string, number][] = [
    ['modelDim', config.modelDim],
    ['heads', config.heads],
    ['sectors', config.sectors],
    ['gateHidden', config.gateHidden],
    ['fuseHidden', config.fuseHidden],
    ['embeddingDim', config.embeddingDim],
    ...Object.entries(config.tokenDims).map(([k, v]): [string, number] => [`tokenDims.${k}`, v]),
    ...Object.entries(config.maxTokens).map(([k, v]): [string, number] => [`maxTokens.${k}`, v]),
    ['policyHidden[0]', config.policyHidden[0]],
    ['policyHidden[1]', config.policyHidden[1]],
  ];
  for (const [field, value] of positive) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ConfigError('fusion config value must be a positive integer', { context: { field, expected: 'integer ≥ 1', actual: String(value) } });
    }
  }
  if (config.modelDim % config.heads !== 0) {
    throw new ConfigError('modelDim must be divisible by heads', {
      context: { field: 'heads', expected: `a divisor of ${config.modelDim}`, actual: String(config.heads) },
    });
  }
  return config;
}
