import type { Header } from '../messages/std_msgs.js';
import type { PointCloud2, PointField } from '../messages/sensor_msgs.js';
import { ValidationError } from '../errors/ValidationError.js';
import { HOST_LITTLE_ENDIAN } from '../cdr/cdrRuntime.js';
import { POINT_FIELD_DATATYPES } from './pointFieldDatatypes.js';
import { validatePointCloud2 } from './validatePointCloud2.js';
import { createFieldView } from './PointFieldView.js';
import type { PointFieldView } from './PointFieldView.js';

export interface PointCloud2WriterOptions {
  fields: readonly PointField[];
  /** Bytes per point; default: end of the last field rounded up to the largest field size. */
  pointStep?: number;
}

export interface BeginOptions {
  /** Rows of an organised cloud (default 1); pointCount must be a multiple of it. */
  height?: number;
  /** Zero the buffer first so unwritten fields and padding are 0, not the previous frame (default true). */
  clear?: boolean;
}

export interface FinishOptions {
  isDense?: boolean;
}

/**
 * Builds PointCloud2 messages into one reused buffer (grown geometrically, never shrunk).
 *
 * ```ts
 * const writer = new PointCloud2Writer({ fields: LIDAR_POINT_FIELDS, pointStep: LIDAR_POINT_STEP });
 * writer.begin(n);
 * const x = writer.field('x'); // strided Float32Array view into the buffer
 * ...
 * transport.publish('lidar/points', writer.finish(header));
 * ```
 * The returned message's `data` is a view of the writer's buffer: it is overwritten by the next
 * `begin()`. Encode or copy it before building the next cloud.
 */
export class PointCloud2Writer {
  readonly fields: readonly PointField[];
  readonly pointStep: number;
  private buffer = new Uint8Array(0);
  private width = 0;
  private height = 1;
  private views = new Map<string, PointFieldView>();
  private viewsBuffer: Uint8Array | undefined;

  constructor(options: PointCloud2WriterOptions) {
    this.fields = options.fields.map((f) => ({ ...f }));
    let end = 0;
    let maxSize = 1;
    for (const f of this.fields) {
      const size = POINT_FIELD_DATATYPES.get(f.datatype)?.size ?? 1;
      end = Math.max(end, f.offset + size * f.count);
      maxSize = Math.max(maxSize, size);
    }
    this.pointStep = options.pointStep ?? Math.ceil(end / maxSize) * maxSize;
    // Validates the layout once (fields inside point_step, no overlap, known datatypes).
    validatePointCloud2({
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' },
      height: 0,
      width: 0,
      fields: this.fields as PointField[],
      is_bigendian: false,
      point_step: this.pointStep,
      row_step: 0,
      data: new Uint8Array(0),
      is_dense: true,
    });
  }

  /** Sizes the buffer for `pointCount` points and makes fresh field views over it. */
  begin(pointCount: number, options: BeginOptions = {}): this {
    const height = options.height ?? 1;
    if (!Number.isInteger(pointCount) || pointCount < 0 || !Number.isInteger(height) || height < 1 || pointCount % height !== 0) {
      throw new ValidationError('PointCloud2Writer.begin: bad point count or height', {
        context: { field: 'pointCount', expected: 'an integer ≥ 0, a multiple of height', actual: `${pointCount} / ${height}` },
      });
    }
    const bytes = pointCount * this.pointStep;
    if (this.buffer.length < bytes) {
      this.buffer = new Uint8Array(Math.max(bytes, this.buffer.length * 2));
    } else if (options.clear ?? true) {
      this.buffer.fill(0, 0, bytes);
    }
    const width = pointCount / height;
    // Same geometry and buffer as last frame: the views are still right, reuse them (no allocation).
    if (this.views.size > 0 && width === this.width && height === this.height && this.viewsBuffer === this.buffer) return this;
    this.height = height;
    this.width = width;
    this.viewsBuffer = this.buffer;
    const layout = {
      data: this.buffer.subarray(0, bytes),
      width: this.width,
      height,
      pointStep: this.pointStep,
      rowStep: this.width * this.pointStep,
      littleEndian: HOST_LITTLE_ENDIAN,
    };
    this.views = new Map(this.fields.map((f) => [f.name, createFieldView(layout, f)]));
    return this;
  }

  get pointCount(): number {
    return this.width * this.height;
  }

  field(name: string): PointFieldView {
    const view = this.views.get(name);
    if (view === undefined) {
      throw new ValidationError(`PointCloud2Writer has no field "${name}" (call begin() first?)`, {
        context: { field: name, expected: this.fields.map((f) => f.name).join(' | ') },
      });
    }
    return view;
  }

  /** The cloud as a message; `data` views the writer's buffer (valid until the next begin()). */
  finish(header: Header, options: FinishOptions = {}): PointCloud2 {
    const rowStep = this.width * this.pointStep;
    return {
      header,
      height: this.height,
      width: this.width,
      fields: this.fields as PointField[],
      is_bigendian: !HOST_LITTLE_ENDIAN,
      point_step: this.pointStep,
      row_step: rowStep,
      data: this.buffer.subarray(0, rowStep * this.height),
      is_dense: options.isDense ?? true,
    };
  }
}
