/** Standard gravity, m/s². */
const G = 9.80665;

export interface GravityEstimateOptions {
  /** Low-pass time constant, s: long enough to average out vibration and short accelerations. */
  tauSec: number;
  /** Samples whose magnitude is further than this from g (m/s²) are accelerations, not gravity: skipped. */
  maxDeviation: number;
}

/**
 * "Up" from an accelerometer (sensor_msgs/Imu linear_acceleration: at rest it reads +g along up), low-passed
 * and rotated into the point cloud's frame, as the ground fit's prior axis. No allocation per sample.
 */
export class GravityEstimate {
  private x = 0;
  private y = 0;
  private z = 0;
  private samples = 0;
  private readonly out: [number, number, number] = [0, 0, 1];

  constructor(readonly options: GravityEstimateOptions = { tauSec: 1, maxDeviation: 1.5 }) {}

  /** Adds one accelerometer sample (IMU frame), `dtSec` after the previous one. Returns false when skipped. */
  add(ax: number, ay: number, az: number, dtSec: number): boolean {
    const m = Math.hypot(ax, ay, az);
    if (!Number.isFinite(m) || Math.abs(m - G) > this.options.maxDeviation) return false;
    const k = this.samples === 0 ? 1 : 1 - Math.exp(-Math.max(0, dtSec) / this.options.tauSec);
    this.x += k * (ax - this.x);
    this.y += k * (ay - this.y);
    this.z += k * (az - this.z);
    this.samples++;
    return true;
  }

  /**
   * Unit up vector in the cloud frame given the rotation (quaternion x y z w) taking IMU-frame vectors into
   * it, or undefined before the first usable sample. The returned array is reused.
   */
  up(rotation: readonly [number, number, number, number]): readonly [number, number, number] | undefined {
    const l = Math.hypot(this.x, this.y, this.z);
    if (this.samples === 0 || !(l > 0)) return undefined;
    const [qx, qy, qz, qw] = rotation;
    const vx = this.x / l, vy = this.y / l, vz = this.z / l;
    // v' = v + 2w (q × v) + 2 q × (q × v)
    const tx = 2 * (qy * vz - qz * vy), ty = 2 * (qz * vx - qx * vz), tz = 2 * (qx * vy - qy * vx);
    this.out[0] = vx + qw * tx + (qy * tz - qz * ty);
    this.out[1] = vy + qw * ty + (qz * tx - qx * tz);
    this.out[2] = vz + qw * tz + (qx * ty - qy * tx);
    return this.out;
  }
}
