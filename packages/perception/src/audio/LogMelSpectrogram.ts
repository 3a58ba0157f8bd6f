import FFT from 'fft.js';

export interface LogMelOptions {
  sampleRate: number;
  /** Analysis window, samples (25 ms at 16 kHz). */
  frameLength: number;
  /** Hop, samples (10 ms at 16 kHz). */
  hop: number;
  /** Power of two ≥ frameLength. */
  fftSize: number;
  mels: number;
  fMin: number;
  fMax: number;
}

export const DEFAULT_LOGMEL: Readonly<LogMelOptions> = Object.freeze({ sampleRate: 16000, frameLength: 400, hop: 160, fftSize: 512, mels: 32, fMin: 60, fMax: 7600 });

/** One analysis frame, delivered to the callback (buffers reused: copy what you keep). */
export interface MelFrame {
  /** Index of the frame's first sample in the stream since construction/reset. */
  startSample: number;
  /** ln(mel power + 1e-10), length `mels`. */
  logMel: Float32Array;
  /** Frame energy, dBFS (mean square of the windowed frame). */
  energyDb: number;
  /** Spectral flux: Σ max(0, logMel_t − logMel_{t−1}) over bands. */
  flux: number;
}

/**
 * Streaming log-mel spectrogram: Hann window, real FFT (fft.js), HTK-mel triangular filters, natural log.
 * Samples may arrive in chunks of any size; frames are emitted as soon as they are complete.
 */
export class LogMelSpectrogram {
  readonly options: LogMelOptions;
  private readonly fft: FFT;
  private readonly window: Float32Array;
  private readonly frame: Float64Array;
  private readonly spectrum: number[];
  private readonly power: Float64Array;
  private readonly filterStart: Int32Array;
  private readonly filterWeights: Float32Array[];
  private readonly current: Float32Array;
  private readonly previous: Float32Array;
  private hasPrevious = false;
  private readonly ring: Float32Array;
  private filled = 0;
  /** Stream index of ring[0]. */
  private ringStart = 0;

  constructor(options: Partial<LogMelOptions> = {}) {
    const o = { ...DEFAULT_LOGMEL, ...options };
    if (o.fftSize < o.frameLength || (o.fftSize & (o.fftSize - 1)) !== 0) throw new RangeError(`fftSize ${o.fftSize} must be a power of two ≥ frameLength ${o.frameLength}`);
    this.options = o;
    this.fft = new FFT(o.fftSize);
    this.window = new Float32Array(o.frameLength);
    for (let i = 0; i < o.frameLength; i++) this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / o.frameLength);
    this.frame = new Float64Array(o.fftSize);
    this.spectrum = this.fft.createComplexArray() as number[];
    this.power = new Float64Array(o.fftSize / 2 + 1);
    const mel = (f: number): number => 2595 * Math.log10(1 + f / 700);
    const hz = (m: number): number => 700 * (10 ** (m / 2595) - 1);
    const edges: number[] = [];
    for (let i = 0; i < o.mels + 2; i++) edges.push(hz(mel(o.fMin) + ((mel(o.fMax) - mel(o.fMin)) * i) / (o.mels + 1)));
    const binHz = o.sampleRate / o.fftSize;
    this.filterStart = new Int32Array(o.mels);
    this.filterWeights = [];
    for (let m = 0; m < o.mels; m++) {
      const [lo, mid, hi] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
      const start = Math.max(0, Math.ceil(lo / binHz));
      const end = Math.min(o.fftSize / 2, Math.floor(hi / binHz));
      const w = new Float32Array(Math.max(0, end - start + 1));
      for (let b = start; b <= end; b++) {
        const f = b * binHz;
        w[b - start] = f <= mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid);
      }
      this.filterStart[m] = start;
      this.filterWeights.push(w);
    }
    this.current = new Float32Array(o.mels);
    this.previous = new Float32Array(o.mels);
    this.ring = new Float32Array(o.frameLength + o.hop * 64);
  }

  /** Feeds mono samples; calls `onFrame` for each completed frame. */
  push(samples: Float32Array, count: number, onFrame: (frame: MelFrame) => void): void {
    const { frameLength, hop } = this.options;
    let i = 0;
    while (i < count) {
      const take = Math.min(count - i, this.ring.length - this.filled);
      this.ring.set(samples.subarray(i, i + take), this.filled);
      this.filled += take;
      i += take;
      let at = 0;
      while (this.filled - at >= frameLength) {
        onFrame(this.analyse(at));
        at += hop;
      }
      this.ring.copyWithin(0, at, this.filled);
      this.filled -= at;
      this.ringStart += at;
    }
  }

  reset(): void {
    this.filled = 0;
    this.ringStart = 0;
    this.hasPrevious = false;
  }

  private analyse(at: number): MelFrame {
    const { frameLength, fftSize, mels } = this.options;
    const f = this.frame;
    let energy = 0;
    for (let i = 0; i < frameLength; i++) {
      const v = this.ring[at + i]! * this.window[i]!;
      f[i] = v;
      energy += v * v;
    }
    f.fill(0, frameLength, fftSize);
    this.fft.realTransform(this.spectrum, f);
    const s = this.spectrum;
    for (let b = 0; b <= fftSize / 2; b++) this.power[b] = s[2 * b]! * s[2 * b]! + s[2 * b + 1]! * s[2 * b + 1]!;
    let flux = 0;
    for (let m = 0; m < mels; m++) {
      const w = this.filterWeights[m]!;
      const start = this.filterStart[m]!;
      let acc = 0;
      for (let k = 0; k < w.length; k++) acc += w[k]! * this.power[start + k]!;
      const v = Math.log(acc + 1e-10);
      this.current[m] = v;
      if (this.hasPrevious) flux += Math.max(0, v - this.previous[m]!);
    }
    this.previous.set(this.current);
    this.hasPrevious = true;
    return { startSample: this.ringStart + at, logMel: this.current, energyDb: 10 * Math.log10(energy / frameLength + 1e-12), flux };
  }
}
