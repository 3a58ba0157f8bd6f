import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecodeError, decodePcmToFloat32, readWav, toSec, wavToAudioChunks, type WavSampleFormat } from '@sensorium/core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const speechPath = path.resolve(repoRoot, '../shared/data/real/audio/speech_16k_mono.wav');

// ---------------------------------------------------------------------------------------------
// Test-side WAV writer.

interface WavSpec {
  sampleRate: number;
  channels: number;
  format: WavSampleFormat;
  extensible?: boolean;
  /** Extra chunks before fmt / between fmt and data / after data (odd sizes exercise padding). */
  chunks?: { before?: [string, number][]; between?: [string, number][]; after?: [string, number][] };
}

const BITS: Record<WavSampleFormat, number> = { U8: 8, S16LE: 16, S24LE: 24, S32LE: 32, F32LE: 32 };

/** Quantises a float in [-1, 1) to the format's integer (or float) value. */
function quantise(x: number, format: WavSampleFormat): number {
  switch (format) {
    case 'U8':
      return Math.max(0, Math.min(255, Math.round(x * 128) + 128));
    case 'S16LE':
      return Math.max(-32768, Math.min(32767, Math.round(x * 32768)));
    case 'S24LE':
      return Math.max(-8388608, Math.min(8388607, Math.round(x * 8388608)));
    case 'S32LE':
      return Math.max(-2147483648, Math.min(2147483647, Math.round(x * 2147483648)));
    case 'F32LE':
      return Math.fround(x);
  }
}

/** What decodePcmToFloat32 must return for a quantised value. */
function normalised(q: number, format: WavSampleFormat): number {
  const scale = { U8: 128, S16LE: 32768, S24LE: 8388608, S32LE: 2147483648, F32LE: 1 }[format];
  return Math.fround(format === 'U8' ? (q - 128) / 128 : q / scale);
}

function chunk(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  out.set(new TextEncoder().encode(id));
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

function writeWav(spec: WavSpec, samples: number[]): Uint8Array {
  const bits = BITS[spec.format];
  const blockAlign = (spec.channels * bits) / 8;
  const tag = spec.format === 'F32LE' ? 3 : 1;
  const fmt = new Uint8Array(spec.extensible ? 40 : 16);
  const f = new DataView(fmt.buffer);
  f.setUint16(0, spec.extensible ? 0xfffe : tag, true);
  f.setUint16(2, spec.channels, true);
  f.setUint32(4, spec.sampleRate, true);
  f.setUint32(8, spec.sampleRate * blockAlign, true);
  f.setUint16(12, blockAlign, true);
  f.setUint16(14, bits, true);
  if (spec.extensible) {
    f.setUint16(16, 22, true);
    f.setUint16(18, bits, true);
    f.setUint32(20, spec.channels === 2 ? 3 : 0, true);
    fmt.set([tag, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71], 24);
  }
  const data = new Uint8Array(samples.length * (bits / 8));
  const d = new DataView(data.buffer);
  samples.forEach((x, i) => {
    const q = quantise(x, spec.format);
    const at = i * (bits / 8);
    if (spec.format === 'U8') d.setUint8(at, q);
    else if (spec.format === 'S16LE') d.setInt16(at, q, true);
    else if (spec.format === 'S24LE') {
      d.setUint8(at, q & 0xff);
      d.setUint8(at + 1, (q >> 8) & 0xff);
      d.setUint8(at + 2, (q >> 16) & 0xff);
    } else if (spec.format === 'S32LE') d.setInt32(at, q, true);
    else d.setFloat32(at, q, true);
  });
  const extra = (list: [string, number][] | undefined): Uint8Array[] => (list ?? []).map(([id, n]) => chunk(id, new Uint8Array(n).fill(0x5a)));
  const parts = [
    ...extra(spec.chunks?.before),
    chunk('fmt ', fmt),
    ...extra(spec.chunks?.between),
    chunk('data', data),
    ...extra(spec.chunks?.after),
  ];
  const bodyLength = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(12 + bodyLength);
  out.set(new TextEncoder().encode('RIFF'));
  new DataView(out.buffer).setUint32(4, 4 + bodyLength, true);
  out.set(new TextEncoder().encode('WAVE'), 8);
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function sine(frames: number, channels: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < frames; i++) for (let c = 0; c < channels; c++) out.push(0.9 * Math.sin((i * (c + 1)) / 7));
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('readWav — real recording', () => {
  const bytes = new Uint8Array(readFileSync(speechPath));
  const wav = readWav(bytes, { file: 'speech_16k_mono.wav' });

  it('speech_16k_mono.wav: 16 kHz mono S16LE, 11.0 s, LIST chunk skipped', () => {
    expect(wav.format).toEqual({ sampleRate: 16000, channels: 1, bitsPerSample: 16, encoding: 'pcm', blockAlign: 2, sampleFormat: 'S16LE' });
    expect(wav.info).toEqual({ channels: 1, sample_rate: 16000, sample_format: 'S16LE', bitrate: 256000, coding_format: 'wave' });
    expect(wav.frameCount).toBe(176000);
    expect(wav.durationSec).toBeCloseTo(11.0, 6);
    // The fmt chunk is followed by a LIST chunk (26 bytes) before data.
    expect(wav.dataOffset).toBe(12 + 8 + 16 + 8 + 26 + 8);
    const samples = wav.samples();
    expect(samples).toBeInstanceOf(Int16Array);
    expect(samples.buffer).toBe(bytes.buffer);
  });

  it('100 ms AudioDataStamped chunks: zero-copy views, exact stamps, speech-level signal', () => {
    const chunks = wavToAudioChunks(wav, { chunkSec: 0.1, startStamp: { sec: 100, nanosec: 0 } });
    expect(chunks).toHaveLength(110);
    expect(chunks.every((m) => m.audio.data.length === 3200 && m.audio.data.buffer === bytes.buffer)).toBe(true);
    expect(chunks[0]!.header).toEqual({ stamp: { sec: 100, nanosec: 0 }, frame_id: 'mic_array_link' });
    expect(chunks[15]!.header.stamp).toEqual({ sec: 101, nanosec: 500_000_000 });
    const pcm = new Float32Array(1600);
    let loudest = 0;
    let quietest = Infinity;
    for (const m of chunks) {
      expect(decodePcmToFloat32(m.audio.data, wav.info.sample_format, 1, pcm)).toBe(1600);
      let sum = 0;
      for (const x of pcm) sum += x * x;
      const rms = Math.sqrt(sum / pcm.length);
      loudest = Math.max(loudest, rms);
      quietest = Math.min(quietest, rms);
    }
    // Speech over crowd noise: loud words, never digital silence, never clipping-level RMS.
    expect(loudest).toBeGreaterThan(0.05);
    expect(loudest).toBeLessThan(0.7);
    expect(quietest).toBeGreaterThan(0);
    expect(loudest / quietest).toBeGreaterThan(5);
  });
});

describe('readWav — every format (synthetic)', () => {
  it.each<[string, WavSpec]>([
    ['8-bit mono 8 kHz', { sampleRate: 8000, channels: 1, format: 'U8' }],
    ['16-bit stereo 44.1 kHz', { sampleRate: 44100, channels: 2, format: 'S16LE' }],
    ['24-bit stereo 48 kHz', { sampleRate: 48000, channels: 2, format: 'S24LE' }],
    ['32-bit PCM 4 ch 16 kHz', { sampleRate: 16000, channels: 4, format: 'S32LE' }],
    ['float32 stereo 48 kHz', { sampleRate: 48000, channels: 2, format: 'F32LE' }],
    ['extensible 24-bit 6 ch 96 kHz', { sampleRate: 96000, channels: 6, format: 'S24LE', extensible: true }],
    ['extensible float32 stereo', { sampleRate: 48000, channels: 2, format: 'F32LE', extensible: true }],
    ['odd-sized unknown chunks everywhere', { sampleRate: 22050, channels: 3, format: 'S16LE', chunks: { before: [['JUNK', 3]], between: [['LIST', 7], ['fact', 4]], after: [['id3 ', 5]] } }],
    ['8-bit stereo with odd data size padding', { sampleRate: 11025, channels: 1, format: 'U8', chunks: { after: [['cue ', 1]] } }],
  ])('%s', (_name, spec) => {
    const frames = 333; // odd: 8-bit mono data needs a pad byte
    const input = sine(frames, spec.channels);
    const wav = readWav(writeWav(spec, input), { file: 'synthetic.wav' });
    expect(wav.format).toMatchObject({ sampleRate: spec.sampleRate, channels: spec.channels, bitsPerSample: BITS[spec.format], sampleFormat: spec.format });
    expect(wav.format.encoding).toBe(spec.format === 'F32LE' ? 'float' : 'pcm');
    expect(wav.frameCount).toBe(frames);
    expect(wav.durationSec).toBeCloseTo(frames / spec.sampleRate, 12);
    const out = new Float32Array(input.length);
    expect(decodePcmToFloat32(wav.data, wav.info.sample_format, spec.channels, out)).toBe(frames);
    expect(Array.from(out)).toEqual(input.map((x) => normalised(quantise(x, spec.format), spec.format)));
    // samples() view agrees with the raw bytes.
    const s = wav.samples();
    if (spec.format === 'S16LE') expect(s[5]).toBe(quantise(input[5]!, 'S16LE'));
    if (spec.format === 'F32LE') expect(s[5]).toBe(Math.fround(input[5]!));
    if (spec.format === 'S32LE') expect(s[5]).toBe(quantise(input[5]!, 'S32LE'));
    if (spec.format === 'U8') expect(s[5]).toBe(quantise(input[5]!, 'U8'));
    // Chunks cover every frame once.
    const chunks = wavToAudioChunks(wav, { chunkSec: 0.001 });
    expect(chunks.reduce((a, m) => a + m.audio.data.length, 0)).toBe(frames * wav.format.blockAlign);
  });

  it('samples() copies only when the data is misaligned for the type', () => {
    const bytes = writeWav({ sampleRate: 8000, channels: 1, format: 'S16LE' }, sine(10, 1));
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const s = readWav(shifted).samples() as Int16Array;
    expect(s.buffer).not.toBe(shifted.buffer);
    expect(Array.from(s)).toEqual(Array.from(readWav(bytes).samples()));
  });

  it('decodePcmToFloat32 clamps to the whole frames that fit in out, and rejects unknown formats', () => {
    const out = new Float32Array(5);
    expect(decodePcmToFloat32(new Uint8Array(40), 'S16LE', 2, out)).toBe(2);
    expect(() => decodePcmToFloat32(new Uint8Array(4), 'MP3', 1, out)).toThrow(DecodeError);
    expect(decodePcmToFloat32(Uint8Array.from([0xff, 0xff, 0x7f]), 'S24LE', 1, out)).toBe(1);
    expect(out[0]).toBeCloseTo(8388607 / 8388608, 7);
  });

  it('stamps stay exact over long files', () => {
    const wav = readWav(writeWav({ sampleRate: 44100, channels: 1, format: 'U8' }, new Array(44100 * 3).fill(0)));
    const chunks = wavToAudioChunks(wav, { chunkSec: 0.1, startStamp: { sec: 5, nanosec: 950_000_000 } });
    expect(chunks).toHaveLength(30);
    expect(chunks[29]!.header.stamp).toEqual({ sec: 8, nanosec: 850_000_000 });
    chunks.forEach((m, i) => expect(toSec(m.header.stamp)).toBeCloseTo(5.95 + i * 0.1, 9));
  });
});

describe('readWav — corrupt input is a DecodeError with context', () => {
  const good = writeWav({ sampleRate: 16000, channels: 1, format: 'S16LE' }, sine(50, 1));
  const edit = (at: number, bytes: number[]): Uint8Array => {
    const copy = good.slice();
    copy.set(bytes, at);
    return copy;
  };
  it.each<[string, Uint8Array, Record<string, unknown>]>([
    ['too short', good.subarray(0, 10), { field: 'RIFF', offset: 0 }],
    ['not RIFF', edit(0, [0x52, 0x49, 0x46, 0x58]), { field: 'RIFF', offset: 0 }],
    ['not WAVE', edit(8, [0x41, 0x56, 0x49, 0x20]), { field: 'RIFF', offset: 8 }],
    ['format tag 2 (ADPCM)', edit(20, [2, 0]), { field: 'fmt .wFormatTag', offset: 20 }],
    ['12-bit PCM', edit(34, [12, 0]), { field: 'fmt .wBitsPerSample', offset: 34 }],
    ['zero channels', edit(22, [0, 0]), { field: 'fmt .nChannels' }],
    ['zero sample rate', edit(24, [0, 0, 0, 0]), { field: 'fmt .nSamplesPerSec' }],
    ['block align mismatch', edit(32, [4, 0]), { field: 'fmt .nBlockAlign', offset: 32 }],
    ['fmt chunk too short', edit(16, [8, 0, 0, 0]), { field: 'fmt ' }],
    ['truncated data', good.subarray(0, good.length - 10), { field: 'data', offset: 40 }],
    ['no data chunk', good.subarray(0, 36), { field: 'data' }],
    ['no fmt chunk', edit(12, [0x66, 0x6f, 0x6f, 0x20]), { field: 'fmt ' }],
  ])('%s', (_name, bytes, context) => {
    let error: unknown;
    try {
      readWav(bytes, { file: 'bad.wav' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).context).toMatchObject({ file: 'bad.wav', ...context });
  });
});

describe('readWav — fuzz (fast-check, fixed seed)', () => {
  const seeds = [
    writeWav({ sampleRate: 16000, channels: 1, format: 'S16LE' }, sine(40, 1)),
    writeWav({ sampleRate: 48000, channels: 2, format: 'S24LE', extensible: true, chunks: { between: [['LIST', 5]] } }, sine(20, 2)),
    writeWav({ sampleRate: 8000, channels: 1, format: 'U8', chunks: { after: [['JUNK', 3]] } }, sine(31, 1)),
    writeWav({ sampleRate: 44100, channels: 2, format: 'F32LE' }, sine(10, 2)),
  ];
  const exercise = (bytes: Uint8Array): void => {
    try {
      const wav = readWav(bytes, { file: 'fuzz.wav' });
      // Whatever parses must be usable without further errors.
      wav.samples();
      const out = new Float32Array(256);
      for (const m of wavToAudioChunks(wav, { chunkSec: 0.002 })) decodePcmToFloat32(m.audio.data, wav.info.sample_format, wav.info.channels, out);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
  };

  it('random bytes (with and without a RIFF/WAVE prefix): only DecodeError', () => {
    const prefixed = fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([...new TextEncoder().encode('RIFF\0\0\0\0WAVE'), ...b]));
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), prefixed), exercise), { seed: 3, numRuns: 4000 });
  });

  it('mutated valid files (truncation, bit flips, hostile header values): only DecodeError', () => {
    const hostile = [0, 1, 0xff, 0xffff, 0xffffffff, 0x7fffffff, 3, 24, 0xfffe];
    const mutated = fc
      .tuple(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { maxLength: 4 }),
        fc.option(fc.tuple(fc.integer({ min: 4, max: 80 }), fc.constantFrom(...hostile), fc.constantFrom(2, 4))),
        fc.option(fc.nat()),
      )
      .map(([which, flips, field, cut]) => {
        let bytes = seeds[which]!.slice();
        if (field !== null) {
          const [at, value, width] = field;
          const view = new DataView(bytes.buffer);
          if (at + width <= bytes.length) {
            if (width === 2) view.setUint16(at, value & 0xffff, true);
            else view.setUint32(at, value >>> 0, true);
          }
        }
        for (const [pos, bit] of flips) bytes[pos % bytes.length]! ^= 1 << bit;
        if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
        return bytes;
      });
    fc.assert(fc.property(mutated, exercise), { seed: 4, numRuns: 7000 });
  });
});
