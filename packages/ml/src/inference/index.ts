// One inference interface over ONNX Runtime and TensorFlow.js, backend chosen at start.
export * from './InferenceSession.js';
export * from './createInferenceSession.js';
export * from './ModalityBatcher.js';
export * from './perSampleRunner.js';
export * from './inferenceParams.js';
export * from './openModelSession.js';
export * from './withInferenceParams.js';
