// Public API of @sensorium/control.
export * from './safety/freeDistance.js';
export * from './safety/SafetySupervisor.js';
export * from './safety/InvalidCommandError.js';
export * from './safety/detectionsToBoxes.js';
export * from './safety/safetySupervisorNode.js';
export * from './policy/yawOf.js';
export * from './policy/PolicyLogic.js';
export * from './policy/policyNode.js';
export * from './controlNodes.js';
