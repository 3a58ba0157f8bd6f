// Public API of @sensorium/fusion.
export * from './Modality.js';
export * from './FusionConfig.js';
export * from './CueVector.js';
export * from './model/SeededRandom.js';
export * from './model/WeightStore.js';
export * from './model/LoraAdapters.js';
export * from './model/FusionModel.js';
export * from './model/PolicyHead.js';
export * from './io/WeightCodec.js';
export * from './io/ModelFiles.js';
export * from './io/modelIO.js';
export * from './training/FusionSample.js';
