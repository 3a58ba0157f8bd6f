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
  readonly #color = new Color();

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
    const n = cloud.width * cloud.height;
    this.#ensure(n);
    const view = new DataView(cloud.data.buffer, cloud.data.byteOffset, cloud.data.byteLength);
    const step = cloud.point_step;
    const pos = this.#positions;
    const col = this.#colors;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const o = i * step;
      const x = view.getFloat32(o + xf.offset, true);
      const y = view.getFloat32(o + yf.offset, true);
      const z = view.getFloat32(o + zf.offset, true);
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue; // NaN = no return
      pos[3 * k] = x;
      pos[3 * k + 1] = y;
      pos[3 * k + 2] = z;
      // Height in the sensor frame, −1 m … +2 m onto a blue → red hue ramp.
      const t = Math.min(1, Math.max(0, (z + 1) / 3));
      this.#color.setHSL(0.66 * (1 - t), 0.9, 0.55);
      col[3 * k] = this.#color.r;
      col[3 * k + 1] = this.#color.g;
      col[3 * k + 2] = this.#color.b;
      k++;
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
