import { HOST_LITTLE_ENDIAN } from '../cdr/cdrRuntime.js';
import type { PointField } from '../messages/sensor_msgs.js';
import { POINT_FIELD_DATATYPES } from './pointFieldDatatypes.js';
import type { DatatypeInfo, PointTypedArray } from './pointFieldDatatypes.js';

/** Geometry of a cloud's buffer shared by all its field views. */
export interface CloudLayout {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly pointStep: number;
  readonly rowStep: number;
  readonly littleEndian: boolean;
}

/**
 * Zero-copy strided view of one field: element of point (row r, column c), component k is
 * `array[offset + r * rowStride + c * stride + k]`; for unpadded rows (row_step = width × point_step,
 * always true when height = 1) that is `array[offset + i * stride + k]` for point i. All in elements.
 * Writing to `array` writes the cloud's data.
 */
export interface StridedFieldView {
  readonly kind: 'strided';
  readonly name: string;
  readonly datatype: number;
  /** Components per point (PointField.count). */
  readonly count: number;
  readonly array: PointTypedArray;
  readonly offset: number;
  readonly stride: number;
  readonly rowStride: number;
  /** Value of point `index` (row-major over width × height), component `component`. */
  get(index: number, component?: number): number;
  set(index: number, value: number, component?: number): void;
}

/** DataView accessor, for big-endian data or fields not aligned to their size in memory. */
export interface DataViewFieldView {
  readonly kind: 'dataview';
  readonly name: string;
  readonly datatype: number;
  readonly count: number;
  readonly view: DataView;
  /** Byte offset of point 0's value inside `view`. */
  readonly byteOffset: number;
  readonly byteStride: number;
  readonly rowByteStride: number;
  readonly littleEndian: boolean;
  get(index: number, component?: number): number;
  set(index: number, value: number, component?: number): void;
}

export type PointFieldView = StridedFieldView | DataViewFieldView;

/** Builds the fastest view the layout allows: typed-array stride when endianness and alignment permit. */
export function createFieldView(layout: CloudLayout, field: PointField): PointFieldView {
  const info = POINT_FIELD_DATATYPES.get(field.datatype) as DatatypeInfo;
  const size = info.size;
  const { data, width, pointStep, rowStep } = layout;
  const endianOk = size === 1 || layout.littleEndian === HOST_LITTLE_ENDIAN;
  const aligned =
    (data.byteOffset + field.offset) % size === 0 && pointStep % size === 0 && rowStep % size === 0 && data.byteOffset % size === 0;
  if (endianOk && aligned) {
    const array = new info.TypedArray(data.buffer, data.byteOffset, Math.floor(data.byteLength / size));
    const offset = field.offset / size;
    const stride = pointStep / size;
    const rowStride = rowStep / size;
    const packed = rowStride === stride * width;
    const index = (i: number, k: number): number =>
      packed || width === 0 ? offset + i * stride + k : offset + Math.floor(i / width) * rowStride + (i % width) * stride + k;
    return {
      kind: 'strided',
      name: field.name,
      datatype: field.datatype,
      count: field.count,
      array,
      offset,
      stride,
      rowStride,
      get: (i, k = 0) => array[index(i, k)] as number,
      set: (i, value, k = 0) => {
        array[index(i, k)] = value;
      },
    };
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const littleEndian = layout.littleEndian;
  const packed = rowStep === pointStep * width;
  const byteIndex = (i: number, k: number): number =>
    (packed || width === 0 ? i * pointStep : Math.floor(i / width) * rowStep + (i % width) * pointStep) + field.offset + k * size;
  return {
    kind: 'dataview',
    name: field.name,
    datatype: field.datatype,
    count: field.count,
    view,
    byteOffset: field.offset,
    byteStride: pointStep,
    rowByteStride: rowStep,
    littleEndian,
    get: (i, k = 0) => info.read(view, byteIndex(i, k), littleEndian),
    set: (i, value, k = 0) => info.write(view, byteIndex(i, k), value, littleEndian),
  };
}
