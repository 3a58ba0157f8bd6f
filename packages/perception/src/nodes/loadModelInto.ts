import type { Module } from '@sensorium/ml';
import { loadWeights } from '@sensorium/ml';

/**
 * Loads `modelJsonPath` (TensorFlow.js weights format) into `module` through the node's resource reader,
 * shape-checked (ModelFormatError naming file and weight), disposing the temporary tensors.
 */
export async function loadModelInto(module: Module, modelJsonPath: string, read: (path: string) => Promise<Uint8Array>): Promise<void> {
  const { weights } = await loadWeights(modelJsonPath, { read });
  try {
    module.assignWeights(weights, { file: modelJsonPath });
  } finally {
    for (const t of weights.values()) t.dispose();
  }
}
