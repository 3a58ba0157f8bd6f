import { describe, expect, it } from 'vitest';
import { ValidationError, convertImageInto, imageView, validateImage, type Image } from '../src/index.js';

const header = { stamp: { sec: 0, nanosec: 0 }, frame_id: 'cam' };

/** Builds an image from per-pixel channel values, with `pad` bytes of row padding filled with 0xEE. */
function makeImage(
  encoding: string,
  width: number,
  height: number,
  bpp: number,
  pixel: (x: number, y: number, bytes: DataView, offset: number, little: boolean) => void,
  options: { pad?: number; bigEndian?: boolean } = {},
): Image {
  const pad = options.pad ?? 0;
  const step = width * bpp + pad;
  const data = new Uint8Array(step * height).fill(0xee);
  const view = new DataView(data.buffer);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixel(x, y, view, y * step + x * bpp, options.bigEndian !== true);
  return { header, height, width, encoding, is_bigendian: options.bigEndian === true ? 1 : 0, step, data };
}

const rgbAt = (x: number, y: number): [number, number, number] => [(x * 37 + y) & 255, (y * 53 + 7) & 255, (x * y * 11 + 3) & 255];

/** Reference luma: OpenCV's cvtColor RGB2GRAY fixed-point formula, written independently with floats. */
const lumaRef = (r: number, g: number, b: number): number => Math.floor((r * 0.299 * 16384 + g * 0.587 * 16384 + b * 0.114 * 16384 + 8192) / 16384);

describe('validateImage', () => {
  it('accepts every supported encoding and returns its layout', () => {
    for (const [encoding, bpp] of [['rgb8', 3], ['bgr8', 3], ['rgba8', 4], ['bgra8', 4], ['mono8', 1], ['mono16', 2], ['16UC1', 2], ['32FC1', 4]] as const) {
      const image = makeImage(encoding, 3, 2, bpp, () => undefined, { pad: 5 });
      expect(validateImage(image).channels * validateImage(image).bytesPerChannel).toBe(bpp);
    }
  });

  it('rejects step < width × bpp, an unknown encoding and a data-length mismatch, naming topic, field and expected', () => {
    const good = makeImage('rgb8', 4, 2, 3, () => undefined);
    const cases: [Image, string, string][] = [
      [{ ...good, step: 11 }, 'step', '≥ width × 3 = 12'],
      [{ ...good, encoding: 'yuv422_weird' }, 'encoding', 'rgb8 | bgr8 | rgba8 | bgra8 | mono8 | mono16 | 16UC1 | 32FC1'],
      [{ ...good, data: good.data.subarray(1) }, 'data', '24 bytes'],
      [{ ...good, is_bigendian: 7 }, 'is_bigendian', '0 | 1'],
      [{ ...good, width: -1 }, 'width', 'an integer ≥ 0'],
    ];
    for (const [image, field, expected] of cases) {
      let caught: unknown;
      try {
        validateImage(image, { topic: '/camera/image_raw' });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).context).toMatchObject({ topic: '/camera/image_raw', field, expected });
    }
  });
});

describe('imageView', () => {
  it('reads rgb8 with step padding without copying', () => {
    const image = makeImage('rgb8', 5, 3, 3, (x, y, v, o) => rgbAt(x, y).forEach((c, i) => v.setUint8(o + i, c)), { pad: 3 });
    const view = imageView(image);
    expect(view.pixels?.buffer).toBe(image.data.buffer);
    expect(view.rowStride).toBe(18);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 5; x++) for (let c = 0; c < 3; c++) {
      expect(view.get(x, y, c)).toBe(rgbAt(x, y)[c]);
      expect(view.pixels?.[y * view.rowStride + x * 3 + c]).toBe(rgbAt(x, y)[c]);
    }
    expect(() => view.get(5, 0)).toThrow(RangeError);
  });

  it('gives a host-endian Uint16Array for aligned little-endian 16UC1 and reads big-endian through get', () => {
    const value = (x: number, y: number): number => (x * 1000 + y * 7 + 1) & 0xffff;
    const little = makeImage('16UC1', 4, 3, 2, (x, y, v, o, le) => v.setUint16(o, value(x, y), le), { pad: 2 });
    const lv = imageView(little);
    expect(lv.pixels).toBeInstanceOf(Uint16Array);
    expect(lv.rowStride).toBe(5);
    const big = makeImage('mono16', 4, 3, 2, (x, y, v, o, le) => v.setUint16(o, value(x, y), le), { pad: 2, bigEndian: true });
    const bv = imageView(big);
    expect(bv.pixels).toBeUndefined();
    for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) {
      expect(lv.get(x, y)).toBe(value(x, y));
      expect(lv.pixels?.[y * lv.rowStride + x]).toBe(value(x, y));
      expect(bv.get(x, y)).toBe(value(x, y));
    }
  });

  it('reads 32FC1 including NaN, at an unaligned offset', () => {
    const aligned = makeImage('32FC1', 3, 2, 4, (x, y, v, o, le) => v.setFloat32(o, x === 1 && y === 1 ? NaN : x + y / 4, le));
    const shifted = new Uint8Array(aligned.data.length + 1);
    shifted.set(aligned.data, 1);
    const image = { ...aligned, data: shifted.subarray(1) };
    const view = imageView(image);
    expect(view.pixels).toBeUndefined();
    expect(view.get(2, 1)).toBe(2.25);
    expect(view.get(1, 1)).toBeNaN();
    expect(imageView(aligned).pixels).toBeInstanceOf(Float32Array);
  });
});

describe('convertImageInto', () => {
  const W = 7;
  const H = 4;
  const rgb = makeImage('rgb8', W, H, 3, (x, y, v, o) => rgbAt(x, y).forEach((c, i) => v.setUint8(o + i, c)), { pad: 1 });
  const bgra = makeImage('bgra8', W, H, 4, (x, y, v, o) => {
    const [r, g, b] = rgbAt(x, y);
    v.setUint8(o, b);
    v.setUint8(o + 1, g);
    v.setUint8(o + 2, r);
    v.setUint8(o + 3, 128);
  });

  it('permutes colour channels and adds opaque alpha', () => {
    const out = new Uint8Array(W * H * 4);
    expect(convertImageInto(rgb, out, { encoding: 'bgra8' })).toBe(W * H * 4);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const [r, g, b] = rgbAt(x, y);
      expect([...out.subarray((y * W + x) * 4, (y * W + x) * 4 + 4)]).toEqual([b, g, r, 255]);
    }
    const back = new Uint8Array(W * H * 4);
    convertImageInto(bgra, back, { encoding: 'rgba8' });
    expect([...back.subarray(0, 4)]).toEqual([...rgbAt(0, 0), 128]);
  });

  it('colour → mono8 / mono16 / 32FC1 uses OpenCV luma', () => {
    const mono8 = new Uint8Array(W * H);
    const mono16 = new Uint16Array(W * H);
    const float = new Float32Array(W * H);
    convertImageInto(bgra, mono8, { encoding: 'mono8' });
    convertImageInto(rgb, mono16, { encoding: 'mono16' });
    convertImageInto(rgb, float, { encoding: '32FC1' });
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const l = lumaRef(...rgbAt(x, y));
      expect(mono8[y * W + x]).toBe(l);
      expect(mono16[y * W + x]).toBe(l * 257);
      expect(float[y * W + x]).toBe(l);
    }
    // Known values (cv2.cvtColor(np.uint8([[[255,0,0],[0,255,0],[0,0,255]]]), cv2.COLOR_RGB2GRAY) → 76, 150, 29).
    const primaries = makeImage('rgb8', 3, 1, 3, (x, _y, v, o) => [0, 1, 2].forEach((c) => v.setUint8(o + c, c === x ? 255 : 0)));
    const grey = new Uint8Array(3);
    convertImageInto(primaries, grey, { encoding: 'mono8' });
    expect([...grey]).toEqual([76, 150, 29]);
  });

  it('depth: 16UC1 (either endianness, padded) ↔ 32FC1, and float saturates (NaN → 0)', () => {
    const depth = (x: number, y: number): number => x * 9000 + y * 3;
    const big = makeImage('16UC1', W, H, 2, (x, y, v, o, le) => v.setUint16(o, depth(x, y), le), { pad: 6, bigEndian: true });
    const metres = new Float32Array(W * H);
    convertImageInto(big, metres, { encoding: '32FC1' });
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) expect(metres[y * W + x]).toBe(depth(x, y));
    const floats = [-3, 0.4, 0.6, 70000, NaN, 1234.5];
    const f = makeImage('32FC1', floats.length, 1, 4, (x, _y, v, o, le) => v.setFloat32(o, floats[x] ?? 0, le));
    const u16 = new Uint16Array(floats.length);
    convertImageInto(f, u16, { encoding: '16UC1' });
    expect([...u16]).toEqual([0, 0, 1, 65535, 0, 1235]);
    const u8 = new Uint8Array(floats.length);
    convertImageInto(f, u8, { encoding: 'mono8' });
    expect([...u8]).toEqual([0, 0, 1, 255, 0, 255]);
  });

  it('mono8 → colour replicates, → mono16 scales by 257; mono16 → mono8 keeps the high byte', () => {
    const m = makeImage('mono8', 3, 1, 1, (x, _y, v, o) => v.setUint8(o, [0, 128, 255][x] ?? 0), { pad: 2 });
    const rgbOut = new Uint8Array(9);
    convertImageInto(m, rgbOut, { encoding: 'rgb8' });
    expect([...rgbOut]).toEqual([0, 0, 0, 128, 128, 128, 255, 255, 255]);
    const m16 = new Uint16Array(3);
    convertImageInto(m, m16, { encoding: 'mono16' });
    expect([...m16]).toEqual([0, 32896, 65535]);
    const back = new Uint8Array(3);
    convertImageInto({ ...m, encoding: 'mono16', width: 3, step: 6, data: new Uint8Array(new Uint16Array(m16).buffer) }, back, { encoding: 'mono8' });
    expect([...back]).toEqual([0, 128, 255]);
  });

  it('rejects a wrong or short output buffer and an unknown target, writing nothing', () => {
    const out = new Uint8Array(W * H * 3 - 1);
    expect(() => convertImageInto(rgb, out, { encoding: 'rgb8', context: { topic: '/cam' } })).toThrow(ValidationError);
    expect(out.every((v) => v === 0)).toBe(true);
    expect(() => convertImageInto(rgb, new Float32Array(W * H * 3), { encoding: 'rgb8' })).toThrow(/Uint8Array/);
    expect(() => convertImageInto(rgb, new Uint8Array(W * H), { encoding: 'hsv8' as never })).toThrow(ValidationError);
  });
});
