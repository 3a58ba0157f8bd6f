import { SensoriumError } from '@sensorium/core';

/** A velocity command holding NaN or infinity: dropped (never clamped into a plausible value) and counted. */
export class InvalidCommandError extends SensoriumError {
  override readonly code: string = 'INVALID_COMMAND';

  constructor(topic: string, linear: number, angular: number) {
    super('velocity command is not finite', {
      context: { topic, field: 'linear.x, angular.z', expected: 'finite numbers', actual: `${linear}, ${angular}` },
    });
  }
}
