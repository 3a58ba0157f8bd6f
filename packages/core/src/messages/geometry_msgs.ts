import type { Header } from './std_msgs.js';

/** geometry_msgs/msg/Vector3 */
export interface Vector3 {
  x: number;
  y: number;
  z: number;
}
/** geometry_msgs/msg/Point */
export interface Point {
  x: number;
  y: number;
  z: number;
}
/** geometry_msgs/msg/Quaternion */
export interface Quaternion {
  x: number;
  y: number;
  z: number;
  w: number;
}
/** geometry_msgs/msg/Pose */
export interface Pose {
  position: Point;
  orientation: Quaternion;
}
/** geometry_msgs/msg/PoseStamped */
export interface PoseStamped {
  header: Header;
  pose: Pose;
}
/** geometry_msgs/msg/PoseWithCovariance (covariance: 36 row-major) */
export interface PoseWithCovariance {
  pose: Pose;
  covariance: Float64Array;
}
/** geometry_msgs/msg/Twist */
export interface Twist {
  linear: Vector3;
  angular: Vector3;
}
/** geometry_msgs/msg/TwistStamped */
export interface TwistStamped {
  header: Header;
  twist: Twist;
}
/** geometry_msgs/msg/TwistWithCovariance (covariance: 36 row-major) */
export interface TwistWithCovariance {
  twist: Twist;
  covariance: Float64Array;
}
/** geometry_msgs/msg/Transform */
export interface Transform {
  translation: Vector3;
  rotation: Quaternion;
}
/** geometry_msgs/msg/TransformStamped */
export interface TransformStamped {
  header: Header;
  child_frame_id: string;
  transform: Transform;
}
