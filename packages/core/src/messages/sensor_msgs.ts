import type { Header } from './std_msgs.js';
import type { Quaternion, Vector3 } from './geometry_msgs.js';

/** sensor_msgs/msg/Image. `data` is a view; for decoded messages it aliases the CDR buffer. */
export interface Image {
  header: Header;
  height: number;
  width: number;
  encoding: string;
  is_bigendian: number;
  step: number;
  data: Uint8Array;
}

/** sensor_msgs/msg/RegionOfInterest */
export interface RegionOfInterest {
  x_offset: number;
  y_offset: number;
  height: number;
  width: number;
  do_rectify: boolean;
}

/** sensor_msgs/msg/CameraInfo (d: variable length; k 9, r 9, p 12) */
export interface CameraInfo {
  header: Header;
  height: number;
  width: number;
  distortion_model: string;
  d: Float64Array;
  k: Float64Array;
  r: Float64Array;
  p: Float64Array;
  binning_x: number;
  binning_y: number;
  roi: RegionOfInterest;
}

/** sensor_msgs/msg/PointField datatypes. */
export const PointFieldType = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  FLOAT32: 7,
  FLOAT64: 8,
} as const;
export type PointFieldDatatype = (typeof PointFieldType)[keyof typeof PointFieldType];

/** sensor_msgs/msg/PointField */
export interface PointField {
  name: string;
  offset: number;
  datatype: number;
  count: number;
}

/** sensor_msgs/msg/PointCloud2. `data` is a view; for decoded messages it aliases the CDR buffer. */
export interface PointCloud2 {
  header: Header;
  height: number;
  width: number;
  fields: PointField[];
  is_bigendian: boolean;
  point_step: number;
  row_step: number;
  data: Uint8Array;
  is_dense: boolean;
}

/** sensor_msgs/msg/Imu (covariances: 9 row-major) */
export interface Imu {
  header: Header;
  orientation: Quaternion;
  orientation_covariance: Float64Array;
  angular_velocity: Vector3;
  angular_velocity_covariance: Float64Array;
  linear_acceleration: Vector3;
  linear_acceleration_covariance: Float64Array;
}

/** sensor_msgs/msg/LaserScan */
export interface LaserScan {
  header: Header;
  angle_min: number;
  angle_max: number;
  angle_increment: number;
  time_increment: number;
  scan_time: number;
  range_min: number;
  range_max: number;
  ranges: Float32Array;
  intensities: Float32Array;
}
