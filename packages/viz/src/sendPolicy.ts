import type { MessageType } from '@sensorium/core';

/**
 * Streams whose old frames are worthless once a newer one exists: a slow client gets the latest
 * only. Everything else (events, status, tf) keeps a short bounded queue so nothing is lost in a burst.
 */
const LATEST_WINS: ReadonlySet<MessageType> = new Set<MessageType>([
  'sensor_msgs/msg/Image',
  'sensor_msgs/msg/PointCloud2',
  'sensor_msgs/msg/CameraInfo',
  'sensor_msgs/msg/Imu',
  'sensor_msgs/msg/LaserScan',
  'audio_common_msgs/msg/AudioDataStamped',
  'sensorium_msgs/msg/TactileArray',
  'sensorium_msgs/msg/FeatureTokens',
  'sensorium_msgs/msg/ModalityWeights',
  'sensorium_msgs/msg/FusedPercept',
  'sensorium_msgs/msg/SectorRanges',
  'sensorium_msgs/msg/WorldState',
  'sensorium_msgs/msg/ScenarioStatus',
  'nav_msgs/msg/Odometry',
  'rosgraph_msgs/msg/Clock',
  'vision_msgs/msg/Detection3DArray',
]);

/** Frames kept per subscription while its client is slow. */
export function queueDepthFor(type: MessageType, reliableDepth: number): number {
  return LATEST_WINS.has(type) ? 1 : reliableDepth;
}
