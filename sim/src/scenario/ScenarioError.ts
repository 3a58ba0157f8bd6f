import { ConfigError } from '@sensorium/core';

/**
 * A scenario file that cannot be run: bad YAML or a key that does not match the format. The context
 * names the file, the YAML path of the offending key (`world.obstacles[2].size`) and what was expected.
 */
export class ScenarioError extends ConfigError {
  override readonly code: string = 'SCENARIO_ERROR';
}
