import { PointFieldType } from '../messages/sensor_msgs.js';

export type PointTypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

export interface PointTypedArrayConstructor {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): PointTypedArray;
  readonly BYTES_PER_ELEMENT: number;
}

export interface DatatypeInfo {
  readonly name: string;
  readonly size: number;
  readonly TypedArray: PointTypedArrayConstructor;
  read(view: DataView, byteOffset: number, littleEndian: boolean): number;
  write(view: DataView, byteOffset: number, value: number, littleEndian: boolean): void;
}

/** sensor_msgs/PointField datatype codes → size, typed array and DataView accessors. */
export const POINT_FIELD_DATATYPES: ReadonlyMap<number, DatatypeInfo> = new Map<number, DatatypeInfo>([
  [PointFieldType.INT8, { name: 'INT8', size: 1, TypedArray: Int8Array, read: (v, o) => v.getInt8(o), write: (v, o, x) => v.setInt8(o, x) }],
  [PointFieldType.UINT8, { name: 'UINT8', size: 1, TypedArray: Uint8Array, read: (v, o) => v.getUint8(o), write: (v, o, x) => v.setUint8(o, x) }],
  [PointFieldType.INT16, { name: 'INT16', size: 2, TypedArray: Int16Array, read: (v, o, le) => v.getInt16(o, le), write: (v, o, x, le) => v.setInt16(o, x, le) }],
  [PointFieldType.UINT16, { name: 'UINT16', size: 2, TypedArray: Uint16Array, read: (v, o, le) => v.getUint16(o, le), write: (v, o, x, le) => v.setUint16(o, x, le) }],
  [PointFieldType.INT32, { name: 'INT32', size: 4, TypedArray: Int32Array, read: (v, o, le) => v.getInt32(o, le), write: (v, o, x, le) => v.setInt32(o, x, le) }],
  [PointFieldType.UINT32, { name: 'UINT32', size: 4, TypedArray: Uint32Array, read: (v, o, le) => v.getUint32(o, le), write: (v, o, x, le) => v.setUint32(o, x, le) }],
  [PointFieldType.FLOAT32, { name: 'FLOAT32', size: 4, TypedArray: Float32Array, read: (v, o, le) => v.getFloat32(o, le), write: (v, o, x, le) => v.setFloat32(o, x, le) }],
  [PointFieldType.FLOAT64, { name: 'FLOAT64', size: 8, TypedArray: Float64Array, read: (v, o, le) => v.getFloat64(o, le), write: (v, o, x, le) => v.setFloat64(o, x, le) }],
]);
