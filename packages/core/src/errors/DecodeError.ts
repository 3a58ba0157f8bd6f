import { SensoriumError } from './SensoriumError.js';

/** Bytes that cannot be decoded: truncated or inconsistent CDR, corrupt MCAP/PCD/WAV. */
export class DecodeError extends SensoriumError {
  override readonly code: string = 'DECODE_ERROR';
}
