/**
 * Streaming band-limited resampler (windowed sinc, Blackman window, `halfTaps` zero crossings per side)
 * for interleaved multichannel float audio at any rate ratio. Keeps the input tail between chunks so
 * chunk boundaries are seamless; the cutoff drops to the output Nyquist when downsampling (anti-aliasing).
 * Output is written to an internal buffer reused across calls.
 */
export class Resampler {
  readonly ratio: number;
  private history: Float32Array;
  /** Frames in `history`. */
  private held = 0;
  /** Input position (frames, relative to history[0]) of the next output frame. */
  private pos: number;
  private out = new Float32Array(0);
  private readonly cutoff: number;

  constructor(
    readonly inRate: number,
    readonly outRate: number,
    readonly channels: number,
    readonly halfTaps = 16,
  ) {
    if (!(inRate > 0 && outRate > 0)) throw new RangeError(`sample rates must be > 0 (got ${inRate} → ${outRate})`);
    this.ratio = inRate / outRate;
    this.cutoff = Math.min(1, outRate / inRate);
    this.history = new Float32Array(0);
    this.pos = this.span();
  }

  /** Taps either side of the centre, in input frames. */
  private span(): number {
    return Math.ceil(this.halfTaps / this.cutoff);
  }

  /** Resamples `frames` interleaved frames; returns a view of the output valid until the next call. */
  process(input: Float32Array, frames: number): Float32Array {
    const ch = this.channels;
    if (this.inRate === this.outRate) return input.subarray(0, frames * ch);
    const span = this.span();
    const need = (this.held + frames) * ch;
    if (this.history.length < need) {
      const grown = new Float32Array(need * 2);
      grown.set(this.history.subarray(0, this.held * ch));
      this.history = grown;
    }
    this.history.set(input.subarray(0, frames * ch), this.held * ch);
    this.held += frames;
    const maxOut = Math.ceil(frames / this.ratio) + 2;
    if (this.out.length < maxOut * ch) this.out = new Float32Array(maxOut * ch * 2);
    const h = this.history;
    const fc = this.cutoff;
    let n = 0;
    // an output frame needs `span` input frames after it
    while (this.pos + span < this.held) {
      const centre = Math.floor(this.pos);
      const frac = this.pos - centre;
      for (let c = 0; c < ch; c++) this.out[n * ch + c] = 0;
      let norm = 0;
      for (let k = -span + 1; k <= span; k++) {
        const i = centre + k;
        if (i < 0) continue;
        const x = (k - frac) * fc;
        const w = blackman((k - frac) / (span + 1));
        const s = (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)) * w;
        norm += s;
        for (let c = 0; c < ch; c++) this.out[n * ch + c]! += s * h[i * ch + c]!;
      }
      // normalise the DC gain exactly (the truncated kernel's sum is not quite 1/fc)
      const g = norm === 0 ? 0 : 1 / norm;
      for (let c = 0; c < ch; c++) this.out[n * ch + c]! *= g;
      n++;
      this.pos += this.ratio;
    }
    // drop history no output frame will need again
    const drop = Math.max(0, Math.floor(this.pos) - span);
    if (drop > 0) {
      h.copyWithin(0, drop * ch, this.held * ch);
      this.held -= drop;
      this.pos -= drop;
    }
    return this.out.subarray(0, n * ch);
  }
}

function blackman(t: number): number {
  // t in (-1, 1)
  const x = (t + 1) / 2;
  return 0.42 - 0.5 * Math.cos(2 * Math.PI * x) + 0.08 * Math.cos(4 * Math.PI * x);
}
