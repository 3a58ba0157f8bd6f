import { DecodeError } from '@sensorium/core';

/**
 * Decodes a RIFF/WAVE file (PCM 8/16/24/32-bit or float32, any rate) into mono float samples in [-1, 1]
 * for a sound source. Throws DecodeError naming the file, field and offset.
 */
export function decodeWav(bytes: Uint8Array, file: string): { samples: Float32Array; sampleRate: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fourcc = (at: number) => String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
  if (bytes.length < 12 || fourcc(0) !== 'RIFF' || fourcc(8) !== 'WAVE') {
    throw new DecodeError('not a RIFF/WAVE file', { context: { file, offset: 0, expected: 'RIFF....WAVE' } });
  }
  let format = 0;
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = fourcc(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw new DecodeError('truncated fmt chunk', { context: { file, field: 'fmt', offset } });
      format = view.getUint16(body, true);
      channels = view.getUint16(body + 2, true);
      sampleRate = view.getUint32(body + 4, true);
      bits = view.getUint16(body + 14, true);
      if (format === 0xfffe && size >= 26) format = view.getUint16(body + 24, true);
    } else if (id === 'data') {
      if (channels === 0) throw new DecodeError('data chunk before fmt chunk', { context: { file, field: 'data', offset } });
      const end = Math.min(bytes.length, body + size);
      const bytesPerSample = bits / 8;
      const frames = Math.floor((end - body) / (bytesPerSample * channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let ch = 0; ch < channels; ch++) {
          const at = body + (i * channels + ch) * bytesPerSample;
          sum += readSample(view, at, format, bits, file);
        }
        samples[i] = sum / channels;
      }
      return { samples, sampleRate };
    }
    offset = body + size + (size & 1);
  }
  throw new DecodeError('no data chunk', { context: { file, field: 'data', offset } });
}

function readSample(view: DataView, at: number, format: number, bits: number, file: string): number {
  if (format === 3 && bits === 32) return view.getFloat32(at, true);
  if (format !== 1) throw new DecodeError('unsupported WAV format', { context: { file, field: 'fmt.audio_format', expected: 'PCM (1) or IEEE float (3)', actual: String(format) } });
  switch (bits) {
    case 8:
      return (view.getUint8(at) - 128) / 128;
    case 16:
      return view.getInt16(at, true) / 32768;
    case 24: {
      const v = view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16);
      return v / 8388608;
    }
    case 32:
      return view.getInt32(at, true) / 2147483648;
    default:
      throw new DecodeError('unsupported WAV sample size', { context: { file, field: 'fmt.bits_per_sample', expected: '8 | 16 | 24 | 32', actual: String(bits) } });
  }
}
