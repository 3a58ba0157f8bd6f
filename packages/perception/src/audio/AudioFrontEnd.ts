import { GccPhat } from './GccPhat.js';
import { LogMelSpectrogram, type LogMelOptions } from './LogMelSpectrogram.js';
import { allPairs, bearingFromDelays, DEFAULT_MIC_ARRAY, type MicArrayGeometry } from './MicArray.js';
import { OnsetDetector, type OnsetOptions } from './OnsetDetector.js';
import { Resampler } from './Resampler.js';

export interface AudioFrontEndOptions {
  /** Rate everything is analysed at, Hz. */
  targetRate: number;
  logMel: Partial<LogMelOptions>;
  onset: Partial<OnsetOptions>;
  micArray: MicArrayGeometry;
  /** Samples (at targetRate) analysed by GCC-PHAT per event, power of two. */
  doaBlock: number;
  speedOfSound: number;
}

export const DEFAULT_AUDIO_FRONT_END: Readonly<AudioFrontEndOptions> = Object.freeze({
  targetRate: 16000,
  logMel: {},
  onset: {},
  micArray: DEFAULT_MIC_ARRAY,
  doaBlock: 1024,
  speedOfSound: 343,
});

export interface AudioEventResult {
  /** Stream time of the onset, s (chunk stamp + offset). */
  timeSec: number;
  kind: 'onset';
  levelDb: number;
  /** base_link bearing, rad; NaN for fewer than 3 channels. */
  bearing: number;
  /** Mean GCC-PHAT peak over mic pairs (0..1), or the onset strength for mono. */
  confidence: number;
}

export interface AudioChunkResult {
  events: AudioEventResult[];
  /** Log-mel frames completed by this chunk, [tokenCount, mels], scaled (ln power + 12) / 6; view, reused. */
  tokens: Float32Array;
  tokenCount: number;
  tokenDim: number;
}

/**
 * Audio perception over interleaved float chunks: resample to `targetRate` → mono mix → log-mel frames
 * (tokens) → onset detection (energy + spectral flux) → GCC-PHAT over every mic pair at each onset →
 * far-field bearing in base_link. Stateful across chunks (resampler tail, framing, noise floor); reuses
 * its buffers.
 */
export class AudioFrontEnd {
  readonly options: AudioFrontEndOptions;
  private resampler: Resampler | undefined;
  private format = { rate: 0, channels: 0 };
  private readonly logMel: LogMelSpectrogram;
  private readonly onset: OnsetDetector;
  private readonly gcc: GccPhat;
  private mono = new Float32Array(0);
  /** Recent multichannel samples at targetRate (for DOA), with the stream index of its first frame. */
  private history = new Float32Array(0);
  private historyFrames = 0;
  private historyStart = 0;
  private streamFrames = 0;
  /** Stream time (s) of stream sample 0, fixed at the first chunk after a reset. */
  private origin: number | undefined;
  private tokens = new Float32Array(0);
  private readonly delays: Float64Array;
  private readonly weights: Float64Array;
  private readonly pairs: Array<[number, number]>;

  constructor(options: Partial<AudioFrontEndOptions> = {}) {
    this.options = { ...DEFAULT_AUDIO_FRONT_END, ...options };
    const o = this.options;
    this.logMel = new LogMelSpectrogram({ sampleRate: o.targetRate, ...o.logMel });
    const lm = this.logMel.options;
    this.onset = new OnsetDetector({ frameRate: o.targetRate / lm.hop, ...o.onset });
    this.gcc = new GccPhat({ blockSize: o.doaBlock, interpolation: 4 });
    this.pairs = allPairs(o.micArray.positions.length);
    this.delays = new Float64Array(this.pairs.length);
    this.weights = new Float64Array(this.pairs.length);
  }

  /** Feeds `frames` interleaved frames (`channels` per frame, floats in [-1, 1]) stamped `stampSec` (first sample). */
  process(samples: Float32Array, frames: number, format: { sampleRate: number; channels: number }, stampSec: number): AudioChunkResult {
    const o = this.options;
    const ch = format.channels;
    if (format.sampleRate !== this.format.rate || ch !== this.format.channels) {
      this.reset();
      this.format = { rate: format.sampleRate, channels: ch };
      this.resampler = new Resampler(format.sampleRate, o.targetRate, ch);
    }
    this.origin ??= stampSec;
    const res = this.resampler!.process(samples, frames);
    const n = res.length / ch;
    this.appendHistory(res, n, ch);
    if (this.mono.length < n) this.mono = new Float32Array(n * 2);
    const inv = 1 / ch;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < ch; c++) s += res[i * ch + c]!;
      this.mono[i] = s * inv;
    }
    const mels = this.logMel.options.mels;
    const maxFrames = Math.ceil(n / this.logMel.options.hop) + 2;
    if (this.tokens.length < maxFrames * mels) this.tokens = new Float32Array(maxFrames * mels * 2);
    let tokenCount = 0;
    const events: AudioEventResult[] = [];
    const onsets: Array<{ start: number; level: number; flux: number }> = [];
    this.logMel.push(this.mono, n, (f) => {
      for (let m = 0; m < mels; m++) this.tokens[tokenCount * mels + m] = (f.logMel[m]! + 12) / 6;
      tokenCount++;
      if (this.onset.update(f.energyDb, f.flux)) onsets.push({ start: f.startSample, level: f.energyDb, flux: f.flux });
    });
    this.streamFrames += n;
    for (const on of onsets) {
      const doa = ch >= 3 && ch === o.micArray.positions.length ? this.bearingAt(on.start, ch) : { bearing: NaN, confidence: NaN };
      events.push({
        timeSec: this.origin + on.start / o.targetRate,
        kind: 'onset',
        levelDb: on.level,
        bearing: doa.bearing,
        confidence: Number.isNaN(doa.confidence) ? Math.min(1, on.flux / 50) : doa.confidence,
      });
    }
    return { events, tokens: this.tokens.subarray(0, tokenCount * mels), tokenCount, tokenDim: mels };
  }

  /** GCC-PHAT over every pair on the block starting at stream sample `start` (or the latest block). */
  private bearingAt(start: number, ch: number): { bearing: number; confidence: number } {
    const o = this.options;
    const block = o.doaBlock;
    const end = this.historyStart + this.historyFrames;
    let from = Math.max(start, this.historyStart);
    if (end - from < block / 4) from = Math.max(this.historyStart, end - block);
    const frames = Math.min(block, end - from);
    const maxLag = (maxSpacing(o.micArray) / o.speedOfSound) * o.targetRate + 1;
    let conf = 0;
    this.pairs.forEach(([i, j], k) => {
      const { lag, peak } = this.gcc.delay(this.history, ch, i, j, from - this.historyStart, frames, maxLag);
      this.delays[k] = lag / o.targetRate;
      this.weights[k] = peak;
      conf += peak;
    });
    return { bearing: bearingFromDelays(o.micArray, this.pairs, this.delays, o.speedOfSound, this.weights), confidence: conf / this.pairs.length };
  }

  private appendHistory(res: Float32Array, n: number, ch: number): void {
    const keep = this.options.doaBlock * 4;
    if (this.history.length < (keep + n) * ch) {
      const grown = new Float32Array((keep + n) * ch * 2);
      grown.set(this.history.subarray(0, this.historyFrames * ch));
      this.history = grown;
    }
    this.history.set(res, this.historyFrames * ch);
    this.historyFrames += n;
    if (this.historyFrames > keep) {
      const drop = this.historyFrames - keep;
      this.history.copyWithin(0, drop * ch, this.historyFrames * ch);
      this.historyFrames = keep;
      this.historyStart += drop;
    }
  }

  reset(): void {
    this.logMel.reset();
    this.onset.reset();
    this.historyFrames = 0;
    this.historyStart = 0;
    this.streamFrames = 0;
    this.origin = undefined;
  }
}

function maxSpacing(g: MicArrayGeometry): number {
  let d = 0;
  for (const a of g.positions) for (const b of g.positions) d = Math.max(d, Math.hypot(a[0] - b[0], a[1] - b[1]));
  return d;
}
