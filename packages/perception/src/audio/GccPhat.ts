import FFT from 'fft.js';

export interface GccPhatOptions {
  /** Samples per analysed block (power of two; the FFT is twice this, zero-padded, so no circular wrap). */
  blockSize: number;
  /** Cross-correlation is interpolated this many times finer (zero-padded inverse FFT), power of two. */
  interpolation: number;
  /**
   * PHAT-β: the cross-spectrum is divided by |·|^β. β = 1 is pure PHAT (sharpest for broadband sources);
   * β < 1 keeps some magnitude weighting so narrowband sources (alarms, tones) are not drowned by
   * whitened noise bins. Default 1.
   */
  beta: number;
}

/**
 * Generalised cross-correlation with phase transform (PHAT-β) between two signals: the delay of `b` relative to
 * `a` (seconds × sampleRate = samples, fractional: interpolated IFFT + parabolic peak). PHAT whitening
 * makes the peak sharp in reverberant rooms and for coloured sources. Buffers are reused.
 */
export class GccPhat {
  readonly options: GccPhatOptions;
  private readonly fft: FFT;
  private readonly ifft: FFT;
  private readonly padA: Float64Array;
  private readonly padB: Float64Array;
  private readonly specA: number[];
  private readonly specB: number[];
  private readonly cross: number[];
  private readonly corr: number[];

  constructor(options: Partial<GccPhatOptions> = {}) {
    const o = { blockSize: 1024, interpolation: 4, beta: 1, ...options };
    this.options = o;
    const n = o.blockSize * 2;
    this.fft = new FFT(n);
    this.ifft = new FFT(n * o.interpolation);
    this.padA = new Float64Array(n);
    this.padB = new Float64Array(n);
    this.specA = this.fft.createComplexArray() as number[];
    this.specB = this.fft.createComplexArray() as number[];
    this.cross = this.ifft.createComplexArray() as number[];
    this.corr = this.ifft.createComplexArray() as number[];
  }

  /**
   * Delay (samples) of `b` relative to `a` within ±maxLag, read from interleaved buffers: channel `ca`
   * and `cb` of `data` with `channels` per frame, `frames` frames (≤ blockSize) from frame `start`.
   * Returns the delay and a confidence in 0..1 (PHAT peak height for β = 1, else peak-to-RMS based).
   */
  delay(data: Float32Array, channels: number, ca: number, cb: number, start: number, frames: number, maxLag: number): { lag: number; peak: number } {
    const n = this.options.blockSize * 2;
    const L = this.options.interpolation;
    const m = Math.min(frames, this.options.blockSize);
    this.padA.fill(0);
    this.padB.fill(0);
    for (let i = 0; i < m; i++) {
      this.padA[i] = data[(start + i) * channels + ca]!;
      this.padB[i] = data[(start + i) * channels + cb]!;
    }
    this.fft.realTransform(this.specA, this.padA);
    this.fft.completeSpectrum(this.specA);
    this.fft.realTransform(this.specB, this.padB);
    this.fft.completeSpectrum(this.specB);
    const X = this.cross;
    const beta = this.options.beta;
    X.fill(0);
    const N = n * L;
    // conj(A)·B / |conj(A)·B| placed in the centre-padded spectrum of length N (positive then negative freqs)
    for (let k = 0; k < n; k++) {
      const ar = this.specA[2 * k]!, ai = this.specA[2 * k + 1]!;
      const br = this.specB[2 * k]!, bi = this.specB[2 * k + 1]!;
      let re = ar * br + ai * bi;
      let im = ar * bi - ai * br;
      const mag = Math.hypot(re, im);
      if (mag > 1e-20) {
        const w = beta === 1 ? 1 / mag : mag ** -beta;
        re *= w;
        im *= w;
      } else {
        re = 0;
        im = 0;
      }
      const dst = k < n / 2 ? k : k === n / 2 ? -1 : N - n + k;
      if (dst >= 0) {
        X[2 * dst] = re;
        X[2 * dst + 1] = im;
      } else {
        // Nyquist bin: split between +N/2 and −N/2 to keep the interpolated signal real
        X[2 * (n / 2)] = re / 2;
        X[2 * (N - n / 2)] = re / 2;
      }
    }
    this.ifft.inverseTransform(this.corr, X);
    const c = this.corr;
    const maxK = Math.min(Math.ceil(maxLag * L), N / 2 - 1);
    let best = -Infinity;
    let bestK = 0;
    for (let k = -maxK; k <= maxK; k++) {
      const idx = k < 0 ? N + k : k;
      const v = c[2 * idx]!;
      if (v > best) {
        best = v;
        bestK = k;
      }
    }
    const at = (k: number): number => c[2 * (k < 0 ? N + k : k)]!;
    const y0 = at(bestK - 1), y1 = best, y2 = at(bestK + 1);
    const denom = y0 - 2 * y1 + y2;
    const frac = denom < 0 ? (0.5 * (y0 - y2)) / denom : 0;
    // inverseTransform scales by 1/N; a perfect PHAT peak is n/N. With β < 1 the height is not a
    // probability, so the confidence is the peak over the correlation's RMS, squashed to 0..1.
    let ss = 0;
    for (let k = 0; k < N; k++) ss += c[2 * k]! * c[2 * k]!;
    const rms = Math.sqrt(ss / N);
    const peak = beta === 1 ? Math.min(1, (best * N) / n) : rms > 0 ? 1 - Math.exp(-best / rms / 10) : 0;
    return { lag: (bestK + Math.max(-0.5, Math.min(0.5, frac))) / L, peak };
  }
}
