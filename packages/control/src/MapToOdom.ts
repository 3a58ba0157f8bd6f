import type { TFMessage } from '@sensorium/core';
import { yawOf } from './policy/yawOf.js';

/** The newest planar map→odom transform from `tf`, to put map goals into odom (identity until one arrives). */
export class MapToOdom {
  x = 0;
  y = 0;
  yaw = 0;
  known = false;

  tf(msg: TFMessage): void {
    for (const t of msg.transforms) {
      if (t.header.frame_id === 'map' && t.child_frame_id === 'odom') {
        this.x = t.transform.translation.x;
        this.y = t.transform.translation.y;
        this.yaw = yawOf(t.transform.rotation);
        this.known = true;
      }
    }
  }

  /** A point in `frame` (`map`, or anything else read as odom) → odom, into `out`. */
  toOdom(frame: string, x: number, y: number, out: { x: number; y: number }): { x: number; y: number } {
    if (frame !== 'map' || !this.known) {
      out.x = x;
      out.y = y;
      return out;
    }
    const dx = x - this.x;
    const dy = y - this.y;
    const c = Math.cos(this.yaw);
    const s = Math.sin(this.yaw);
    out.x = c * dx + s * dy;
    out.y = -s * dx + c * dy;
    return out;
  }
}
