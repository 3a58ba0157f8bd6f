import { ValidationError, type Image } from '@sensorium/core';

export interface PatchLayout {
  /** Square model input side, pixels (multiple of `patchSize`). */
  imageSize: number;
  patchSize: number;
  /** Per-channel (RGB) normalisation applied after scaling to [0, 1]. */
  mean?: readonly [number, number, number];
  std?: readonly [number, number, number];
}

/** ImageNet statistics, the usual ViT normalisation. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** Encodings read directly (sensor_msgs/image_encodings names). */
export const SUPPORTED_ENCODINGS = ['rgb8', 'bgr8', 'rgba8', 'bgra8', 'mono8', '8UC1', '8UC3', 'mono16', '16UC1'] as const;

interface Decoder {
  channels: number;
  bytes: number;
  /** byte offsets of R, G, B within a pixel (mono: all 0) */
  r: number;
  g: number;
  b: number;
}

const DECODERS: Record<string, Decoder> = {
  rgb8: { channels: 3, bytes: 1, r: 0, g: 1, b: 2 },
  bgr8: { channels: 3, bytes: 1, r: 2, g: 1, b: 0 },
  '8UC3': { channels: 3, bytes: 1, r: 2, g: 1, b: 0 },
  rgba8: { channels: 4, bytes: 1, r: 0, g: 1, b: 2 },
  bgra8: { channels: 4, bytes: 1, r: 2, g: 1, b: 0 },
  mono8: { channels: 1, bytes: 1, r: 0, g: 0, b: 0 },
  '8UC1': { channels: 1, bytes: 1, r: 0, g: 0, b: 0 },
  mono16: { channels: 1, bytes: 2, r: 0, g: 0, b: 0 },
  '16UC1': { channels: 1, bytes: 2, r: 0, g: 0, b: 0 },
};

/**
 * Image (any supported encoding, any size, row padding) → bilinear resize (half-pixel centres, as
 * OpenCV/tf.image with align_corners=false) → RGB in [0, 1] → (x − mean) / std, written straight into ViT
 * patch order: `out[p · P·P·3 + (py · P + px) · 3 + c]` for patch p (row-major over the grid). That is
 * the layout a stride-P convolution's kernel flattens to, so patch embedding is one plain 2-D matMul.
 * `out` length ≥ imageSize² · 3. Throws ValidationError on an unusable image.
 */
export function imageToPatches(image: Image, layout: PatchLayout, out: Float32Array): Float32Array {
  const dec = DECODERS[image.encoding];
  if (dec === undefined) {
    throw new ValidationError('unsupported image encoding', { context: { field: 'encoding', expected: SUPPORTED_ENCODINGS.join(' | '), actual: image.encoding } });
  }
  const { width: w, height: h, step } = image;
  if (!(w > 0 && h > 0)) throw new ValidationError('image has no pixels', { context: { field: 'width×height', expected: '> 0', actual: `${w}×${h}` } });
  const bpp = dec.channels * dec.bytes;
  if (step < w * bpp) throw new ValidationError('image step shorter than a row', { context: { field: 'step', expected: `≥ ${w * bpp}`, actual: String(step) } });
  if (image.data.byteLength < step * (h - 1) + w * bpp) {
    throw new ValidationError('image data shorter than height × step', { context: { field: 'data', expected: `${step * h} bytes`, actual: `${image.data.byteLength} bytes` } });
  }
  const S = layout.imageSize;
  const P = layout.patchSize;
  if (S % P !== 0) throw new RangeError(`imageSize ${S} is not a multiple of patchSize ${P}`);
  const grid = S / P;
  const mean = layout.mean ?? IMAGENET_MEAN;
  const std = layout.std ?? IMAGENET_STD;
  const data = image.data;
  const wide = dec.bytes === 2;
  const big = image.is_bigendian !== 0;
  // 8-bit → [0,1]; 16-bit → [0,1] over the full range
  const unit = wide ? 1 / 65535 : 1 / 255;
  const sr = unit / std[0], sg = unit / std[1], sb = unit / std[2];
  const or = mean[0] / std[0], og = mean[1] / std[1], ob = mean[2] / std[2];
  const fx = w / S;
  const fy = h / S;
  const sample = (o: number): number => (wide ? (big ? (data[o]! << 8) | data[o + 1]! : data[o]! | (data[o + 1]! << 8)) : data[o]!);
  for (let y = 0; y < S; y++) {
    const syf = Math.min(Math.max((y + 0.5) * fy - 0.5, 0), h - 1);
    const y0 = Math.floor(syf);
    const y1 = Math.min(y0 + 1, h - 1);
    const wy = syf - y0;
    const row0 = y0 * step;
    const row1 = y1 * step;
    const patchRow = Math.floor(y / P) * grid;
    const inY = (y % P) * P;
    for (let x = 0; x < S; x++) {
      const sxf = Math.min(Math.max((x + 0.5) * fx - 0.5, 0), w - 1);
      const x0 = Math.floor(sxf);
      const x1 = Math.min(x0 + 1, w - 1);
      const wx = sxf - x0;
      const a = row0 + x0 * bpp, b = row0 + x1 * bpp, c = row1 + x0 * bpp, d = row1 + x1 * bpp;
      const w00 = (1 - wx) * (1 - wy), w01 = wx * (1 - wy), w10 = (1 - wx) * wy, w11 = wx * wy;
      const o = ((patchRow + Math.floor(x / P)) * P * P + inY + (x % P)) * 3;
      const rr = dec.r * dec.bytes, gg = dec.g * dec.bytes, bb = dec.b * dec.bytes;
      out[o] = (sample(a + rr) * w00 + sample(b + rr) * w01 + sample(c + rr) * w10 + sample(d + rr) * w11) * sr - or;
      out[o + 1] = (sample(a + gg) * w00 + sample(b + gg) * w01 + sample(c + gg) * w10 + sample(d + gg) * w11) * sg - og;
      out[o + 2] = (sample(a + bb) * w00 + sample(b + bb) * w01 + sample(c + bb) * w10 + sample(d + bb) * w11) * sb - ob;
    }
  }
  return out;
}
