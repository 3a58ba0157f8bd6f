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

/** Height → colour ramp (blue low, red high), computed once instead of an HSL conversion per point. */
const RAMP = ((): Float32Array => {
  const lut = new Float32Array(3 * LUT_SIZE);
  const c = new Color();
  for (let i = 0; i < LUT_SIZE; i++) {
    c.setHSL(0.66 * (1 - i / (LUT_SIZE - 1)), 0.9, 0.55);
    lut[3 * i] = c.r;
    lut[3 * i + 1] = c.g;
    lut[3 * i + 2] = c.b;
  }
  return lut;
})();

/**
 * The LiDAR cloud as one Points object whose position/colour arrays are allocated once (grown only
 * when a bigger cloud arrives) and rewritten in place per message, coloured by height.
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

  constructor() {
    this.object = new Points(this.#geometry, new PointsMaterial({ size: 0.06, vertexColors: true, sizeAttenuation: true }));
    this.object.matrixAutoUpdate = false;
    this.object.frustumCulled = false;
    this.#ensure(131_072);
  }

  update(cloud: PointCloud2): void {
    const xf = cloud.fields.find((f) => f.name === 'x');
    const yf = cloud.fields.find((f) => f.name === 'y');
    const zf = cloud.fields.find((f) => f.name === 'z');
    if (xf === undefined || yf === undefined || zf === undefined || xf.datatype !== FLOAT32 || cloud.is_bigendian) return;
    const started = performance.now();
    const n = cloud.width * cloud.height;
    this.#ensure(n);
    const step = cloud.point_step;
    const pos = this.#positions;
    const col = this.#colors;
    let k = 0;
    const emit = (x: number, y: number, z: number): void => {
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) return; // NaN = no return
      pos[3 * k] = x;
      pos[3 * k + 1] = y;
      pos[3 * k + 2] = z;
      // Height in the sensor frame, −1 m … +2 m, onto the ramp.
      const li = 3 * Math.min(LUT_SIZE - 1, Math.max(0, Math.round(((z + 1) / 3) * (LUT_SIZE - 1))));
      col[3 * k] = RAMP[li]!;
      col[3 * k + 1] = RAMP[li + 1]!;
      col[3 * k + 2] = RAMP[li + 2]!;
      k++;
    };
    const aligned = cloud.data.byteOffset % 4 === 0 && step % 4 === 0 && xf.offset % 4 === 0 && yf.offset % 4 === 0 && zf.offset % 4 === 0;
    if (aligned) {
      // Fast path (the usual LiDAR layout): a Float32Array view over the message bytes, no copy.
      const f = new Float32Array(cloud.data.buffer, cloud.data.byteOffset, Math.floor(cloud.data.byteLength / 4));
      const s4 = step / 4, xo = xf.offset / 4, yo = yf.offset / 4, zo = zf.offset / 4;
      for (let i = 0; i < n; i++) emit(f[i * s4 + xo]!, f[i * s4 + yo]!, f[i * s4 + zo]!);
    } else {
      const view = new DataView(cloud.data.buffer, cloud.data.byteOffset, cloud.data.byteLength);
      for (let i = 0; i < n; i++) {
        const o = i * step;
        emit(view.getFloat32(o + xf.offset, true), view.getFloat32(o + yf.offset, true), view.getFloat32(o + zf.offset, true));
      }
    }
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
