import type { Header } from './std_msgs.js';
import type { PoseStamped, PoseWithCovariance, TwistWithCovariance } from './geometry_msgs.js';

/** nav_msgs/msg/Odometry */
export interface Odometry {
  header: Header;
  child_frame_id: string;
  pose: PoseWithCovariance;
  twist: TwistWithCovariance;
}

/** nav_msgs/msg/Path */
export interface Path {
  header: Header;
  poses: PoseStamped[];
}
