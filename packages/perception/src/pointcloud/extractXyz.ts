import { readPointCloud2, type ErrorContext, type PointCloud2 } from '@sensorium/core';

/**
 * Copies x, y, z of every point of a PointCloud2 (any field layout, datatype, endianness, row padding)
 * into `out` (grown if too small) as packed float32 triples, reading through @sensorium/core's zero-copy
 * field views (validated once: ValidationError when x/y/z are missing or the layout overruns the data).
 * NaN points are kept; later stages drop them.
 */
export function extractXyz(cloud: PointCloud2, out: Float32Array = new Float32Array(0), context: ErrorContext = {}): { xyz: Float32Array; count: number } {
  const reader = readPointCloud2(cloud, context);
  const fx = reader.field('x');
  const fy = reader.field('y');
  const fz = reader.field('z');
  const count = cloud.width * cloud.height;
  if (count === 0) return { xyz: out, count: 0 };
  const xyz = out.length >= count * 3 ? out : new Float32Array(count * 3);
  const w = cloud.width;
  if (fx.kind === 'strided' && fy.kind === 'strided' && fz.kind === 'strided') {
    // the common case (little-endian, aligned): strided typed-array reads, no DataView calls
    const ax = fx.array, ay = fy.array, az = fz.array;
    let k = 0;
    for (let r = 0; r < cloud.height; r++) {
      let ox = fx.offset + r * fx.rowStride, oy = fy.offset + r * fy.rowStride, oz = fz.offset + r * fz.rowStride;
      for (let c = 0; c < w; c++, ox += fx.stride, oy += fy.stride, oz += fz.stride) {
        xyz[k++] = ax[ox]!;
        xyz[k++] = ay[oy]!;
        xyz[k++] = az[oz]!;
      }
    }
  } else {
    for (let i = 0, k = 0; i < count; i++) {
      xyz[k++] = fx.get(i);
      xyz[k++] = fy.get(i);
      xyz[k++] = fz.get(i);
    }
  }
  return { xyz, count };
}
