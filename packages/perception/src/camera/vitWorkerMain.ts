// Worker-thread side of VitWorker: its own TensorFlow.js wasm backend and a VitEncoder with the main
// thread's weights; encodes patch buffers it is sent and posts tokens back (their buffers transferred).
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@sensorium/ml';
import { VitEncoder, type VitConfig } from './VitEncoder.js';

export type VitWorkerRequest =
  | { kind: 'init'; config: VitConfig; weights: { name: string; shape: number[]; data: Float32Array }[] }
  | { kind: 'encode'; id: number; patches: Float32Array };

export type VitWorkerReply =
  | { kind: 'ready'; backend: string }
  | { kind: 'encoded'; id: number; tokens: Float32Array; obstacleAhead: number; computeMs: number }
  | { kind: 'error'; id?: number; message: string };

const port = parentPort;
if (port === null) throw new Error('vitWorkerMain runs in a worker thread');
let vit: VitEncoder | undefined;

port.on('message', (request: VitWorkerRequest) => {
  void handle(request).catch((error: unknown) => {
    port.postMessage({ kind: 'error', ...(request.kind === 'encode' ? { id: request.id } : {}), message: error instanceof Error ? error.message : String(error) } satisfies VitWorkerReply);
  });
});

async function handle(request: VitWorkerRequest): Promise<void> {
  if (request.kind === 'init') {
    const info = await initBackend({ prefer: ['wasm'], log: () => {} });
    vit = new VitEncoder(request.config);
    const weights = new Map(request.weights.map((w) => [w.name, tf.tensor(w.data, w.shape)]));
    try {
      vit.assignWeights(weights, { file: 'camera_encoder (main thread weights)' });
    } finally {
      for (const t of weights.values()) t.dispose();
    }
    port!.postMessage({ kind: 'ready', backend: info.name } satisfies VitWorkerReply);
    return;
  }
  if (vit === undefined) throw new Error('encode before init');
  const t0 = performance.now();
  const out = vit.encode(request.patches);
  const reply: VitWorkerReply = { kind: 'encoded', id: request.id, tokens: out.tokens, obstacleAhead: out.obstacleAhead, computeMs: performance.now() - t0 };
  port!.postMessage(reply, [out.tokens.buffer as ArrayBuffer]);
}
