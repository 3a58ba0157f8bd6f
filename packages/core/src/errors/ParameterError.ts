import { SensoriumError } from './SensoriumError.js';

/** A node parameter with an unknown name, a wrong type or a value out of range. */
export class ParameterError extends SensoriumError {
  override readonly code: string = 'PARAMETER_ERROR';
}
