import type { NodeDefinition, ParamSpecs } from '@sensorium/core';
import { expertControllerNode } from './expert/expertControllerNode.js';
import { simulatorNode } from './simulatorNode.js';

/** The node types this package provides, for the CLI's NodeRegistry (`exec: simulator`, `expert_controller`). */
export const simNodes: readonly NodeDefinition<ParamSpecs>[] = [
  simulatorNode as unknown as NodeDefinition<ParamSpecs>,
  expertControllerNode as unknown as NodeDefinition<ParamSpecs>,
];
