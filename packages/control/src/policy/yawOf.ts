import type { Quaternion } from '@sensorium/core';

/** Yaw (rotation about z, rad) of a quaternion; planar robots ignore roll and pitch. */
export function yawOf(q: Quaternion): number {
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
}
