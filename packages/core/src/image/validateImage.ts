import type { Image } from '../messages/sensor_msgs.js';
import type { ErrorContext } from '../errors/SensoriumError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { IMAGE_ENCODINGS, bytesPerPixel, type ImageEncodingInfo } from './imageEncodings.js';

/**
 * Checks an Image before anyone indexes into `data`: a known encoding, integer sizes,
 * `step ≥ width × bytes per pixel` and `data.length = step × height`. Returns the encoding's layout.
 * Throws ValidationError naming the field and what was expected (plus the caller's topic/file).
 */
export function validateImage(image: Image, context: ErrorContext = {}): ImageEncodingInfo {
  const fail = (message: string, field: string, expected: string, actual: string | number): never => {
    throw new ValidationError(`invalid Image: ${message}`, { context: { ...context, field, expected, actual: String(actual) } });
  };
  const encoding = IMAGE_ENCODINGS.get(image.encoding);
  if (encoding === undefined) {
    return fail(`unknown encoding "${image.encoding}"`, 'encoding', [...IMAGE_ENCODINGS.keys()].join(' | '), image.encoding);
  }
  for (const [name, value] of [['width', image.width], ['height', image.height], ['step', image.step]] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) fail(`${name} is not a uint32`, name, 'an integer ≥ 0', value);
  }
  if (image.is_bigendian !== 0 && image.is_bigendian !== 1) fail('is_bigendian is not 0 or 1', 'is_bigendian', '0 | 1', image.is_bigendian);
  const rowBytes = image.width * bytesPerPixel(encoding);
  if (image.step < rowBytes) fail(`step is shorter than a row of ${image.encoding} pixels`, 'step', `≥ width × ${bytesPerPixel(encoding)} = ${rowBytes}`, image.step);
  if (!(image.data instanceof Uint8Array)) fail('data is not a byte array', 'data', 'Uint8Array', typeof image.data);
  if (image.data.length !== image.step * image.height) {
    fail('data length does not match step × height', 'data', `${image.step * image.height} bytes`, `${image.data.length} bytes`);
  }
  return encoding;
}
