import type { NodeDefinition, ParamSpecs } from '@sensorium/core';
import { plannerNode } from './planner/plannerNode.js';
import { policyNode } from './policy/policyNode.js';
import { safetySupervisorNode } from './safety/safetySupervisorNode.js';

/** The node types this package provides, for the CLI's NodeRegistry (`exec: planner`, `exec: policy`, `exec: safety_supervisor`). */
export const controlNodes: readonly NodeDefinition<ParamSpecs>[] = [
  plannerNode,
  policyNode,
  safetySupervisorNode,
];
