import { SensoriumError } from './SensoriumError.js';

/** A bad configuration file: launch YAML, params YAML, scenario YAML, CLI arguments. */
export class ConfigError extends SensoriumError {
  override readonly code: string = 'CONFIG_ERROR';
}
