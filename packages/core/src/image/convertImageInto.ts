import type { Image } from '../messages/sensor_msgs.js';
import type { ErrorContext } from '../errors/SensoriumError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { IMAGE_ENCODINGS, type ImageEncoding } from './imageEncodings.js';
import type { ImagePixelArray } from './ImageView.js';
import { validateImage } from './validateImage.js';

export interface ConvertImageOptions {
  /** Target encoding. `out` is packed (no row padding), host-endian: Uint8Array for 8-bit targets, Uint16Array for mono16/16UC1, Float32Array for 32FC1. */
  encoding: ImageEncoding;
  /** Names the source in errors. */
  context?: ErrorContext;
}

// Scratch for reading a float32 from bytes of any alignment and byte order without allocating.
const f32 = new Float32Array(1);
const f32Bytes = new Uint8Array(f32.buffer);
const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Converts `image` into `out`, a caller-held buffer reused across messages (nothing is allocated).
 * Returns the number of elements written (width × height × target channels).
 *
 * Conversions follow cv_bridge / OpenCV: colour → grey is ITU-R 601 luma in OpenCV's 14-bit fixed point
 * (`(4899 R + 9617 G + 1868 B + 8192) >> 14`); grey → colour replicates; 8 → 16 bit multiplies by 257
 * (255 → 65535); 16 → 8 bit keeps the high byte; float → integer rounds and saturates (NaN → 0);
 * integer → 32FC1 keeps the value (a 16UC1 depth in mm stays in mm). Missing alpha becomes 255.
 */
export function convertImageInto(image: Image, out: ImagePixelArray, options: ConvertImageOptions): number {
  const context = options.context ?? {};
  const src = validateImage(image, context);
  const dst = IMAGE_ENCODINGS.get(options.encoding);
  if (dst === undefined) {
    throw new ValidationError(`unknown target encoding "${options.encoding}"`, {
      context: { ...context, field: 'encoding', expected: [...IMAGE_ENCODINGS.keys()].join(' | '), actual: options.encoding },
    });
  }
  const expectedArray = dst.kind === 'uint8' ? 'Uint8Array' : dst.kind === 'uint16' ? 'Uint16Array' : 'Float32Array';
  const { width, height, step, data } = image;
  const count = width * height * dst.channels;
  if (out.constructor.name !== expectedArray || out.length < count) {
    throw new ValidationError(`output buffer cannot hold a ${width}×${height} ${dst.encoding} image`, {
      context: { ...context, field: 'out', expected: `${expectedArray} of ≥ ${count} elements`, actual: `${out.constructor.name} of ${out.length}` },
    });
  }
  const little = image.is_bigendian === 0;
  const sChannels = src.channels;
  const sSize = src.bytesPerChannel;
  const sRgba = src.rgba;
  const dRgba = dst.rgba;
  const dChannels = dst.channels;
  const toColor = dRgba !== undefined;
  // Integer targets clamp/round on store; a Uint8Array would wrap, so every store goes through sat().
  const max = dst.kind === 'uint8' ? 255 : dst.kind === 'uint16' ? 65535 : Infinity;
  let o = 0;
  for (let y = 0; y < height; y++) {
    let i = y * step;
    for (let x = 0; x < width; x++, i += sChannels * sSize) {
      if (sRgba !== undefined) {
        const r = data[i + sRgba[0]] ?? 0;
        const g = data[i + sRgba[1]] ?? 0;
        const b = data[i + sRgba[2]] ?? 0;
        if (toColor) {
          out[o + dRgba[0]] = r;
          out[o + dRgba[1]] = g;
          out[o + dRgba[2]] = b;
          if (dRgba[3] >= 0) out[o + dRgba[3]] = sRgba[3] >= 0 ? (data[i + sRgba[3]] ?? 0) : 255;
        } else {
          const luma = (4899 * r + 9617 * g + 1868 * b + 8192) >> 14;
          out[o] = dst.kind === 'uint16' ? luma * 257 : luma;
        }
      } else {
        // Single channel: its value in source units, then scaled to the target's units.
        let v: number;
        let v8: number;
        if (sSize === 1) {
          v = data[i] ?? 0;
          v8 = v;
        } else if (sSize === 2) {
          const a = data[i] ?? 0;
          const b = data[i + 1] ?? 0;
          v = little ? a | (b << 8) : (a << 8) | b;
          v8 = v >> 8;
        } else {
          for (let k = 0; k < 4; k++) f32Bytes[hostLittleEndian === little ? k : 3 - k] = data[i + k] ?? 0;
          v = f32[0] ?? 0;
          v8 = sat(v, 255);
        }
        if (toColor) {
          out[o + dRgba[0]] = v8;
          out[o + dRgba[1]] = v8;
          out[o + dRgba[2]] = v8;
          if (dRgba[3] >= 0) out[o + dRgba[3]] = 255;
        } else if (dst.kind === 'uint8') {
          out[o] = v8;
        } else if (dst.kind === 'uint16') {
          out[o] = sSize === 1 ? v * 257 : sat(v, max);
        } else {
          out[o] = v;
        }
      }
      o += dChannels;
    }
  }
  return count;
}

function sat(v: number, max: number): number {
  if (!(v > 0)) return 0; // also NaN
  return v >= max ? max : Math.round(v);
}
