import type { MessageType } from '../messages/MessageTypeMap.js';

// A keyed object rather than an array so the compiler rejects a missing or unknown type name.
const TYPE_SET = {
  'builtin_interfaces/msg/Time': true,
  'builtin_interfaces/msg/Duration': true,
  'std_msgs/msg/Header': true,
  'std_msgs/msg/String': true,
  'geometry_msgs/msg/Vector3': true,
  'geometry_msgs/msg/Point': true,
  'geometry_msgs/msg/Quaternion': true,
  'geometry_msgs/msg/Pose': true,
  'geometry_msgs/msg/PoseStamped': true,
  'geometry_msgs/msg/PoseWithCovariance': true,
  'geometry_msgs/msg/Twist': true,
  'geometry_msgs/msg/TwistStamped': true,
  'geometry_msgs/msg/TwistWithCovariance': true,
  'geometry_msgs/msg/Transform': true,
  'geometry_msgs/msg/TransformStamped': true,
  'sensor_msgs/msg/Image': true,
  'sensor_msgs/msg/RegionOfInterest': true,
  'sensor_msgs/msg/CameraInfo': true,
  'sensor_msgs/msg/PointField': true,
  'sensor_msgs/msg/PointCloud2': true,
  'sensor_msgs/msg/Imu': true,
  'sensor_msgs/msg/LaserScan': true,
  'nav_msgs/msg/Odometry': true,
  'nav_msgs/msg/Path': true,
  'tf2_msgs/msg/TFMessage': true,
  'rosgraph_msgs/msg/Clock': true,
  'diagnostic_msgs/msg/KeyValue': true,
  'diagnostic_msgs/msg/DiagnosticStatus': true,
  'diagnostic_msgs/msg/DiagnosticArray': true,
  'audio_common_msgs/msg/AudioData': true,
  'audio_common_msgs/msg/AudioDataStamped': true,
  'audio_common_msgs/msg/AudioInfo': true,
  'vision_msgs/msg/ObjectHypothesis': true,
  'vision_msgs/msg/ObjectHypothesisWithPose': true,
  'vision_msgs/msg/BoundingBox3D': true,
  'vision_msgs/msg/Detection3D': true,
  'vision_msgs/msg/Detection3DArray': true,
  'sensorium_msgs/msg/TactileArray': true,
  'sensorium_msgs/msg/FeatureTokens': true,
  'sensorium_msgs/msg/ModalityWeights': true,
  'sensorium_msgs/msg/FusedPercept': true,
  'sensorium_msgs/msg/AudioEvent': true,
  'sensorium_msgs/msg/AudioEventArray': true,
  'sensorium_msgs/msg/TouchContacts': true,
  'sensorium_msgs/msg/SectorRanges': true,
  'sensorium_msgs/msg/SafetyEvent': true,
  'sensorium_msgs/msg/SceneObject': true,
  'sensorium_msgs/msg/WorldState': true,
  'sensorium_msgs/msg/ScenarioStatus': true,
} as const satisfies Record<MessageType, true>;

/** Every message type of `MessageTypeMap`, by full ROS 2 name (`pkg/msg/Type`). */
export const MESSAGE_TYPES: readonly MessageType[] = Object.freeze(Object.keys(TYPE_SET) as MessageType[]);

/** True when `name` is a message type Sensorium has a definition and codec for. */
export function isMessageType(name: string): name is MessageType {
  return Object.prototype.hasOwnProperty.call(TYPE_SET, name);
}
