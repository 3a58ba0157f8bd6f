// Public API of @sensorium/sim.
export { loadScenario, type LoadScenarioOptions } from './scenario/loadScenario.js';
export { ScenarioError } from './scenario/ScenarioError.js';
export {
  ScenarioSchema,
  type Scenario,
  type Obstacle,
  type Zone,
  type Mover,
  type Sound,
  type Fault,
  type FaultKind,
  type SensorName,
  type Material,
  type GatingExpectation,
} from './scenario/ScenarioSchema.js';
export { Simulator, ROBOT, MOUNTS, type SimulatorOutputs, type SimulatorCreateOptions } from './Simulator.js';
export { simulatorParams, type SimulatorParamValues } from './SimulatorParams.js';
export { simulatorNode, createSimulatorNode, type SimulatorNodeOptions } from './simulatorNode.js';
export { expertControllerNode } from './expert/expertControllerNode.js';
export { LIDAR_FIELDS } from './sensors/LidarSensor.js';
export { SPEED_OF_SOUND } from './sensors/AudioSensor.js';
export { runScenario, runScenarios, type RunScenarioOptions, type ScenarioProgress } from './runner/runScenario.js';
export type { GraphNode, NodeResolver } from './runner/GraphNode.js';
export type { ScenarioResult, ScenarioMetrics, ScenarioSummary, GatingReport, GatingCheck, GatingFaultResponse } from './runner/ScenarioResult.js';
export { simNodes } from './simNodes.js';
export { scenarioCommand, SCENARIO_USAGE, type ScenarioCommandIo } from './runner/scenarioCommand.js';
