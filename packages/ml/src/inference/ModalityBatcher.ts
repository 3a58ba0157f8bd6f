import { ValidationError } from '@sensorium/core';
import { sampleSize, type Feeds, type InferenceSession } from './InferenceSession.js';

export interface ModalityBatcherOptions {
  /** Most samples per run; default 8. */
  maxBatch?: number;
  /** Clock for latency figures, ms; default `performance.now` (tests pass a sim clock). */
  now?: () => number;
}

/** One message's result: its rows of every output and how long it waited + ran. */
export interface BatchedResult {
  outputs: Feeds;
  /** Submit → result, ms (queueing behind a running batch included). */
  latencyMs: number;
  /** Samples in the run that served it. */
  batchSize: number;
}

export interface BatcherStats {
  messages: number;
  runs: number;
  /** Latency of every message served so far is summarised here, ms. */
  meanLatencyMs: number;
  maxLatencyMs: number;
  meanBatch: number;
}

interface Pending {
  feeds: Feeds;
  submittedMs: number;
  resolve: (r: BatchedResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Dynamic batching for one modality's encoder: `submit` one sample; while a run is in flight the
 * messages that arrive (several cameras, or a backlog after a stall) wait, and the next run takes all of
 * them (up to `maxBatch`) as one batch. Nothing waits on a timer: an idle encoder runs a lone message at
 * once (same-tick submissions are gathered by a microtask). Input buffers are allocated once for
 * `maxBatch`; each result's outputs are views into that run's output arrays.
 */
export class ModalityBatcher {
  private readonly queue: Pending[] = [];
  private readonly buffers: Feeds = {};
  private readonly maxBatch: number;
  private readonly now: () => number;
  private running = false;
  private scheduled = false;
  private messages = 0;
  private runs = 0;
  private latencySum = 0;
  private latencyMax = 0;

  constructor(
    readonly session: InferenceSession,
    options: ModalityBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 8;
    if (!(Number.isInteger(this.maxBatch) && this.maxBatch >= 1)) throw new RangeError(`maxBatch must be a positive integer, got ${this.maxBatch}`);
    this.now = options.now ?? (() => performance.now());
    for (const spec of session.model.inputs) this.buffers[spec.name] = new Float32Array(sampleSize(spec) * this.maxBatch);
  }

  /** Queues one sample (each feed holds exactly one sample's values). */
  submit(feeds: Feeds): Promise<BatchedResult> {
    for (const spec of this.session.model.inputs) {
      const data = feeds[spec.name];
      if (data === undefined || data.length !== sampleSize(spec)) {
        return Promise.reject(
          new ValidationError('batched input has the wrong size', { context: { field: `${this.session.model.name}.${spec.name}`, expected: `${sampleSize(spec)} values`, actual: data === undefined ? 'missing' : String(data.length) } }),
        );
      }
    }
    return new Promise<BatchedResult>((resolve, reject) => {
      this.queue.push({ feeds, submittedMs: this.now(), resolve, reject });
      this.schedule();
    });
  }

  stats(): BatcherStats {
    return {
      messages: this.messages,
      runs: this.runs,
      meanLatencyMs: this.messages === 0 ? 0 : this.latencySum / this.messages,
      maxLatencyMs: this.latencyMax,
      meanBatch: this.runs === 0 ? 0 : this.messages / this.runs,
    };
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        const n = batch.length;
        const feeds: Feeds = {};
        for (const spec of this.session.model.inputs) {
          const size = sampleSize(spec);
          const buffer = this.buffers[spec.name]!;
          batch.forEach((p, i) => buffer.set(p.feeds[spec.name]!, i * size));
          feeds[spec.name] = buffer.subarray(0, n * size);
        }
        try {
          const out = await this.session.run(feeds, { batch: n });
          const done = this.now();
          this.runs++;
          batch.forEach((p, i) => {
            const outputs: Feeds = {};
            for (const spec of this.session.model.outputs) {
              const size = sampleSize(spec);
              outputs[spec.name] = out[spec.name]!.subarray(i * size, (i + 1) * size);
            }
            const latencyMs = done - p.submittedMs;
            this.messages++;
            this.latencySum += latencyMs;
            this.latencyMax = Math.max(this.latencyMax, latencyMs);
            p.resolve({ outputs, latencyMs, batchSize: n });
          });
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
