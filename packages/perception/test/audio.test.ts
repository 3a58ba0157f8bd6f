import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodePcmToFloat32, readWav } from '@sensorium/core';
import { describe, expect, it } from 'vitest';
import { AudioFrontEnd, bearingFromDelays, allPairs, createRng, DEFAULT_MIC_ARRAY, GccPhat, LogMelSpectrogram, Resampler, wrapAngle } from '../src/index.js';

const REAL = path.resolve(import.meta.dirname, '../../..', '../shared/data/real');

function speech(): Float32Array {
  const wav = readWav(fs.readFileSync(path.join(REAL, 'audio/speech_16k_mono.wav')), { file: 'speech_16k_mono.wav' });
  const pcm = new Float32Array(wav.frameCount);
  decodePcmToFloat32(wav.data, wav.info.sample_format, 1, pcm);
  return pcm;
}

/** x delayed by `d` samples (fractional), windowed-sinc interpolation: the reference, not the code under test. */
function delayed(x: Float32Array, d: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let n = 0; n < x.length; n++) {
    let s = 0;
    const t = n - d;
    const c = Math.floor(t);
    for (let k = c - 32; k <= c + 32; k++) {
      if (k < 0 || k >= x.length) continue;
      const u = t - k;
      const w = 0.5 + 0.5 * Math.cos((Math.PI * u) / 33);
      s += x[k]! * (u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u)) * w;
    }
    out[n] = s;
  }
  return out;
}

/** 4-channel far-field recording of `source` arriving from `bearing` at the default array, white noise at `snrDb`. */
function arrayRecording(source: Float32Array, bearing: number, snrDb: number, seed: number): Float32Array {
  const fs16 = 16000;
  const u = [Math.cos(bearing), Math.sin(bearing)];
  let power = 0;
  for (const v of source) power += v * v;
  power /= source.length;
  const noiseAmp = Math.sqrt((power / 10 ** (snrDb / 10)) * 3); // uniform noise variance = a²/3
  const rng = createRng(seed);
  const chans = DEFAULT_MIC_ARRAY.positions.map((p) => delayed(source, (-(p[0] * u[0]! + p[1] * u[1]!) / 343) * fs16 + 8));
  const out = new Float32Array(source.length * 4);
  for (let i = 0; i < source.length; i++) for (let c = 0; c < 4; c++) out[i * 4 + c] = chans[c]![i]! + noiseAmp * (2 * rng() - 1);
  return out;
}

describe('GCC-PHAT direction of arrival', () => {
  const src = speech().subarray(Math.round(3.25 * 16000), Math.round(3.25 * 16000) + 4096);

  it.each([0, 30, 75, 120, 180, -45, -100, -160])('bearing error ≤ 10° for a source at %i° and 10 dB SNR', (deg) => {
    const bearing = (deg * Math.PI) / 180;
    const rec = arrayRecording(src, bearing, 10, deg + 1000);
    const gcc = new GccPhat({ blockSize: 2048, interpolation: 4 });
    const pairs = allPairs(4);
    const delays = pairs.map(([i, j]) => gcc.delay(rec, 4, i, j, 1024, 2048, 8).lag / 16000);
    const est = bearingFromDelays(DEFAULT_MIC_ARRAY, pairs, delays);
    expect(Math.abs(wrapAngle(est - bearing)) * (180 / Math.PI)).toBeLessThanOrEqual(10);
  });

  it('recovers integer and fractional delays to 0.1 sample (PHAT and PHAT-β)', () => {
    const rng = createRng(4);
    const x = Float32Array.from({ length: 2048 }, () => rng() - 0.5);
    for (const d of [3, -2, 1.5, 0.25]) {
      const y = delayed(x, d);
      const both = new Float32Array(4096);
      for (let i = 0; i < 2048; i++) {
        both[i * 2] = x[i]!;
        both[i * 2 + 1] = y[i]!;
      }
      for (const beta of [1, 0.7]) {
        const { lag, peak } = new GccPhat({ blockSize: 1024, interpolation: 8, beta }).delay(both, 2, 0, 1, 512, 1024, 10);
        expect(lag).toBeCloseTo(d, 1);
        expect(peak).toBeGreaterThan(0.5);
      }
    }
  });
});

describe('AudioFrontEnd on speech_16k_mono.wav', () => {
  it('puts events on the speech onsets, none in the pauses', () => {
    const pcm = speech();
    const fe = new AudioFrontEnd();
    const times: number[] = [];
    let tokens = 0;
    for (let s = 0; s < pcm.length; s += 1600) {
      const n = Math.min(1600, pcm.length - s);
      const r = fe.process(pcm.subarray(s, s + n), n, { sampleRate: 16000, channels: 1 }, 100 + s / 16000);
      tokens += r.tokenCount;
      expect(r.tokenDim).toBe(32);
      for (const e of r.events) {
        times.push(e.timeSec - 100);
        expect(Number.isNaN(e.bearing)).toBe(true); // mono: no bearing
      }
    }
    expect(tokens).toBeGreaterThan(1090);
    // phrase onsets read off the energy envelope (silence ≥ 250 ms below −40 dBFS, then speech)
    for (const onset of [0.31, 3.29, 4.02, 5.42, 8.19]) expect(times.some((t) => Math.abs(t - onset) <= 0.06)).toBe(true);
    for (const [a, b] of [[2.1, 3.2], [4.35, 5.35], [7.55, 8.1]] as const) expect(times.filter((t) => t > a && t < b)).toEqual([]);
  });

  it('finds the same onsets when fed at 48 kHz in odd-sized chunks (resampled)', () => {
    const pcm = speech().subarray(0, 16000 * 5);
    const up = new Resampler(16000, 48000, 1);
    const pcm48 = up.process(pcm, pcm.length).slice();
    const fe = new AudioFrontEnd();
    const times: number[] = [];
    for (let s = 0; s < pcm48.length; s += 4801) {
      const n = Math.min(4801, pcm48.length - s);
      for (const e of fe.process(pcm48.subarray(s, s + n), n, { sampleRate: 48000, channels: 1 }, s / 48000).events) times.push(e.timeSec);
    }
    // (the 0.31 s onset sits in the detector's first 0.3 s warm-up, which resampling smears; not checked here)
    for (const onset of [3.29, 4.02]) expect(times.some((t) => Math.abs(t - onset) <= 0.08)).toBe(true);
  });

  it('reports a bearing for a 4-channel onset', () => {
    const pcm = speech();
    const src = pcm.subarray(Math.round(2.5 * 16000), Math.round(4.5 * 16000));
    const rec = arrayRecording(src, (60 * Math.PI) / 180, 15, 9);
    const fe = new AudioFrontEnd();
    const events = [];
    for (let s = 0; s < src.length; s += 1600) {
      const n = Math.min(1600, src.length - s);
      events.push(...fe.process(rec.subarray(s * 4, (s + n) * 4), n, { sampleRate: 16000, channels: 4 }, s / 16000).events);
    }
    expect(events.length).toBeGreaterThan(0);
    expect(Math.abs(wrapAngle(events[0]!.bearing - Math.PI / 3)) * (180 / Math.PI)).toBeLessThanOrEqual(10);
  });
});

describe('LogMelSpectrogram and Resampler', () => {
  it('puts a pure tone in the right mel band and frames chunk-size-independently', () => {
    const tone = Float32Array.from({ length: 16000 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / 16000));
    const a: number[] = [];
    const b: number[] = [];
    const lm1 = new LogMelSpectrogram();
    lm1.push(tone, tone.length, (f) => a.push(f.logMel.indexOf(Math.max(...f.logMel))));
    const lm2 = new LogMelSpectrogram();
    for (let s = 0; s < tone.length; s += 333) lm2.push(tone.subarray(s, s + 333), Math.min(333, tone.length - s), (f) => b.push(f.logMel.indexOf(Math.max(...f.logMel))));
    expect(a).toEqual(b);
    expect(a.length).toBe(Math.floor((16000 - 400) / 160) + 1);
    // 1 kHz = 1000 mel; band m is centred on mel(60) + (m + 1)·(mel(7600) − mel(60))/33 → band 10
    expect(a[10]).toBe(10);
  });

  it('resamples a 440 Hz tone 48k → 16k with < 1 % error', () => {
    const x = Float32Array.from({ length: 48000 }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / 48000));
    const r = new Resampler(48000, 16000, 1);
    const out: number[] = [];
    for (let s = 0; s < x.length; s += 1000) out.push(...r.process(x.subarray(s, s + 1000), 1000));
    // output i is input time (span + 3i)/48 kHz, span = 16 taps / cutoff (1/3) = 48 input frames
    let err = 0;
    for (let i = 100; i < out.length - 100; i++) err = Math.max(err, Math.abs(out[i]! - Math.sin(2 * Math.PI * 440 * (48 / 48000 + i / 16000))));
    expect(out.length).toBeGreaterThan(15900);
    expect(err).toBeLessThan(0.01);
  });
});
