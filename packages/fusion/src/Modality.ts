/** The modalities the gate weighs, in the fixed order of every weight vector Sensorium publishes. */
export const MODALITIES = ['vision', 'lidar', 'audio', 'touch'] as const;
export type Modality = (typeof MODALITIES)[number];

export const VISION = 0;
export const LIDAR = 1;
export const AUDIO = 2;
export const TOUCH = 3;

/** Index of a modality in weight vectors, or -1 for an unknown name. */
export function modalityIndex(name: string): number {
  return (MODALITIES as readonly string[]).indexOf(name);
}
