// ONNX export (graphs built with onnx-proto from model weights) and the backend-selecting inference session.
export * from './OnnxGraphBuilder.js';
export * from './OnnxExportContext.js';
export * from './exportVitOnnx.js';
export * from './exportPointEncoderOnnx.js';
export * from './exportPolicyHeadOnnx.js';
export * from '../inference/index.js';
export * from './exportFusionOnnx.js';
