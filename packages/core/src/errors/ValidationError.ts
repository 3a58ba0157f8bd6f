import { SensoriumError } from './SensoriumError.js';

/** A message or file that decodes but is inconsistent (fields overrun point_step, step < width × bpp, …). */
export class ValidationError extends SensoriumError {
  override readonly code: string = 'VALIDATION_ERROR';
}
