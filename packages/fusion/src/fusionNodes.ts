import type { NodeDefinition, ParamSpecs } from '@sensorium/core';
import { fusionNode } from './node/fusionNode.js';

/** The node types this package provides, for the CLI's NodeRegistry (`exec: fusion`). */
export const fusionNodes: readonly NodeDefinition<ParamSpecs>[] = [fusionNode as unknown as NodeDefinition<ParamSpecs>];
