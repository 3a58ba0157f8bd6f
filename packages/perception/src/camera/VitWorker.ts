import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SensoriumError } from '@sensorium/core';
import type { VitEncoder } from './VitEncoder.js';
import type { VitWorkerReply, VitWorkerRequest } from './vitWorkerMain.js';

/** One encoded frame from the worker. */
export interface VitWorkerResult {
  tokens: Float32Array;
  obstacleAhead: number;
  /** Time the worker spent encoding, ms. */
  computeMs: number;
}

/**
 * The camera ViT on TensorFlow.js wasm in a `worker_threads` worker with its own backend, so a frame's
 * ~20–100 ms of wasm compute runs on the second core instead of blocking the event loop that the LiDAR
 * pipeline, fusion and control share. The worker holds a copy of the encoder's weights (sent at start).
 * TypeScript sources load in the worker through tsx's loader (what the CLI runs on); where neither
 * compiled JS nor tsx is at hand, `start` rejects and the node encodes inline.
 *
 * ```ts
 * const worker = await VitWorker.start(vit);
 * const { tokens, obstacleAhead } = await worker.encode(patches);   // patches copied on send
 * await worker.terminate();
 * ```
 */
export class VitWorker {
  private readonly pending = new Map<number, { resolve: (r: VitWorkerResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private terminated = false;

  private constructor(
    private readonly worker: Worker,
    /** The worker's TensorFlow.js backend (`wasm`). */
    readonly backend: string,
  ) {
    worker.on('message', (reply: VitWorkerReply) => {
      if (reply.kind === 'ready') return;
      const id = reply.id;
      const p = id === undefined ? undefined : this.pending.get(id);
      if (p === undefined || id === undefined) return;
      this.pending.delete(id);
      if (reply.kind === 'encoded') p.resolve({ tokens: reply.tokens, obstacleAhead: reply.obstacleAhead, computeMs: reply.computeMs });
      else p.reject(new SensoriumError('camera encoder worker failed', { context: { field: 'camera_vit', actual: reply.message } }));
    });
    // a dead worker answers nothing: mark it so `encode` rejects at once and the node can go inline
    worker.on('error', (error) => {
      this.terminated = true;
      this.failAll(error);
    });
    worker.on('exit', (code) => {
      this.terminated = true;
      this.failAll(new SensoriumError('camera encoder worker exited', { context: { actual: `exit code ${code}` } }));
    });
  }

  /** False once the worker crashed, exited or was terminated. */
  get alive(): boolean {
    return !this.terminated;
  }

  /** Frames sent and not answered yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Starts a worker holding `vit`'s configuration and current weights; resolves once it is ready. */
  static async start(vit: VitEncoder): Promise<VitWorker> {
    const entry = new URL('./vitWorkerMain' + (import.meta.url.endsWith('.ts') ? '.ts' : '.js'), import.meta.url);
    // tsx's ESM api (its `require` export is the .cjs next to it)
    const tsx = entry.pathname.endsWith('.ts') ? pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href : undefined;
    // A CommonJS bootstrap: registers tsx's ESM loader in this thread when the entry is TypeScript, then imports it.
    const bootstrap = `
      const { workerData } = require('node:worker_threads');
      (workerData.tsx ? import(workerData.tsx).then((api) => api.register()) : Promise.resolve()).then(() => import(workerData.entry));`;
    const worker = new Worker(bootstrap, { eval: true, workerData: { entry: entry.href, tsx } });
    const weights = [...vit.weights].map(([name, v]) => ({ name, shape: [...v.shape], data: v.dataSync() as Float32Array }));
    const backend = await new Promise<string>((resolve, reject) => {
      const onMessage = (reply: VitWorkerReply): void => {
        if (reply.kind === 'ready') {
          cleanup();
          resolve(reply.backend);
        } else if (reply.kind === 'error') {
          cleanup();
          reject(new SensoriumError('camera encoder worker failed to start', { context: { file: fileURLToPath(entry), actual: reply.message } }));
        }
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(new SensoriumError('camera encoder worker failed to start', { context: { file: fileURLToPath(entry), actual: error.message }, cause: error }));
      };
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ kind: 'init', config: vit.config, weights } satisfies VitWorkerRequest);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    return new VitWorker(worker, backend);
  }

  /** Encodes one patch buffer (copied on send, so the caller may reuse it at once). */
  encode(patches: Float32Array): Promise<VitWorkerResult> {
    if (this.terminated) return Promise.reject(new SensoriumError('camera encoder worker terminated', { context: { field: 'camera_vit' } }));
    const id = this.nextId++;
    return new Promise<VitWorkerResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ kind: 'encode', id, patches } satisfies VitWorkerRequest);
    });
  }

  /** Stops the worker; frames in flight are rejected. Safe to call twice. */
  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    await this.worker.terminate();
    this.failAll(new SensoriumError('camera encoder worker terminated', { context: { field: 'camera_vit' } }));
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
