import { SensoriumError } from '@sensorium/core';

/** A model file that cannot be used: bad model.json, a .bin of the wrong size, a missing or mis-shaped weight. */
export class ModelFormatError extends SensoriumError {
  override readonly code: string = 'MODEL_FORMAT_ERROR';
}
