// Public API of @sensorium/control.
export * from './safety/freeDistance.js';
export * from './safety/SafetySupervisor.js';
export * from './safety/InvalidCommandError.js';
export * from './safety/detectionsToBoxes.js';
export * from './safety/safetySupervisorNode.js';
export * from './policy/yawOf.js';
export * from './policy/PolicyLogic.js';
export * from './policy/policyNode.js';
export * from './planner/CostGrid.js';
export * from './planner/AStarPlanner.js';
export * from './planner/carrotOnPath.js';
export * from './MapToOdom.js';
export * from './planner/PathPlanner.js';
export * from './planner/plannerNode.js';
export * from './controlNodes.js';
