import { validateImage, ValidationError, type CameraInfo, type ErrorContext, type Image } from '@sensorium/core';

/** Which pixel colours count as hazard paint (HSV, lighting-independent apart from `minValue`). */
export interface HazardPaintModel {
  /**
   * Hue ranges in degrees as [from, to] pairs, wrapping through 0 when from > to. Default: red (340 → 20)
   * and safety yellow (40 → 70).
   */
  hueRangesDeg: readonly number[];
  /** Smallest (max − min) / max that counts: floors, walls and sky are far less saturated than paint. */
  minSaturation: number;
  /** Smallest max channel / full scale: below it noise alone makes pixels look saturated. */
  minValue: number;
}

export const DEFAULT_HAZARD_PAINT: Readonly<HazardPaintModel> = Object.freeze({
  hueRangesDeg: Object.freeze([340, 20, 40, 70]),
  minSaturation: 0.55,
  minValue: 0.15,
});

export interface FloorMarkingOptions {
  paint?: Partial<HazardPaintModel>;
  /** Output grid: at most one point per cell of this side, m. */
  cellSizeM?: number;
  /** Floor points farther than this from the target frame's origin are ignored, m. */
  maxRangeM?: number;
}

/** A transform as 12 numbers: row-major 3×3 rotation (camera optical frame → floor frame), then translation. */
export type CameraToFloor = Float64Array;

const POSE_LENGTH = 12;
const INTRINSICS_LENGTH = 10;

/**
 * Finds hazard paint on the floor: pixels whose colour matches a `HazardPaintModel` are cast through the
 * camera intrinsics (CameraInfo `k`, binning and ROI; the image is taken as rectified) and the camera pose
 * onto the plane z = 0 of the frame the pose maps into (`base_link`: the floor under the robot), kept at most
 * one per `cellSizeM` cell, into `xs`/`ys` (`count` of them).
 *
 * Where each pixel lands depends only on the intrinsics and the pose, so that table is built once and
 * rebuilt only when either changes; a frame is one colour test per pixel. Nothing is allocated per frame
 * once the image size has been seen.
 *
 * ```ts
 * const detector = new FloorMarkingDetector({ cellSizeM: 0.05 });
 * const n = detector.detect(image, cameraInfo, cameraToBase); // cameraToBase from FrameTree.lookup
 * for (let i = 0; i < n; i++) mark(detector.xs[i], detector.ys[i]);
 * ```
 */
export class FloorMarkingDetector {
  readonly paint: Readonly<HazardPaintModel>;
  readonly cellSizeM: number;
  readonly maxRangeM: number;
  /** Marked floor points of the last frame (first `count` entries), m. */
  xs = new Float32Array(0);
  ys = new Float32Array(0);
  count = 0;
  /** Per pixel: floor cell index, −1 where the ray misses the floor or lands out of range. */
  private cellOf = new Int32Array(0);
  private floorX = new Float32Array(0);
  private floorY = new Float32Array(0);
  /** Per cell: the frame number that last emitted a point there (dedupe without clearing). */
  private readonly cellStamp: Uint32Array;
  private readonly gridSide: number;
  private frame = 0;
  private readonly intrinsics = new Float64Array(INTRINSICS_LENGTH).fill(NaN);
  private readonly pose = new Float64Array(POSE_LENGTH).fill(NaN);
  private readonly hueLo: Float64Array;
  private readonly hueHi: Float64Array;

  constructor(options: FloorMarkingOptions = {}) {
    this.paint = { ...DEFAULT_HAZARD_PAINT, ...options.paint };
    this.cellSizeM = options.cellSizeM ?? 0.05;
    this.maxRangeM = options.maxRangeM ?? 6;
    const hues = this.paint.hueRangesDeg;
    if (hues.length === 0 || hues.length % 2 !== 0 || hues.some((h) => !(h >= 0 && h <= 360))) {
      throw new ValidationError('hazard paint hue ranges must be [from, to] pairs in 0..360 degrees', { context: { field: 'hueRangesDeg', expected: 'an even, non-empty list in 0..360', actual: `[${hues.join(', ')}]` } });
    }
    if (!(this.cellSizeM > 0) || !(this.maxRangeM > 0)) {
      throw new ValidationError('floor marking grid must be positive', { context: { field: 'cellSizeM / maxRangeM', expected: '> 0', actual: `${this.cellSizeM} / ${this.maxRangeM}` } });
    }
    this.hueLo = Float64Array.from(hues.filter((_, i) => i % 2 === 0));
    this.hueHi = Float64Array.from(hues.filter((_, i) => i % 2 === 1));
    this.gridSide = Math.ceil((2 * this.maxRangeM) / this.cellSizeM) + 1;
    this.cellStamp = new Uint32Array(this.gridSide * this.gridSide);
  }

  /**
   * Marks of one frame; returns `count`. Throws ValidationError (with `context`) on an image without
   * colour, a malformed image, or camera_info that does not describe it.
   */
  detect(image: Image, info: CameraInfo, cameraToFloor: CameraToFloor, context: ErrorContext = {}): number {
    const encoding = validateImage(image, context);
    const rgba = encoding.rgba;
    if (rgba === undefined || encoding.bytesPerChannel !== 1) {
      throw new ValidationError('floor marking needs a colour image', { context: { ...context, field: 'encoding', expected: 'rgb8 | bgr8 | rgba8 | bgra8', actual: image.encoding } });
    }
    this.prepare(image, info, cameraToFloor, context);
    const { width, height, step, data } = image;
    const channels = encoding.channels;
    const [ro, go, bo] = rgba;
    const minS = this.paint.minSaturation;
    const minMax = this.paint.minValue * 255;
    const cellOf = this.cellOf;
    const stamp = this.cellStamp;
    const frame = ++this.frame;
    if (frame === 0xffffffff) {
      // wrapped: old stamps could collide with new frame numbers
      stamp.fill(0);
      this.frame = 1;
    }
    const f = this.frame;
    let n = 0;
    for (let v = 0; v < height; v++) {
      let o = v * step;
      for (let u = 0; u < width; u++, o += channels) {
        const i = v * width + u;
        const cell = cellOf[i]!;
        if (cell < 0 || stamp[cell] === f) continue;
        const r = data[o + ro]!;
        const g = data[o + go]!;
        const b = data[o + bo]!;
        const max = r > g ? (r > b ? r : b) : g > b ? g : b;
        if (max < minMax) continue;
        const min = r < g ? (r < b ? r : b) : g < b ? g : b;
        const chroma = max - min;
        if (chroma < minS * max || chroma === 0) continue;
        if (!this.hueMatches(hueDeg(r, g, b, max, chroma))) continue;
        stamp[cell] = f;
        this.xs[n] = this.floorX[i]!;
        this.ys[n] = this.floorY[i]!;
        n++;
      }
    }
    this.count = n;
    return n;
  }

  private hueMatches(h: number): boolean {
    for (let k = 0; k < this.hueLo.length; k++) {
      const lo = this.hueLo[k]!;
      const hi = this.hueHi[k]!;
      if (lo <= hi ? h >= lo && h <= hi : h >= lo || h <= hi) return true;
    }
    return false;
  }

  /** Checks camera_info against the image and rebuilds the pixel → floor table when it or the pose changed. */
  private prepare(image: Image, info: CameraInfo, pose: CameraToFloor, context: ErrorContext): void {
    const bx = info.binning_x > 1 ? info.binning_x : 1;
    const by = info.binning_y > 1 ? info.binning_y : 1;
    const roi = info.roi;
    const fullW = roi.width > 0 ? roi.width : info.width;
    const fullH = roi.height > 0 ? roi.height : info.height;
    const k = info.k;
    const bad = (field: string, expected: string, actual: string): never => {
      throw new ValidationError('camera_info does not describe the image', { context: { ...context, field, expected, actual } });
    };
    if (k.length !== 9 || !(k[0]! > 0) || !(k[4]! > 0) || !Number.isFinite(k[2]!) || !Number.isFinite(k[5]!)) bad('camera_info.k', 'fx > 0, fy > 0, finite cx, cy', `[${Array.from(k).join(', ')}]`);
    if (Math.floor(fullW / bx) !== image.width || Math.floor(fullH / by) !== image.height) {
      bad('camera_info.width×height', `${image.width * bx}×${image.height * by} (binning ${bx}×${by}) for a ${image.width}×${image.height} image`, `${fullW}×${fullH}`);
    }
    if (pose.length < POSE_LENGTH || !pose.every(Number.isFinite)) bad('camera pose', '12 finite numbers', String(pose.length));
    const intr = this.intrinsics;
    const same =
      intr[0] === image.width && intr[1] === image.height && intr[2] === k[0] && intr[3] === k[4] && intr[4] === k[2] && intr[5] === k[5] &&
      intr[6] === bx && intr[7] === by && intr[8] === roi.x_offset && intr[9] === roi.y_offset;
    let samePose = true;
    for (let j = 0; j < POSE_LENGTH; j++) if (this.pose[j] !== pose[j]) samePose = false;
    if (same && samePose) return;
    intr.set([image.width, image.height, k[0]!, k[4]!, k[2]!, k[5]!, bx, by, roi.x_offset, roi.y_offset]);
    this.pose.set(pose.subarray(0, POSE_LENGTH));
    this.buildTable(image.width, image.height, k[0]!, k[4]!, k[2]!, k[5]!, bx, by, roi.x_offset, roi.y_offset);
  }

  private buildTable(width: number, height: number, fx: number, fy: number, cx: number, cy: number, bx: number, by: number, x0: number, y0: number): void {
    const n = width * height;
    if (this.cellOf.length < n) {
      this.cellOf = new Int32Array(n);
      this.floorX = new Float32Array(n);
      this.floorY = new Float32Array(n);
      this.xs = new Float32Array(n);
      this.ys = new Float32Array(n);
    }
    const p = this.pose;
    const half = (this.gridSide - 1) / 2;
    for (let v = 0; v < height; v++) {
      // ROS convention (image_geometry): pixel (u, v) of the full-resolution image is centred at (u, v).
      const yn = (y0 + (v + 0.5) * by - 0.5 - cy) / fy;
      for (let u = 0; u < width; u++) {
        const i = v * width + u;
        const xn = (x0 + (u + 0.5) * bx - 0.5 - cx) / fx;
        // ray (xn, yn, 1) in the optical frame → floor frame
        const dx = p[0]! * xn + p[1]! * yn + p[2]!;
        const dy = p[3]! * xn + p[4]! * yn + p[5]!;
        const dz = p[6]! * xn + p[7]! * yn + p[8]!;
        this.cellOf[i] = -1;
        // Rays at or above the horizon never reach the floor; nearly flat ones land far beyond any range.
        if (!(dz < -1e-6)) continue;
        const s = -p[11]! / dz;
        if (!(s > 0)) continue;
        const x = p[9]! + s * dx;
        const y = p[10]! + s * dy;
        if (Math.hypot(x, y) > this.maxRangeM) continue;
        this.floorX[i] = x;
        this.floorY[i] = y;
        const gx = Math.round(x / this.cellSizeM + half);
        const gy = Math.round(y / this.cellSizeM + half);
        this.cellOf[i] = gy * this.gridSide + gx;
      }
    }
  }
}

/** Hue in degrees [0, 360) of an RGB triple with its max and chroma (> 0). */
function hueDeg(r: number, g: number, b: number, max: number, chroma: number): number {
  let h: number;
  if (max === r) h = (g - b) / chroma;
  else if (max === g) h = (b - r) / chroma + 2;
  else h = (r - g) / chroma + 4;
  h *= 60;
  return h < 0 ? h + 360 : h;
}
