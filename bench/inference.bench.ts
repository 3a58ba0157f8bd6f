import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { createInferenceSession, exportVitOnnx, initBackend, ModalityBatcher, vitOnnxIo, weightsFromTensors } from '@sensorium/ml';
import { VIT_SEED, VIT_SMALL, VitEncoder, type VitConfig } from '@sensorium/perception';
import type { BenchEntry, BenchResult } from './BenchEntry.js';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeMs(fn: () => Promise<unknown> | unknown, reps: number, warmup: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

function seeded(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin(i * 0.731) * 1.5;
  return out;
}

interface VitCase {
  label: string;
  config: VitConfig;
  vit: VitEncoder;
  patches: Float32Array;
  pd: number;
}

function vitCase(label: string, config: VitConfig): VitCase {
  const vit = new VitEncoder(config);
  const pd = config.patchSize * config.patchSize * 3;
  return { label, config, vit, patches: seeded(vit.patches * pd), pd };
}

async function ortSession(bytes: Uint8Array, threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
}

function maxRelError(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - b[i]!));
    m = Math.max(m, Math.abs(b[i]!));
  }
  return d / Math.max(m, 1e-6);
}

const ortVsTfjs: BenchEntry = {
  name: 'inference.vision.ort_vs_tfjs',
  async run({ quick }) {
    const { name: backend } = await initBackend({ prefer: ['wasm'], log: () => {} });
    const results: BenchResult[] = [];
    const cases = [vitCase('default', VIT_SMALL)];
    // ViT-B/16 takes seconds per frame on tfjs-wasm: only in the full run
    if (!quick) cases.push(vitCase('seed', VIT_SEED));
    for (const c of cases) {
      const reps = c.label === 'seed' ? 3 : quick ? 7 : 21;
      const session = await ortSession(exportVitOnnx(weightsFromTensors(c.vit.weights), c.config), 1);
      const feed = { patches: new ort.Tensor('float32', c.patches, [1, c.vit.patches, c.pd]) };
      const ortMs = await timeMs(() => session.run(feed), reps, 3);
      const tfjsMs = await timeMs(() => c.vit.encode(c.patches), reps, 2);
      const check = (await session.run(feed))['tokens']!.data as Float32Array;
      const err = maxRelError(check, c.vit.encode(c.patches).tokens);
      results.push({
        name: `inference.vision.ort_vs_tfjs.${c.label}`,
        value: ortMs,
        unit: 'ms/frame',
        baseline: { name: `same ViT on tfjs-${backend}`, value: tfjsMs },
        ratio: ortMs / tfjsMs,
        goal: { max: 0.3 },
        notes: `${c.label} ViT ${c.config.imageSize}² dim ${c.config.dim} depth ${c.config.depth}; ORT CPU 1 thread; max rel. token difference ${err.toExponential(1)}`,
      });
      await session.release();
      c.vit.dispose();
    }
    return results;
  },
};

const int8VsFp32: BenchEntry = {
  name: 'inference.vision.int8_vs_fp32',
  async run({ quick }) {
    const results: BenchResult[] = [];
    const cases = [vitCase('default', VIT_SMALL), vitCase('seed', VIT_SEED)];
    for (const c of cases) {
      const reps = c.label === 'seed' ? (quick ? 3 : 7) : quick ? 11 : 31;
      const w = weightsFromTensors(c.vit.weights);
      const fp32 = await ortSession(exportVitOnnx(w, c.config), 1);
      const int8 = await ortSession(exportVitOnnx(w, c.config, { int8: true }), 1);
      const batch = 4;
      const data = new Float32Array(batch * c.patches.length);
      for (let b = 0; b < batch; b++) data.set(c.patches.map((v, i) => v * Math.cos(b + i * 1e-3)), b * c.patches.length);
      const feed = { patches: new ort.Tensor('float32', data, [batch, c.vit.patches, c.pd]) };
      const fpMs = (await timeMs(() => fp32.run(feed), reps, 2)) / batch;
      const i8Ms = (await timeMs(() => int8.run(feed), reps, 2)) / batch;
      const a = await fp32.run(feed);
      const b = await int8.run(feed);
      const tokErr = maxRelError(b['tokens']!.data as Float32Array, a['tokens']!.data as Float32Array);
      const pa = a['obstacle_ahead']!.data as Float32Array;
      const pb = b['obstacle_ahead']!.data as Float32Array;
      let probErr = 0;
      for (let i = 0; i < batch; i++) probErr = Math.max(probErr, Math.abs(pa[i]! - pb[i]!));
      results.push({
        name: `inference.vision.int8_vs_fp32.${c.label}`,
        value: i8Ms,
        unit: 'ms/frame',
        baseline: { name: 'same ViT fp32 on ORT', value: fpMs },
        ratio: i8Ms / fpMs,
        goal: { max: 0.6 },
        notes: `${c.label} ViT, batch ${batch}, ORT CPU 1 thread; int8 vs fp32: max rel. token error ${(tokErr * 100).toFixed(2)}%, obstacle prob. error ${probErr.toFixed(4)}`,
      });
      await fp32.release();
      await int8.release();
      c.vit.dispose();
    }
    tf.disposeVariables();
    return results;
  },
};

const batching: BenchEntry = {
  name: 'inference.vision.batched_4_cameras',
  async run({ quick }) {
    await initBackend({ prefer: ['wasm'], log: () => {} });
    const c = vitCase('default', VIT_SMALL);
    const bytes = exportVitOnnx(weightsFromTensors(c.vit.weights), c.config);
    const session = await createInferenceSession({ name: 'camera_vit', ...vitOnnxIo(c.config), onnxFile: 'camera_vit.onnx', read: () => Promise.resolve(bytes) }, { prefer: ['onnxruntime'], log: () => {} });
    const frames = [0, 1, 2, 3].map((k) => c.patches.map((v, i) => v * Math.cos(k + i * 1e-3)));
    const batcher = new ModalityBatcher(session, { maxBatch: 4 });
    const reps = quick ? 7 : 21;
    const batchedLatency: number[] = [];
    const sequentialLatency: number[] = [];
    const batchedMean: number[] = [];
    const sequentialMean: number[] = [];
    for (let r = 0; r < reps + 2; r++) {
      // four cameras' frames arrive together: as one batch…
      const results = await Promise.all(frames.map((f) => batcher.submit({ patches: f })));
      // …or one after another (each waits for the ones before it)
      const t0 = performance.now();
      const lat: number[] = [];
      for (const f of frames) {
        await session.run({ patches: f }, { batch: 1 });
        lat.push(performance.now() - t0);
      }
      if (r < 2) continue; // warm-up
      batchedLatency.push(Math.max(...results.map((x) => x.latencyMs)));
      sequentialLatency.push(lat[lat.length - 1]!);
      batchedMean.push(results.reduce((s, x) => s + x.latencyMs, 0) / results.length);
      sequentialMean.push(lat.reduce((s, x) => s + x, 0) / lat.length);
    }
    await session.dispose();
    c.vit.dispose();
    const value = median(batchedLatency);
    const base = median(sequentialLatency);
    return [
      {
        name: 'inference.vision.batched_4_cameras',
        value,
        unit: 'ms to serve all 4 (last message latency)',
        baseline: { name: 'same 4 frames run one at a time', value: base },
        ratio: value / base,
        goal: { max: 1 },
        notes: `default ViT on ORT CPU 1 thread; batches of ${batcher.stats().meanBatch.toFixed(1)}; mean latency per message ${median(batchedMean).toFixed(2)} ms batched vs ${median(sequentialMean).toFixed(2)} ms one at a time (batching trades the first messages' latency for throughput)`,
      },
    ];
  },
};

export const entries: BenchEntry[] = [ortVsTfjs, int8VsFp32, batching];
