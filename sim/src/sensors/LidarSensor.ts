import { LIDAR_POINT_FIELDS, LIDAR_POINT_STEP, type PointCloud2, type PointField, type Time } from '@sensorium/core';
import { RayCaster, RayHit } from '../world/RayCaster.js';
import type { Rng } from '../world/Rng.js';
import { LIDAR_REFLECTIVITY } from '../world/Solid.js';
import type { World } from '../world/World.js';

export interface LidarOptions {
  channels: number;
  verticalFovMinDeg: number;
  verticalFovMaxDeg: number;
  azimuthResolutionDeg: number;
  rangeMin: number;
  rangeMax: number;
  rangeNoiseStd: number;
  /** Probability that any one return is lost. */
  dropout: number;
  /** Mount on base_link (x forward, z up), metres. */
  mountX: number;
  mountZ: number;
}

/** The layout DESIGN.md fixes (core's LIDAR_POINT_FIELDS): x y z intensity float32 @0/4/8/12, ring uint16 @16. */
export const LIDAR_FIELDS: readonly PointField[] = LIDAR_POINT_FIELDS;
const POINT_STEP = LIDAR_POINT_STEP;
const FLOOR_REFLECTIVITY = 0.25;
/** Return probability of an `absorbing` (black) surface: few returns, as on real black paint. */
const ABSORBING_RETURN = 0.12;
// More buffers than SensorDataQoS depth (5): a message stays intact while any keep-last queue can hold it.
const POOL = 8;

/** What a fault does to one scan. */
export interface LidarScanEffect {
  extraNoiseStd: number;
  blind: boolean;
}

/**
 * A spinning multi-channel LiDAR by BVH ray casting. Output is an organised cloud (height = channels,
 * width = azimuth steps) in lidar_link; missed rays are NaN (is_dense false), as real drivers publish.
 * Scans are written into a small pool of reused buffers (subscribers may still hold the previous one).
 */
export class LidarSensor {
  readonly width: number;
  readonly height: number;
  private readonly directions: Float32Array;
  private readonly pool: { bytes: Uint8Array; f32: Float32Array; u16: Uint16Array }[] = [];
  private next = 0;
  private readonly caster: RayCaster;
  private readonly hit = new RayHit();
  /** Rays cast so far (for the benchmark). */
  rays = 0;

  constructor(private readonly world: World, readonly options: LidarOptions, private readonly rng: Rng) {
    this.caster = new RayCaster(world);
    this.height = options.channels;
    this.width = Math.round(360 / options.azimuthResolutionDeg);
    this.directions = new Float32Array(this.width * this.height * 3);
    for (let ring = 0; ring < this.height; ring++) {
      const elevation =
        ((options.channels === 1 ? 0 : options.verticalFovMinDeg + ((options.verticalFovMaxDeg - options.verticalFovMinDeg) * ring) / (options.channels - 1)) * Math.PI) / 180;
      for (let col = 0; col < this.width; col++) {
        // Column 0 looks backwards (−π) so the forward direction sits in the middle of each row.
        const azimuth = -Math.PI + (2 * Math.PI * col) / this.width;
        const k = (ring * this.width + col) * 3;
        this.directions[k] = Math.cos(elevation) * Math.cos(azimuth);
        this.directions[k + 1] = Math.cos(elevation) * Math.sin(azimuth);
        this.directions[k + 2] = Math.sin(elevation);
      }
    }
    for (let i = 0; i < POOL; i++) {
      const bytes = new Uint8Array(this.width * this.height * POINT_STEP);
      this.pool.push({ bytes, f32: new Float32Array(bytes.buffer), u16: new Uint16Array(bytes.buffer) });
    }
  }

  /** Casts one scan from the robot at pose (x, y, yaw) and returns the message. */
  scan(pose: { x: number; y: number; yaw: number }, stamp: Time, effect: LidarScanEffect): PointCloud2 {
    const buffer = this.pool[this.next]!;
    this.next = (this.next + 1) % POOL;
    const { f32, u16 } = buffer;
    const o = this.options;
    const c = Math.cos(pose.yaw);
    const s = Math.sin(pose.yaw);
    const ox = pose.x + c * o.mountX;
    const oy = pose.y + s * o.mountX;
    const oz = o.mountZ;
    const noiseStd = o.rangeNoiseStd + effect.extraNoiseStd;
    const hit = this.hit;
    const n = this.width * this.height;
    for (let i = 0; i < n; i++) {
      const lx = this.directions[3 * i]!;
      const ly = this.directions[3 * i + 1]!;
      const lz = this.directions[3 * i + 2]!;
      const wx = c * lx - s * ly;
      const wy = s * lx + c * ly;
      const f = i * (POINT_STEP / 4);
      u16[i * (POINT_STEP / 2) + 8] = (i / this.width) | 0;
      let returned = false;
      if (!effect.blind) {
        this.rays++;
        if (this.caster.castOpaque(ox, oy, oz, wx, wy, lz, o.rangeMin, o.rangeMax, hit)) {
          const material = hit.solid >= 0 ? this.world.solids[hit.solid]?.material : undefined;
          const reflectivity = material === undefined ? FLOOR_REFLECTIVITY : LIDAR_REFLECTIVITY[material];
          const keep = material === 'absorbing' ? this.rng.next() < ABSORBING_RETURN : true;
          if (keep && (o.dropout <= 0 || this.rng.next() >= o.dropout)) {
            const cosIncidence = Math.abs(hit.nx * wx + hit.ny * wy + hit.nz * lz);
            const range = Math.max(o.rangeMin, hit.distance + (noiseStd > 0 ? noiseStd * this.rng.gaussian() : 0));
            f32[f] = lx * range;
            f32[f + 1] = ly * range;
            f32[f + 2] = lz * range;
            f32[f + 3] = 255 * reflectivity * (0.3 + 0.7 * cosIncidence);
            returned = true;
          }
        }
      }
      if (!returned) {
        f32[f] = NaN;
        f32[f + 1] = NaN;
        f32[f + 2] = NaN;
        f32[f + 3] = 0;
      }
    }
    return {
      header: { stamp, frame_id: 'lidar_link' },
      height: this.height,
      width: this.width,
      fields: LIDAR_FIELDS as PointField[],
      is_bigendian: false,
      point_step: POINT_STEP,
      row_step: POINT_STEP * this.width,
      data: buffer.bytes,
      is_dense: false,
    };
  }
}
