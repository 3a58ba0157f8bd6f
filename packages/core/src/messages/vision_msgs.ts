import type { Header } from './std_msgs.js';
import type { Pose, PoseWithCovariance, Vector3 } from './geometry_msgs.js';

/** vision_msgs/msg/ObjectHypothesis (Humble, vision_msgs 4.x) */
export interface ObjectHypothesis {
  class_id: string;
  score: number;
}
/** vision_msgs/msg/ObjectHypothesisWithPose */
export interface ObjectHypothesisWithPose {
  hypothesis: ObjectHypothesis;
  pose: PoseWithCovariance;
}
/** vision_msgs/msg/BoundingBox3D */
export interface BoundingBox3D {
  center: Pose;
  size: Vector3;
}
/** vision_msgs/msg/Detection3D */
export interface Detection3D {
  header: Header;
  results: ObjectHypothesisWithPose[];
  bbox: BoundingBox3D;
  id: string;
}
/** vision_msgs/msg/Detection3DArray */
export interface Detection3DArray {
  header: Header;
  detections: Detection3D[];
}
