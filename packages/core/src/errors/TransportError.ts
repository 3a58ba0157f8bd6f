import { SensoriumError } from './SensoriumError.js';

/** A transport that cannot be created or used (ROS 2 not sourced, type mismatch on a topic, …). */
export class TransportError extends SensoriumError {
  override readonly code: string = 'TRANSPORT_ERROR';
}
