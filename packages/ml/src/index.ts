// Public API of @sensorium/ml: backend selection, layers as plain 2-D ops, Module with named weights, model I/O.
export * from './initBackend.js';
export * from './ModelFormatError.js';
export * from './dense2d.js';
export * from './layerNorm.js';
export * from './gelu.js';
export * from './multiHeadAttention.js';
export * from './initializers.js';
export * from './Module.js';
export * from './TransformerBlock.js';
export * from './weightsFormat.js';
export * from './onnx/index.js';
