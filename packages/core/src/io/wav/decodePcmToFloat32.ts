import { DecodeError } from '../../errors/DecodeError.js';

const BYTES_PER_SAMPLE: Record<string, number> = { U8: 1, S16LE: 2, S24LE: 3, S32LE: 4, F32LE: 4 };

/** Bytes per sample of an AudioInfo.sample_format, or undefined when not supported. */
export function bytesPerSample(sampleFormat: string): number | undefined {
  return BYTES_PER_SAMPLE[sampleFormat];
}

/**
 * Decodes interleaved little-endian PCM (`U8`, `S16LE`, `S24LE`, `S32LE`, `F32LE` — AudioInfo
 * sample_format names) into normalised floats in [-1, 1), interleaved, written into `out` (reused
 * between calls; nothing is allocated). Decodes the whole frames that fit in both `bytes` and `out`
 * and returns the number of frames written. `bytes` may be any view (e.g. AudioData.data aliasing a
 * CDR buffer); alignment does not matter.
 *
 * @example
 * const pcm = new Float32Array(1600 * 4);
 * const frames = decodePcmToFloat32(msg.audio.data, info.sample_format, info.channels, pcm);
 */
export function decodePcmToFloat32(bytes: Uint8Array, sampleFormat: string, channels: number, out: Float32Array): number {
  const size = BYTES_PER_SAMPLE[sampleFormat];
  if (size === undefined) {
    throw new DecodeError(`unsupported sample format "${sampleFormat}"`, {
      context: { field: 'sample_format', expected: 'U8, S16LE, S24LE, S32LE or F32LE', actual: sampleFormat },
    });
  }
  if (!Number.isInteger(channels) || channels < 1) {
    throw new DecodeError(`bad channel count ${channels}`, { context: { field: 'channels', expected: 'an integer ≥ 1', actual: String(channels) } });
  }
  const frames = Math.min(Math.floor(bytes.length / (size * channels)), Math.floor(out.length / channels));
  const n = frames * channels;
  const b = bytes;
  switch (sampleFormat) {
    case 'U8':
      for (let i = 0; i < n; i++) out[i] = ((b[i] as number) - 128) / 128;
      break;
    case 'S16LE':
      for (let i = 0, j = 0; i < n; i++, j += 2) out[i] = ((((b[j] as number) | ((b[j + 1] as number) << 8)) << 16) >> 16) / 32768;
      break;
    case 'S24LE':
      for (let i = 0, j = 0; i < n; i++, j += 3) {
        out[i] = ((((b[j] as number) | ((b[j + 1] as number) << 8) | ((b[j + 2] as number) << 16)) << 8) >> 8) / 8388608;
      }
      break;
    case 'S32LE':
      for (let i = 0, j = 0; i < n; i++, j += 4) {
        out[i] = ((b[j] as number) | ((b[j + 1] as number) << 8) | ((b[j + 2] as number) << 16) | ((b[j + 3] as number) << 24)) / 2147483648;
      }
      break;
    case 'F32LE': {
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      for (let i = 0, j = 0; i < n; i++, j += 4) out[i] = view.getFloat32(j, true);
      break;
    }
  }
  return frames;
}
