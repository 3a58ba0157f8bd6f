import type { PointField } from '../messages/sensor_msgs.js';
import { PointFieldType } from '../messages/sensor_msgs.js';

/** Sensorium LiDAR layout (lidar/points): x y z intensity float32 at 0/4/8/12, ring uint16 at 16. */
export const LIDAR_POINT_FIELDS: readonly PointField[] = Object.freeze([
  Object.freeze({ name: 'x', offset: 0, datatype: PointFieldType.FLOAT32, count: 1 }),
  Object.freeze({ name: 'y', offset: 4, datatype: PointFieldType.FLOAT32, count: 1 }),
  Object.freeze({ name: 'z', offset: 8, datatype: PointFieldType.FLOAT32, count: 1 }),
  Object.freeze({ name: 'intensity', offset: 12, datatype: PointFieldType.FLOAT32, count: 1 }),
  Object.freeze({ name: 'ring', offset: 16, datatype: PointFieldType.UINT16, count: 1 }),
]);

/** point_step of LIDAR_POINT_FIELDS (18 bytes of fields, padded to 20 so float32 rows stay aligned). */
export const LIDAR_POINT_STEP = 20;
