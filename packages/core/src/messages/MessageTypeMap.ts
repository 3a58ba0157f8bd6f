import type { Header, StringMsg } from './std_msgs.js';
import type * as geometry from './geometry_msgs.js';
import type * as sensor from './sensor_msgs.js';
import type { Odometry, Path } from './nav_msgs.js';
import type { TFMessage } from './tf2_msgs.js';
import type { Clock } from './rosgraph_msgs.js';
import type { DiagnosticArray, DiagnosticStatus, KeyValue } from './diagnostic_msgs.js';
import type { AudioData, AudioDataStamped, AudioInfo } from './audio_common_msgs.js';
import type * as vision from './vision_msgs.js';
import type * as sensorium from './sensorium_msgs.js';
import type { Duration, Time } from '../time/Time.js';

/**
 * Every message type Sensorium speaks, by its full ROS 2 name. Transports, codecs and recorders are
 * typed through this map, so `subscribe('lidar/points', 'sensor_msgs/msg/PointCloud2')` yields PointCloud2.
 */
export interface MessageTypeMap {
  'builtin_interfaces/msg/Time': Time;
  'builtin_interfaces/msg/Duration': Duration;
  'std_msgs/msg/Header': Header;
  'std_msgs/msg/String': StringMsg;
  'geometry_msgs/msg/Vector3': geometry.Vector3;
  'geometry_msgs/msg/Point': geometry.Point;
  'geometry_msgs/msg/Quaternion': geometry.Quaternion;
  'geometry_msgs/msg/Pose': geometry.Pose;
  'geometry_msgs/msg/PoseStamped': geometry.PoseStamped;
  'geometry_msgs/msg/PoseWithCovariance': geometry.PoseWithCovariance;
  'geometry_msgs/msg/Twist': geometry.Twist;
  'geometry_msgs/msg/TwistStamped': geometry.TwistStamped;
  'geometry_msgs/msg/TwistWithCovariance': geometry.TwistWithCovariance;
  'geometry_msgs/msg/Transform': geometry.Transform;
  'geometry_msgs/msg/TransformStamped': geometry.TransformStamped;
  'sensor_msgs/msg/Image': sensor.Image;
  'sensor_msgs/msg/RegionOfInterest': sensor.RegionOfInterest;
  'sensor_msgs/msg/CameraInfo': sensor.CameraInfo;
  'sensor_msgs/msg/PointField': sensor.PointField;
  'sensor_msgs/msg/PointCloud2': sensor.PointCloud2;
  'sensor_msgs/msg/Imu': sensor.Imu;
  'sensor_msgs/msg/LaserScan': sensor.LaserScan;
  'nav_msgs/msg/Odometry': Odometry;
  'nav_msgs/msg/Path': Path;
  'tf2_msgs/msg/TFMessage': TFMessage;
  'rosgraph_msgs/msg/Clock': Clock;
  'diagnostic_msgs/msg/KeyValue': KeyValue;
  'diagnostic_msgs/msg/DiagnosticStatus': DiagnosticStatus;
  'diagnostic_msgs/msg/DiagnosticArray': DiagnosticArray;
  'audio_common_msgs/msg/AudioData': AudioData;
  'audio_common_msgs/msg/AudioDataStamped': AudioDataStamped;
  'audio_common_msgs/msg/AudioInfo': AudioInfo;
  'vision_msgs/msg/ObjectHypothesis': vision.ObjectHypothesis;
  'vision_msgs/msg/ObjectHypothesisWithPose': vision.ObjectHypothesisWithPose;
  'vision_msgs/msg/BoundingBox3D': vision.BoundingBox3D;
  'vision_msgs/msg/Detection3D': vision.Detection3D;
  'vision_msgs/msg/Detection3DArray': vision.Detection3DArray;
  'sensorium_msgs/msg/TactileArray': sensorium.TactileArray;
  'sensorium_msgs/msg/FeatureTokens': sensorium.FeatureTokens;
  'sensorium_msgs/msg/ModalityWeights': sensorium.ModalityWeights;
  'sensorium_msgs/msg/FusedPercept': sensorium.FusedPercept;
  'sensorium_msgs/msg/AudioEvent': sensorium.AudioEvent;
  'sensorium_msgs/msg/AudioEventArray': sensorium.AudioEventArray;
  'sensorium_msgs/msg/TouchContacts': sensorium.TouchContacts;
  'sensorium_msgs/msg/SectorRanges': sensorium.SectorRanges;
  'sensorium_msgs/msg/SafetyEvent': sensorium.SafetyEvent;
  'sensorium_msgs/msg/SceneObject': sensorium.SceneObject;
  'sensorium_msgs/msg/WorldState': sensorium.WorldState;
  'sensorium_msgs/msg/ScenarioStatus': sensorium.ScenarioStatus;
}

export type MessageType = keyof MessageTypeMap;
export type MessageOf<K extends MessageType> = MessageTypeMap[K];
