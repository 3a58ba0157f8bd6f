/** How the pixels of one `sensor_msgs/Image` encoding are laid out. */
export interface ImageEncodingInfo {
  readonly encoding: ImageEncoding;
  /** Channels per pixel. */
  readonly channels: number;
  /** Bytes per channel value. */
  readonly bytesPerChannel: 1 | 2 | 4;
  /** Element type of the channel values. */
  readonly kind: 'uint8' | 'uint16' | 'float32';
  /**
   * For colour encodings, where red, green, blue and alpha sit inside a pixel (−1: no alpha);
   * undefined for single-channel encodings.
   */
  readonly rgba: readonly [number, number, number, number] | undefined;
}

/** The encodings Sensorium reads and converts between (names as in ROS `sensor_msgs/image_encodings.hpp`). */
export type ImageEncoding = 'rgb8' | 'bgr8' | 'rgba8' | 'bgra8' | 'mono8' | 'mono16' | '16UC1' | '32FC1';

const info = (
  encoding: ImageEncoding,
  channels: number,
  bytesPerChannel: 1 | 2 | 4,
  kind: ImageEncodingInfo['kind'],
  rgba?: readonly [number, number, number, number],
): ImageEncodingInfo => Object.freeze({ encoding, channels, bytesPerChannel, kind, rgba });

export const IMAGE_ENCODINGS: ReadonlyMap<string, ImageEncodingInfo> = new Map<string, ImageEncodingInfo>([
  ['rgb8', info('rgb8', 3, 1, 'uint8', [0, 1, 2, -1])],
  ['bgr8', info('bgr8', 3, 1, 'uint8', [2, 1, 0, -1])],
  ['rgba8', info('rgba8', 4, 1, 'uint8', [0, 1, 2, 3])],
  ['bgra8', info('bgra8', 4, 1, 'uint8', [2, 1, 0, 3])],
  ['mono8', info('mono8', 1, 1, 'uint8')],
  ['mono16', info('mono16', 1, 2, 'uint16')],
  ['16UC1', info('16UC1', 1, 2, 'uint16')],
  ['32FC1', info('32FC1', 1, 4, 'float32')],
]);

/** Bytes per pixel of an encoding. */
export function bytesPerPixel(encoding: ImageEncodingInfo): number {
  return encoding.channels * encoding.bytesPerChannel;
}
