import { PointFieldType, ValidationError, type PointCloud2, type PointField } from '@sensorium/core';

const SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 8: 8 };

/**
 * Copies x, y, z of every point of a PointCloud2 (any field layout, datatype, endianness, row padding)
 * into `out` (grown if too small) as packed float32 triples. NaN points are kept (later stages drop
 * them). Throws ValidationError when x/y/z are missing or the layout overruns the data.
 */
export function extractXyz(cloud: PointCloud2, out: Float32Array = new Float32Array(0)): { xyz: Float32Array; count: number } {
  const fx = field(cloud, 'x');
  const fy = field(cloud, 'y');
  const fz = field(cloud, 'z');
  const count = cloud.width * cloud.height;
  if (count === 0) return { xyz: out, count: 0 };
  const { point_step: step, row_step: rowStep, data } = cloud;
  for (const f of [fx, fy, fz]) {
    if (f.offset + (SIZE[f.datatype] ?? 0) > step) {
      throw new ValidationError('point field overruns point_step', { context: { field: `fields.${f.name}.offset`, expected: `≤ ${step}`, actual: String(f.offset) } });
    }
  }
  if (rowStep < cloud.width * step || (cloud.height - 1) * rowStep + cloud.width * step > data.byteLength) {
    throw new ValidationError('PointCloud2 data shorter than height × row_step', {
      context: { field: 'data', expected: `${cloud.height} × ${rowStep} bytes`, actual: `${data.byteLength} bytes` },
    });
  }
  const xyz = out.length >= count * 3 ? out : new Float32Array(count * 3);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const le = !cloud.is_bigendian;
  const allF32 = fx.datatype === PointFieldType.FLOAT32 && fy.datatype === PointFieldType.FLOAT32 && fz.datatype === PointFieldType.FLOAT32;
  let k = 0;
  for (let r = 0; r < cloud.height; r++) {
    let o = r * rowStep;
    for (let c = 0; c < cloud.width; c++, o += step) {
      if (allF32) {
        xyz[k++] = view.getFloat32(o + fx.offset, le);
        xyz[k++] = view.getFloat32(o + fy.offset, le);
        xyz[k++] = view.getFloat32(o + fz.offset, le);
      } else {
        xyz[k++] = read(view, o + fx.offset, fx.datatype, le);
        xyz[k++] = read(view, o + fy.offset, fy.datatype, le);
        xyz[k++] = read(view, o + fz.offset, fz.datatype, le);
      }
    }
  }
  return { xyz, count };
}

function field(cloud: PointCloud2, name: string): PointField {
  const f = cloud.fields.find((x) => x.name === name);
  if (f === undefined) {
    throw new ValidationError(`PointCloud2 has no '${name}' field`, {
      context: { field: 'fields', expected: 'x, y, z', actual: cloud.fields.map((x) => x.name).join(', ') || '(none)' },
    });
  }
  if (SIZE[f.datatype] === undefined) {
    throw new ValidationError('unknown PointField datatype', { context: { field: `fields.${name}.datatype`, expected: '1..8', actual: String(f.datatype) } });
  }
  return f;
}

function read(view: DataView, o: number, type: number, le: boolean): number {
  switch (type) {
    case 1: return view.getInt8(o);
    case 2: return view.getUint8(o);
    case 3: return view.getInt16(o, le);
    case 4: return view.getUint16(o, le);
    case 5: return view.getInt32(o, le);
    case 6: return view.getUint32(o, le);
    case 7: return view.getFloat32(o, le);
    default: return view.getFloat64(o, le);
  }
}
