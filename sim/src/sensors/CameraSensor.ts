import type { CameraInfo, Image, Time } from '@sensorium/core';
import { pointInPolygon } from '../world/geometry2d.js';
import { RayCaster, RayHit } from '../world/RayCaster.js';
import type { Rng } from '../world/Rng.js';
import type { World } from '../world/World.js';

export interface CameraOptions {
  width: number;
  height: number;
  horizontalFovDeg: number;
  /** Downward tilt, degrees (positive looks at the floor ahead). */
  pitchDeg: number;
  rangeMax: number;
  /** Pixel noise, standard deviation in 0..255 units. */
  noiseStd: number;
  depth: boolean;
  mountX: number;
  mountZ: number;
}

/** What a fault does to one frame. */
export interface CameraFrameEffect {
  extraNoiseStd: number;
  dark: boolean;
}

// More buffers than SensorDataQoS depth (5): a message stays intact while any keep-last queue can hold it.
const POOL = 8;
const AMBIENT = 0.35;
// Sun from above, slightly in front and to the left, so faces of boxes differ in brightness.
const LX = 0.3 / Math.hypot(0.3, 0.2, 1);
const LY = 0.2 / Math.hypot(0.3, 0.2, 1);
const LZ = 1 / Math.hypot(0.3, 0.2, 1);
const SKY = [0.62, 0.72, 0.86] as const;
/** How much of a glass/soft surface's colour the camera sees (faintly, as through a pane). */
const CLEAR_OPACITY = 0.18;

/**
 * A pinhole colour camera (rgb8, optional 32FC1 depth) rendered by BVH ray casting: albedo × (ambient +
 * Lambert) × scenario lighting; the floor is a 1 m checkerboard with painted zones only the camera sees.
 * Images are in camera_optical_frame (z forward, x right, y down).
 */
export class CameraSensor {
  private readonly rays: Float32Array;
  private readonly rgbPool: Uint8Array[] = [];
  private readonly depthPool: Float32Array[] = [];
  private next = 0;
  private readonly caster: RayCaster;
  private readonly hit = new RayHit();
  private readonly clearHit = new RayHit();
  readonly info: Omit<CameraInfo, 'header'>;

  constructor(private readonly world: World, readonly options: CameraOptions, private readonly rng: Rng) {
    this.caster = new RayCaster(world);
    const { width, height } = options;
    const f = width / 2 / Math.tan((options.horizontalFovDeg * Math.PI) / 360);
    const cx = width / 2;
    const cy = height / 2;
    const pitch = (options.pitchDeg * Math.PI) / 180;
    this.rays = new Float32Array(width * height * 3);
    for (let v = 0; v < height; v++) {
      for (let u = 0; u < width; u++) {
        // Optical ray (x right, y down, z forward) → camera_link (x forward, y left, z up), then pitched down.
        const fx = 1;
        const fy = -(u + 0.5 - cx) / f;
        const fz = -(v + 0.5 - cy) / f;
        const n = Math.hypot(fx, fy, fz);
        const x = fx / n;
        const y = fy / n;
        const z = fz / n;
        const k = (v * width + u) * 3;
        this.rays[k] = x * Math.cos(pitch) + z * Math.sin(pitch);
        this.rays[k + 1] = y;
        this.rays[k + 2] = -x * Math.sin(pitch) + z * Math.cos(pitch);
      }
    }
    for (let i = 0; i < POOL; i++) {
      this.rgbPool.push(new Uint8Array(width * height * 3));
      this.depthPool.push(new Float32Array(options.depth ? width * height : 0));
    }
    // ROS (image_geometry) centres pixel u at coordinate u, the rays above at u + 0.5: the principal point
    // the rays use is (cx − 0.5, cy − 0.5) in ROS terms (half a pixel is ~0.5 m of floor 4 m out).
    const rosCx = cx - 0.5;
    const rosCy = cy - 0.5;
    this.info = {
      height,
      width,
      distortion_model: 'plumb_bob',
      d: new Float64Array(5),
      k: new Float64Array([f, 0, rosCx, 0, f, rosCy, 0, 0, 1]),
      r: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]),
      p: new Float64Array([f, 0, rosCx, 0, 0, f, rosCy, 0, 0, 0, 1, 0]),
      binning_x: 0,
      binning_y: 0,
      roi: { x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: false },
    };
  }

  /** Renders one frame from the robot at pose (x, y, yaw). */
  render(pose: { x: number; y: number; yaw: number }, stamp: Time, effect: CameraFrameEffect): { image: Image; depth: Image | undefined } {
    const rgb = this.rgbPool[this.next]!;
    const depth = this.depthPool[this.next]!;
    this.next = (this.next + 1) % POOL;
    const o = this.options;
    const c = Math.cos(pose.yaw);
    const s = Math.sin(pose.yaw);
    const ox = pose.x + c * o.mountX;
    const oy = pose.y + s * o.mountX;
    const oz = o.mountZ;
    const light = effect.dark ? 0 : this.world.lighting;
    const noise = o.noiseStd + effect.extraNoiseStd;
    const hit = this.hit;
    const clearHit = this.clearHit;
    const n = o.width * o.height;
    for (let i = 0; i < n; i++) {
      const lx = this.rays[3 * i]!;
      const ly = this.rays[3 * i + 1]!;
      const dz = this.rays[3 * i + 2]!;
      const dx = c * lx - s * ly;
      const dy = s * lx + c * ly;
      let r: number;
      let g: number;
      let b: number;
      if (this.caster.castOpaque(ox, oy, oz, dx, dy, dz, 0.05, o.rangeMax, hit)) {
        let ar: number;
        let ag: number;
        let ab: number;
        if (hit.solid === RayHit.FLOOR) {
          const px = ox + dx * hit.distance;
          const py = oy + dy * hit.distance;
          const zone = this.zoneAt(px, py);
          if (zone !== undefined) {
            ar = zone[0];
            ag = zone[1];
            ab = zone[2];
          } else {
            const tile = (Math.floor(px) + Math.floor(py)) & 1 ? 0.5 : 0.42;
            ar = tile;
            ag = tile;
            ab = tile * 0.95;
          }
        } else {
          const albedo = this.world.solids[hit.solid]!.albedo;
          ar = albedo[0];
          ag = albedo[1];
          ab = albedo[2];
        }
        const shade = (AMBIENT + (1 - AMBIENT) * Math.max(0, hit.nx * LX + hit.ny * LY + hit.nz * LZ)) * light;
        r = ar * shade;
        g = ag * shade;
        b = ab * shade;
        if (o.depth) depth[i] = hit.distance;
      } else {
        r = SKY[0] * light;
        g = SKY[1] * light;
        b = SKY[2] * light;
        if (o.depth) depth[i] = NaN;
      }
      if (this.caster.castClear(ox, oy, oz, dx, dy, dz, 0.05, hit.solid === RayHit.NONE ? o.rangeMax : hit.distance, clearHit)) {
        const albedo = this.world.solids[clearHit.solid]!.albedo;
        const ar = albedo[0];
        const ag = albedo[1];
        const ab = albedo[2];
        const shade = (AMBIENT + (1 - AMBIENT) * Math.abs(clearHit.nx * LX + clearHit.ny * LY + clearHit.nz * LZ)) * light;
        r = r * (1 - CLEAR_OPACITY) + ar * shade * CLEAR_OPACITY;
        g = g * (1 - CLEAR_OPACITY) + ag * shade * CLEAR_OPACITY;
        b = b * (1 - CLEAR_OPACITY) + ab * shade * CLEAR_OPACITY;
      }
      rgb[3 * i] = quantise(r * 255 + (noise > 0 ? noise * this.rng.gaussian() : 0));
      rgb[3 * i + 1] = quantise(g * 255 + (noise > 0 ? noise * this.rng.gaussian() : 0));
      rgb[3 * i + 2] = quantise(b * 255 + (noise > 0 ? noise * this.rng.gaussian() : 0));
    }
    const header = { stamp, frame_id: 'camera_optical_frame' };
    const image: Image = { header, height: o.height, width: o.width, encoding: 'rgb8', is_bigendian: 0, step: o.width * 3, data: rgb };
    const depthImage: Image | undefined = o.depth
      ? { header, height: o.height, width: o.width, encoding: '32FC1', is_bigendian: 0, step: o.width * 4, data: new Uint8Array(depth.buffer, depth.byteOffset, depth.byteLength) }
      : undefined;
    return { image, depth: depthImage };
  }

  private zoneAt(x: number, y: number): readonly [number, number, number] | undefined {
    for (const zone of this.world.zones) if (pointInPolygon(x, y, zone.polygon)) return zone.albedo;
    return undefined;
  }
}

function quantise(v: number): number {
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}
