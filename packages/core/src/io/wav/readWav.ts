import { DecodeError } from '../../errors/DecodeError.js';
import type { ErrorContext } from '../../errors/SensoriumError.js';
import type { AudioInfo } from '../../messages/audio_common_msgs.js';

/** Sample formats as AudioInfo.sample_format names them (little-endian, interleaved). */
export type WavSampleFormat = 'U8' | 'S16LE' | 'S24LE' | 'S32LE' | 'F32LE';

export interface WavFormat {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  encoding: 'pcm' | 'float';
  /** Bytes per frame (one sample of every channel). */
  blockAlign: number;
  sampleFormat: WavSampleFormat;
}

/** Typed view of the samples: U8 → Uint8Array, S16LE → Int16Array, S24LE → raw bytes, S32LE → Int32Array, F32LE → Float32Array. */
export type WavSamples = Uint8Array | Int16Array | Int32Array | Float32Array;

export interface WavFile {
  info: AudioInfo;
  format: WavFormat;
  /** Offset of the first sample in the file bytes. */
  dataOffset: number;
  /** The sample bytes (whole frames only): a view into the file bytes. */
  data: Uint8Array;
  frameCount: number;
  durationSec: number;
  /**
   * Interleaved samples in the file's own format. A zero-copy view when the data is aligned for the
   * typed array (always for files read into their own buffer); otherwise an aligned copy.
   */
  samples(): WavSamples;
}

export interface ReadWavOptions {
  /** File name for error messages. */
  file?: string;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
// Bytes 2..15 of the KSDATAFORMAT_SUBTYPE_* GUIDs (the first two bytes hold the format tag).
const SUBFORMAT_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const latin1 = new TextDecoder('latin1');

/**
 * Reads a RIFF/WAVE file: PCM 8/16/24/32-bit, IEEE float32, plain or WAVE_FORMAT_EXTENSIBLE, any rate
 * and channel count. Unknown chunks are skipped (odd sizes padded), the sample data is not copied.
 * Pure: takes the bytes. Corrupt input throws DecodeError naming the file, the chunk and the offset.
 *
 * @example
 * const wav = readWav(await fs.readFile('speech.wav'), { file: 'speech.wav' });
 * const pcm = wav.samples() as Int16Array; // S16LE
 */
export function readWav(bytes: Uint8Array, options: ReadWavOptions = {}): WavFile {
  const file = options.file;
  const fail = (message: string, context: ErrorContext): never => {
    throw new DecodeError(message, { context: file === undefined ? context : { file, ...context } });
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fourcc = (at: number): string => latin1.decode(bytes.subarray(at, at + 4));

  if (bytes.length < 12) fail('WAV file is too short for a RIFF header', { field: 'RIFF', offset: 0, expected: '12 bytes', actual: String(bytes.length) });
  if (fourcc(0) !== 'RIFF') fail('not a RIFF file', { field: 'RIFF', offset: 0, expected: '"RIFF"', actual: JSON.stringify(fourcc(0)) });
  if (fourcc(8) !== 'WAVE') fail('RIFF file is not WAVE', { field: 'RIFF', offset: 8, expected: '"WAVE"', actual: JSON.stringify(fourcc(8)) });

  let format: WavFormat | undefined;
  let dataStart = -1;
  let dataSize = 0;
  let pos = 12;
  while (pos + 8 <= bytes.length) {
    const id = fourcc(pos);
    let size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'data') {
      // 0xFFFFFFFF: size unknown when the writer streamed; take what is there.
      if (size === 0xffffffff) size = bytes.length - body;
      if (body + size > bytes.length) {
        fail('WAV data chunk is truncated', { field: 'data', offset: pos + 4, expected: `${size} bytes`, actual: String(bytes.length - body) });
      }
      dataStart = body;
      dataSize = size;
    } else if (id === 'fmt ') {
      if (body + size > bytes.length) fail('WAV fmt chunk is truncated', { field: 'fmt ', offset: pos + 4, expected: `${size} bytes` });
      format = parseFmt(view, body, size, fail);
    } else if (body + size > bytes.length) {
      // A truncated trailing chunk we would skip anyway only matters if we still need fmt/data.
      if (format !== undefined && dataStart >= 0) break;
      fail(`WAV chunk "${printable(id)}" overruns the file`, { field: printable(id), offset: pos + 4, expected: `≤ ${bytes.length - body} bytes`, actual: String(size) });
    }
    pos = body + size + (size & 1);
  }
  if (format === undefined) fail('WAV file has no fmt chunk', { field: 'fmt ', offset: pos, expected: 'a "fmt " chunk' });
  if (dataStart < 0) fail('WAV file has no data chunk', { field: 'data', offset: pos, expected: 'a "data" chunk' });
  const fmt = format as WavFormat;

  const frameCount = Math.floor(dataSize / fmt.blockAlign);
  const data = bytes.subarray(dataStart, dataStart + frameCount * fmt.blockAlign);
  return {
    info: {
      channels: fmt.channels,
      sample_rate: fmt.sampleRate,
      sample_format: fmt.sampleFormat,
      bitrate: fmt.sampleRate * fmt.blockAlign * 8,
      coding_format: 'wave',
    },
    format: fmt,
    dataOffset: dataStart,
    data,
    frameCount,
    durationSec: frameCount / fmt.sampleRate,
    samples: () => samplesView(data, fmt.sampleFormat),
  };
}

function printable(id: string): string {
  return id.replace(/[^\x20-\x7e]/g, '?');
}

function parseFmt(view: DataView, at: number, size: number, fail: (message: string, context: ErrorContext) => never): WavFormat {
  if (size < 16) fail('WAV fmt chunk is too short', { field: 'fmt ', offset: at - 4, expected: '≥ 16 bytes', actual: String(size) });
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bitsPerSample = view.getUint16(at + 14, true);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40) fail('WAVE_FORMAT_EXTENSIBLE fmt chunk is too short', { field: 'fmt ', offset: at - 4, expected: '≥ 40 bytes', actual: String(size) });
    const validBits = view.getUint16(at + 18, true);
    if (validBits > bitsPerSample) {
      fail('WAV valid bits per sample exceed the container', { field: 'fmt .wValidBitsPerSample', offset: at + 18, expected: `≤ ${bitsPerSample}`, actual: String(validBits) });
    }
    const guidAt = at + 24;
    for (let k = 0; k < SUBFORMAT_GUID_TAIL.length; k++) {
      if (view.getUint8(guidAt + 2 + k) !== SUBFORMAT_GUID_TAIL[k]) {
        fail('unsupported WAVE_FORMAT_EXTENSIBLE sub-format', { field: 'fmt .SubFormat', offset: guidAt, expected: 'KSDATAFORMAT_SUBTYPE_PCM or _IEEE_FLOAT' });
      }
    }
    tag = view.getUint16(guidAt, true);
  }
  let sampleFormat: WavSampleFormat | undefined;
  if (tag === WAVE_FORMAT_PCM) {
    sampleFormat = bitsPerSample === 8 ? 'U8' : bitsPerSample === 16 ? 'S16LE' : bitsPerSample === 24 ? 'S24LE' : bitsPerSample === 32 ? 'S32LE' : undefined;
  } else if (tag === WAVE_FORMAT_IEEE_FLOAT) {
    sampleFormat = bitsPerSample === 32 ? 'F32LE' : undefined;
  } else {
    fail(`unsupported WAV format tag 0x${tag.toString(16)}`, { field: 'fmt .wFormatTag', offset: at, expected: 'PCM (1), IEEE float (3) or extensible (0xFFFE)' });
  }
  if (sampleFormat === undefined) {
    fail(`unsupported WAV sample size ${bitsPerSample} bits`, {
      field: 'fmt .wBitsPerSample',
      offset: at + 14,
      expected: tag === WAVE_FORMAT_PCM ? '8, 16, 24 or 32 (PCM)' : '32 (float)',
      actual: String(bitsPerSample),
    });
  }
  if (channels === 0) fail('WAV has zero channels', { field: 'fmt .nChannels', offset: at + 2, expected: '≥ 1' });
  if (sampleRate === 0) fail('WAV has a zero sample rate', { field: 'fmt .nSamplesPerSec', offset: at + 4, expected: '> 0' });
  const expectedAlign = (channels * bitsPerSample) / 8;
  if (blockAlign !== expectedAlign) {
    fail('WAV block align does not match channels × bytes per sample', { field: 'fmt .nBlockAlign', offset: at + 12, expected: String(expectedAlign), actual: String(blockAlign) });
  }
  return {
    sampleRate,
    channels,
    bitsPerSample,
    encoding: tag === WAVE_FORMAT_IEEE_FLOAT ? 'float' : 'pcm',
    blockAlign,
    sampleFormat: sampleFormat as WavSampleFormat,
  };
}

/** A typed view of `data` in `format`; copies only when the bytes are not aligned for the type. */
export function samplesView(data: Uint8Array, format: WavSampleFormat): WavSamples {
  switch (format) {
    case 'U8':
    case 'S24LE':
      return data;
    case 'S16LE':
      return aligned(data, 2, (b, o, n) => new Int16Array(b, o, n));
    case 'S32LE':
      return aligned(data, 4, (b, o, n) => new Int32Array(b, o, n));
    case 'F32LE':
      return aligned(data, 4, (b, o, n) => new Float32Array(b, o, n));
  }
}

function aligned<T>(data: Uint8Array, bytesPer: number, make: (buffer: ArrayBufferLike, offset: number, length: number) => T): T {
  const length = Math.floor(data.byteLength / bytesPer);
  if (data.byteOffset % bytesPer === 0) return make(data.buffer, data.byteOffset, length);
  const copy = data.slice(0, length * bytesPer);
  return make(copy.buffer, 0, length);
}
