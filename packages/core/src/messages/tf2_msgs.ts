import type { TransformStamped } from './geometry_msgs.js';

/** tf2_msgs/msg/TFMessage */
export interface TFMessage {
  transforms: TransformStamped[];
}
