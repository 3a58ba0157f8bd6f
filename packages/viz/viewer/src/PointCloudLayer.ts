import { BufferAttribute, BufferGeometry, Color, DynamicDrawUsage, Points, PointsMaterial } from 'three';

interface PointCloud2 {
  header: { frame_id: string };
  width: number;
  height: number;
  point_step: number;
  is_bigendian: boolean;
  fields: { name: string; offset: number; datatype: number }[];
  data: Uint8Array;
}

const FLOAT32 = 7;
const LUT_SIZE = 256;

/** How points are coloured. `intensity` needs an `intensity` field; without one the cloud is coloured by height. */
export type CloudColorMode = 'height' | 'intensity';

/** PointField datatypes (sensor_msgs/PointField) → DataView reader, for intensity fields that are not float32. */
const READERS: Record<number, (v: DataView, o: number) => number> = {
  1: (v, o) => v.getInt8(o),
  2: (v, o) => v.getUint8(o),
  3: (v, o) => v.getInt16(o, true),
  4: (v, o) => v.getUint16(o, true),
  5: (v, o) => v.getInt32(o, true),
  6: (v, o) => v.getUint32(o, true),
  7: (v, o) => v.getFloat32(o, true),
  8: (v, o) => v.getFloat64(o, true),
};

/** A colour ramp as a LUT, computed once instead of an HSL conversion per point. */
function ramp(hsl: (t: number) => [number, number, number]): Float32Array {
  const lut = new Float32Array(3 * LUT_SIZE);
  const c = new Color();
  for (let i = 0; i < LUT_SIZE; i++) {
    c.setHSL(...hsl(i / (LUT_SIZE - 1)));
    lut[3 * i] = c.r;
    lut[3 * i + 1] = c.g;
    lut[3 * i + 2] = c.b;
  }
  return lut;
}
/** Height: blue low → red high. */
const HEIGHT_RAMP = ramp((t) => [0.66 * (1 - t), 0.9, 0.55]);
/** Intensity: dark violet (weak return) → bright yellow (strong), unlike any height colour. */
const INTENSITY_RAMP = ramp((t) => [0.75 - 0.62 * t, 0.85, 0.18 + 0.5 * t]);

/**
 * The LiDAR cloud as one Points object whose position/colour arrays are allocated once (grown only
 * when a bigger cloud arrives) and rewritten in place per message, coloured by height (sensor frame,
 * −1 m … +2 m) or by intensity (this cloud's min … max, since sensors scale intensity differently).
 */
export class PointCloudLayer {
  readonly object: Points;
  readonly #geometry = new BufferGeometry();
  #positions = new Float32Array(0);
  #colors = new Float32Array(0);
  #capacity = 0;
  count = 0;
  /** Milliseconds the last update took (decode excluded): the viewer's per-cloud cost. */
  lastUpdateMs = 0;
  /** The mode asked for. */
  colorMode: CloudColorMode = 'height';
  /** The mode the last cloud was drawn in (`height` when it had no intensity field). */
  shownColorMode: CloudColorMode = 'height';
  /** Kept (by reference, no copy) to recolour at once when the mode changes. */
  #last: PointCloud2 | undefined;

  constructor() {
    this.object = new Points(this.#geometry, new PointsMaterial({ size: 0.06, vertexColors: true, sizeAttenuation: true }));
    this.object.matrixAutoUpdate = false;
    this.object.frustumCulled = false;
    this.#ensure(131_072);
  }

  setColorMode(mode: CloudColorMode): void {
    this.colorMode = mode;
    if (this.#last !== undefined) this.update(this.#last);
  }

  update(cloud: PointCloud2): void {
    const xf = cloud.fields.find((f) => f.name === 'x');
    const yf = cloud.fields.find((f) => f.name === 'y');
    const zf = cloud.fields.find((f) => f.name === 'z');
    if (xf === undefined || yf === undefined || zf === undefined || xf.datatype !== FLOAT32 || cloud.is_bigendian) return;
    this.#last = cloud;
    const started = performance.now();
    const n = cloud.width * cloud.height;
    this.#ensure(n);
    const step = cloud.point_step;
    const pos = this.#positions;
    const col = this.#colors;
    const inf = this.colorMode === 'intensity' ? cloud.fields.find((f) => f.name === 'intensity' && READERS[f.datatype] !== undefined) : undefined;
    const byIntensity = inf !== undefined;
    let k = 0;
    let lo = Infinity;
    let hi = -Infinity;
    // Pass 1: positions, and the colour scalar parked in the red slot (no scratch array).
    const emit = (x: number, y: number, z: number, v: number): void => {
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) return; // NaN = no return
      pos[3 * k] = x;
      pos[3 * k + 1] = y;
      pos[3 * k + 2] = z;
      col[3 * k] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      k++;
    };
    const aligned = cloud.data.byteOffset % 4 === 0 && step % 4 === 0 && xf.offset % 4 === 0 && yf.offset % 4 === 0 && zf.offset % 4 === 0;
    const floatIntensity = inf !== undefined && inf.datatype === FLOAT32 && inf.offset % 4 === 0;
    if (aligned && (!byIntensity || floatIntensity)) {
      // Fast path (the usual LiDAR layout): a Float32Array view over the message bytes, no copy.
      const f = new Float32Array(cloud.data.buffer, cloud.data.byteOffset, Math.floor(cloud.data.byteLength / 4));
      const s4 = step / 4, xo = xf.offset / 4, yo = yf.offset / 4, zo = zf.offset / 4;
      const vo = byIntensity ? inf.offset / 4 : zo;
      for (let i = 0; i < n; i++) emit(f[i * s4 + xo]!, f[i * s4 + yo]!, f[i * s4 + zo]!, f[i * s4 + vo]!);
    } else {
      const view = new DataView(cloud.data.buffer, cloud.data.byteOffset, cloud.data.byteLength);
      const read = byIntensity ? READERS[inf.datatype]! : undefined;
      for (let i = 0; i < n; i++) {
        const o = i * step;
        const z = view.getFloat32(o + zf.offset, true);
        emit(view.getFloat32(o + xf.offset, true), view.getFloat32(o + yf.offset, true), z, read === undefined ? z : read(view, o + inf!.offset));
      }
    }
    // Pass 2: scalar → colour. Height on a fixed range (comparable between clouds); intensity on this cloud's.
    const lut = byIntensity ? INTENSITY_RAMP : HEIGHT_RAMP;
    const offset = byIntensity ? lo : -1;
    const span = byIntensity ? (hi > lo ? hi - lo : 1) : 3;
    const scale = (LUT_SIZE - 1) / span;
    for (let j = 0; j < k; j++) {
      const v = col[3 * j]!;
      const li = 3 * Math.min(LUT_SIZE - 1, Math.max(0, Math.round((v - offset) * scale)));
      col[3 * j] = lut[li]!;
      col[3 * j + 1] = lut[li + 1]!;
      col[3 * j + 2] = lut[li + 2]!;
    }
    this.shownColorMode = byIntensity ? 'intensity' : 'height';
    this.count = k;
    this.#geometry.setDrawRange(0, k);
    const p = this.#geometry.getAttribute('position') as BufferAttribute;
    const c = this.#geometry.getAttribute('color') as BufferAttribute;
    p.clearUpdateRanges();
    p.addUpdateRange(0, 3 * k);
    p.needsUpdate = true;
    c.clearUpdateRanges();
    c.addUpdateRange(0, 3 * k);
    c.needsUpdate = true;
    this.lastUpdateMs = performance.now() - started;
  }

  #ensure(n: number): void {
    if (n <= this.#capacity) return;
    this.#capacity = Math.max(n, this.#capacity * 2);
    this.#positions = new Float32Array(3 * this.#capacity);
    this.#colors = new Float32Array(3 * this.#capacity);
    this.#geometry.setAttribute('position', new BufferAttribute(this.#positions, 3).setUsage(DynamicDrawUsage));
    this.#geometry.setAttribute('color', new BufferAttribute(this.#colors, 3).setUsage(DynamicDrawUsage));
  }
}
