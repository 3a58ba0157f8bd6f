import type { Image } from '../messages/sensor_msgs.js';
import type { ErrorContext } from '../errors/SensoriumError.js';
import type { ImageEncodingInfo } from './imageEncodings.js';
import { validateImage } from './validateImage.js';

/** Typed array matching an encoding's channel type. */
export type ImagePixelArray = Uint8Array | Uint16Array | Float32Array;

/**
 * A zero-copy view of an Image's pixels. `get` works for every layout (padding, either byte order,
 * any alignment); `pixels` is a typed array over the same bytes when the layout allows one (8-bit
 * encodings always; 16/32-bit ones when host-endian and element-aligned), indexed
 * `y * rowStride + x * channels + c`.
 */
export interface ImageView {
  readonly encoding: ImageEncodingInfo;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  /** Typed-array view of the whole data (rows include their padding), or undefined (see `get`). */
  readonly pixels: ImagePixelArray | undefined;
  /** Elements from one row to the next in `pixels` (`step / bytesPerChannel`). */
  readonly rowStride: number;
  /** Channel `c` of pixel (x, y), in the encoding's own units (0..255, 0..65535, or float). */
  get(x: number, y: number, c?: number): number;
}

const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Validates `image` (see validateImage) and returns a view of its pixels without copying them.
 *
 * ```ts
 * const view = imageView(depth, { topic: '/camera/depth' });  // 16UC1
 * const mm = view.get(320, 240);
 * ```
 */
export function imageView(image: Image, context: ErrorContext = {}): ImageView {
  const encoding = validateImage(image, context);
  const { data, step, width, height } = image;
  const size = encoding.bytesPerChannel;
  const littleEndian = image.is_bigendian === 0;
  const bytes = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const aligned = (data.byteOffset % size === 0 && step % size === 0) || size === 1;
  let pixels: ImagePixelArray | undefined;
  if (size === 1) pixels = data;
  else if (aligned && littleEndian === hostLittleEndian) {
    pixels = encoding.kind === 'uint16'
      ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
      : new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
  }
  const channels = encoding.channels;
  const pixelBytes = channels * size;
  const read =
    encoding.kind === 'uint8'
      ? (offset: number): number => bytes.getUint8(offset)
      : encoding.kind === 'uint16'
        ? (offset: number): number => bytes.getUint16(offset, littleEndian)
        : (offset: number): number => bytes.getFloat32(offset, littleEndian);
  return {
    encoding,
    width,
    height,
    channels,
    pixels,
    rowStride: step / size,
    get(x: number, y: number, c = 0): number {
      if (!(x >= 0 && x < width && y >= 0 && y < height && c >= 0 && c < channels)) {
        throw new RangeError(`pixel (${x}, ${y}, ${c}) outside ${width}×${height}×${channels}`);
      }
      return read(y * step + x * pixelBytes + c * size);
    },
  };
}
