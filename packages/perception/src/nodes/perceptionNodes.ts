import type { NodeDefinition, ParamSpecs } from '@sensorium/core';
import { audioProcessor } from './audioProcessor.js';
import { cameraEncoder } from './cameraEncoder.js';
import { floorMarkingDetector } from './floorMarkingDetector.js';
import { lidarProcessor } from './lidarProcessor.js';
import { touchProcessor } from './touchProcessor.js';

/** The node types this package provides, for the CLI's node registry (`exec: lidar_processor`, …). */
export const perceptionNodes: readonly NodeDefinition<ParamSpecs>[] = [
  lidarProcessor as unknown as NodeDefinition<ParamSpecs>,
  cameraEncoder as unknown as NodeDefinition<ParamSpecs>,
  audioProcessor as unknown as NodeDefinition<ParamSpecs>,
  touchProcessor as unknown as NodeDefinition<ParamSpecs>,
  floorMarkingDetector as unknown as NodeDefinition<ParamSpecs>,
];
