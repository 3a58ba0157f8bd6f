import type { PointCloud2 } from '../messages/sensor_msgs.js';
import type { ErrorContext } from '../errors/SensoriumError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { validatePointCloud2 } from './validatePointCloud2.js';
import { createFieldView } from './PointFieldView.js';
import type { CloudLayout, PointFieldView } from './PointFieldView.js';

export interface CopyFieldOptions {
  /** Component of a field with count > 1 (default 0). */
  component?: number;
}

/** A writable numeric array a field is copied into. */
export type NumericArray = { length: number; [index: number]: number };

/**
 * Read access to a PointCloud2 without copying its data. Validates the layout once, then hands out
 * one view per field (strided typed array when possible, DataView accessor otherwise).
 *
 * ```ts
 * const cloud = readPointCloud2(msg, { topic: 'lidar/points' });
 * const x = cloud.field('x');
 * if (x.kind === 'strided') for (let i = 0; i < cloud.pointCount; i++) sum += x.array[x.offset + i * x.stride];
 * cloud.copyFieldInto('intensity', scratch); // reused Float32Array, no allocation
 * ```
 */
export class PointCloud2Reader {
  readonly message: PointCloud2;
  readonly pointCount: number;
  readonly width: number;
  readonly height: number;
  private readonly views = new Map<string, PointFieldView>();
  private readonly context: ErrorContext;

  constructor(message: PointCloud2, context: ErrorContext = {}) {
    validatePointCloud2(message, context);
    this.message = message;
    this.context = context;
    this.width = message.width;
    this.height = message.height;
    this.pointCount = message.width * message.height;
    const layout: CloudLayout = {
      data: message.data,
      width: message.width,
      height: message.height,
      pointStep: message.point_step,
      rowStep: message.row_step,
      littleEndian: !message.is_bigendian,
    };
    for (const field of message.fields) this.views.set(field.name, createFieldView(layout, field));
  }

  get fieldNames(): string[] {
    return [...this.views.keys()];
  }

  hasField(name: string): boolean {
    return this.views.has(name);
  }

  /** The view of field `name`; ValidationError when the cloud has no such field. */
  field(name: string): PointFieldView {
    const view = this.views.get(name);
    if (view === undefined) {
      throw new ValidationError(`PointCloud2 has no field "${name}"`, {
        context: { ...this.context, field: name, expected: this.fieldNames.join(' | ') || 'a field' },
      });
    }
    return view;
  }

  /**
   * Copies one component of a field for every point (row-major) into `out`, which must hold
   * `pointCount` values; returns `out`. Use a reused Float32Array to keep per-frame work allocation-free.
   */
  copyFieldInto<T extends NumericArray>(name: string, out: T, options: CopyFieldOptions = {}): T {
    const view = this.field(name);
    const component = options.component ?? 0;
    if (!Number.isInteger(component) || component < 0 || component >= view.count) {
      throw new ValidationError(`component ${component} out of range for field "${name}"`, {
        context: { ...this.context, field: name, expected: `0 ≤ component < ${view.count}`, actual: String(component) },
      });
    }
    const n = this.pointCount;
    if (out.length < n) {
      throw new ValidationError(`output array too short for field "${name}"`, {
        context: { ...this.context, field: name, expected: `length ≥ ${n}`, actual: String(out.length) },
      });
    }
    if (view.kind === 'strided') {
      const { array, stride, rowStride } = view;
      const width = this.width;
      let i = 0;
      for (let row = 0; row < this.height; row++) {
        let at = view.offset + row * rowStride + component;
        for (let col = 0; col < width; col++, at += stride) out[i++] = array[at] as number;
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = view.get(i, component);
    }
    return out;
  }
}

/** Validates `msg` and returns a reader over its data (see PointCloud2Reader). */
export function readPointCloud2(msg: PointCloud2, context: ErrorContext = {}): PointCloud2Reader {
  return new PointCloud2Reader(msg, context);
}
