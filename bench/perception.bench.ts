import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { bytesReadable, McapSource, type PointCloud2 } from '@sensorium/core';
import { initBackend } from '@sensorium/ml';
import { AudioFrontEnd, createRng, extractXyz, PointCloudPipeline, TouchProcessor, VIT_SEED, VitEncoder } from '@sensorium/perception';
import type { BenchEntry, BenchResult } from './BenchEntry.js';

const REAL = path.resolve(import.meta.dirname, '../../shared/data/real');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median ms of `fn` over `reps` timed runs after `warmup` untimed ones. */
function timeMs(fn: () => unknown, reps: number, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/**
 * A 64-beam, 1563-column spinning-LiDAR scan (100,032 rays) of a ground plane 1.7 m below the sensor
 * with 24 pillars and 6 boxes-as-cylinders out to 25 m; rays that hit nothing are (0, 0, 0) like a real
 * driver's no-returns. Seeded, with 2 cm range noise.
 */
export function syntheticScan(seed = 1): { xyz: Float32Array; count: number } {
  const rng = createRng(seed);
  const rings = 64;
  const cols = 1563;
  const pillars = Array.from({ length: 30 }, (_, i) => ({ x: (rng() - 0.5) * 40, y: (rng() - 0.5) * 40, r: i < 24 ? 0.2 + rng() * 0.3 : 0.8 + rng(), h: 0.5 + rng() * 2 }));
  const xyz = new Float32Array(rings * cols * 3);
  let k = 0;
  for (let ring = 0; ring < rings; ring++) {
    const e = ((-22.5 + (45 * ring) / (rings - 1)) * Math.PI) / 180;
    for (let c = 0; c < cols; c++) {
      const a = -Math.PI + (2 * Math.PI * c) / cols;
      const dx = Math.cos(a), dy = Math.sin(a);
      let range = e < 0 ? 1.7 / Math.tan(-e) : Infinity;
      for (const p of pillars) {
        // horizontal ray–circle intersection, then check the hit height
        const b = dx * p.x + dy * p.y;
        const disc = b * b - (p.x * p.x + p.y * p.y - p.r * p.r);
        if (disc < 0) continue;
        const t = b - Math.sqrt(disc);
        if (t <= 0 || t >= range) continue;
        const z = t * Math.tan(e);
        if (z >= -1.7 && z <= -1.7 + p.h) range = t;
      }
      if (range < 60) {
        const rr = range + (rng() - 0.5) * 0.04;
        xyz[k++] = rr * dx;
        xyz[k++] = rr * dy;
        xyz[k++] = rr * Math.tan(e);
      } else {
        k += 3;
      }
    }
  }
  return { xyz, count: rings * cols };
}

const pointcloud: BenchEntry = {
  name: 'perception.pointcloud.pipeline_100k',
  async run({ quick }) {
    const reps = quick ? 7 : 21;
    const { xyz, count } = syntheticScan();
    const pipeline = new PointCloudPipeline();
    const bytes = Buffer.from(xyz.buffer, xyz.byteOffset, xyz.byteLength);
    const copyTarget = Buffer.alloc(count * 16); // PointCloud2 x y z intensity float32 = 16 B/point
    const src = Buffer.alloc(count * 16);
    bytes.copy(src);
    const ms = timeMs(() => pipeline.process(xyz, count), reps, 10);
    const copyMs = timeMs(() => src.copy(copyTarget), reps * 5);
    const r = pipeline.process(xyz, count);
    const results: BenchResult[] = [
      {
        name: 'perception.pointcloud.pipeline_100k',
        value: ms,
        unit: 'ms/cloud',
        baseline: { name: 'Buffer.copy of the 1.6 MB cloud', value: copyMs },
        ratio: ms / copyMs,
        // The goal is ≤ 10 ms per cloud; expressed on the ratio to this run's copy time.
        goal: { max: 10 / copyMs },
        notes: `synthetic 64×1563 scan: ${r.croppedPoints} points after crop, ${r.voxels} voxels, ground by the ${pipeline.groundStrategy} strategy (${r.ground?.inliers ?? 0} inliers), ${r.obstacles.length} clusters, ${r.structures.length} structure segments; goal 10 ms median on one core`,
      },
    ];
    // The same pipeline on the real Ouster OS1-64 scan (131,072 points, ~46k returns), for scale.
    const source = await McapSource.open(bytesReadable(readFileSync(path.join(REAL, 'mcap/ouster_os1-64_ros2.mcap'))));
    for await (const m of source.messages({ topics: ['/os1_cloud_node/points'] })) {
      const cloud = m.message as PointCloud2;
      let buf: Float32Array = new Float32Array(0);
      const realMs = timeMs(() => {
        const v = extractXyz(cloud, buf);
        buf = v.xyz;
        pipeline.process(v.xyz, v.count);
      }, reps);
      const cloudCopy = Buffer.alloc(cloud.data.byteLength);
      const realCopy = timeMs(() => Buffer.from(cloud.data.buffer, cloud.data.byteOffset, cloud.data.byteLength).copy(cloudCopy), reps * 5);
      results.push({
        name: 'perception.pointcloud.ouster_131k',
        value: realMs,
        unit: 'ms/cloud',
        baseline: { name: 'Buffer.copy of the 6.3 MB PointCloud2 data', value: realCopy },
        ratio: realMs / realCopy,
        goal: { max: 10 / realCopy },
        notes: 'real OS1-64 scan from the MCAP, PointCloud2 field read (point_step 48) + pipeline',
      });
      break;
    }
    return results;
  },
};

const vision: BenchEntry = {
  name: 'perception.vision.vit_gflops',
  async run({ quick }) {
    await initBackend({ log: () => {} });
    const small = new VitEncoder();
    const patchDim = small.config.patchSize ** 2 * 3;
    const input = new Float32Array(small.patches * patchDim).fill(0.1);
    // Plain 2-D matMul of the encoder's dominant shape (tokens × width · width × 4·width), same backend.
    const n = small.patches + 1;
    const d = small.config.dim;
    const a = tf.randomNormal([n, d], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([d, 4 * d], 0, 1, 'float32', 2) as tf.Tensor2D;
    // Same-run ratio that holds on a shared machine (2 cores, other processes training): ViT frames and
    // baseline samples alternate, and each baseline sample is a run of back-to-back matMuls lasting about one
    // frame, so both sides are equally exposed to preemption and stolen time (a lone 0.6 ms matMul almost
    // never is preempted, a 10 ms frame often is). The runs read no result back (on wasm a matMul has
    // finished when it returns): that only makes the baseline faster than one matMul + dataSync. Medians.
    const matMuls = (count: number): void => {
      for (let i = 0; i < count; i++) tf.matMul(a, b).dispose();
    };
    const warmFrame = timeMs(() => small.encode(input), 3, 3);
    const warmMatMul = timeMs(() => matMuls(1), 20, 10);
    const perSample = Math.max(1, Math.round(warmFrame / warmMatMul));
    const rounds = quick ? 11 : 31;
    const frames: number[] = [];
    const mmRuns: number[] = [];
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      small.encode(input);
      frames.push(performance.now() - t0);
      t0 = performance.now();
      matMuls(perSample);
      mmRuns.push((performance.now() - t0) / perSample);
    }
    const smallMs = median(frames);
    const mmMs = median(mmRuns);
    // best of each side too (the least-disturbed sample), for the notes: how far load moved the medians
    const bestRatio = Math.min(...mmRuns) / Math.min(...frames) / ((2 * n * d * 4 * d) / small.flops());
    const smallGflops = small.flops() / smallMs / 1e6;
    const mmGflops = (2 * n * d * 4 * d) / mmMs / 1e6;
    a.dispose();
    b.dispose();
    small.dispose();
    const results: BenchResult[] = [
      {
        name: 'perception.vision.vit_gflops',
        value: smallGflops,
        unit: 'GFLOP/s',
        baseline: { name: `plain 2-D tf.matMul [${n}×${d}]·[${d}×${4 * d}] (${backendName()})`, value: mmGflops },
        ratio: smallGflops / mmGflops,
        goal: { min: 0.7 },
        notes: `default ViT (128², 16-px patches, 192-d, 4 blocks): ${(small.flops() / 1e9).toFixed(3)} GFLOP/frame; medians of ${rounds} frames interleaved with ${rounds} runs of ${perSample} matMuls (best of each: ratio ${bestRatio.toFixed(2)})`,
      },
      {
        name: 'perception.vision.vit_ms_default',
        value: smallMs,
        unit: 'ms/frame',
        baseline: { name: 'same FLOPs at the plain 2-D matMul rate', value: small.flops() / mmGflops / 1e6 },
        ratio: smallMs / (small.flops() / mmGflops / 1e6),
        goal: { max: 1 / 0.7 },
        notes: `${(1000 / smallMs).toFixed(1)} Hz on one core (needs ≥ 10 Hz)`,
      },
    ];
    const seed = new VitEncoder(VIT_SEED);
    const seedInput = new Float32Array(seed.patches * patchDim).fill(0.1);
    const seedMs = timeMs(() => seed.encode(seedInput), quick ? 1 : 3, 1);
    results.push({
      name: 'perception.vision.vit_ms_seed',
      value: seedMs,
      unit: 'ms/frame',
      baseline: { name: 'same FLOPs at the plain 2-D matMul rate', value: seed.flops() / mmGflops / 1e6 },
      ratio: seedMs / (seed.flops() / mmGflops / 1e6),
      goal: { max: 1 / 0.7 },
      notes: `seed ViT-B/16 224² (${(seed.flops() / 1e9).toFixed(1)} GFLOP/frame, ${(seed.parameterCount() / 1e6).toFixed(1)} M params)${quick ? ', 1 frame' : ''}`,
    });
    seed.dispose();
    return results;
  },
};

function backendName(): string {
  return tf.getBackend();
}

const audio: BenchEntry = {
  name: 'perception.audio.frame_100ms',
  async run({ quick }) {
    // 4-channel 16 kHz S16LE chunks of real speech with a clap-like onset every chunk, so DOA runs each time.
    const rng = createRng(3);
    const chunks = 20;
    const pcm = new Float32Array(1600 * 4 * chunks);
    for (let i = 0; i < pcm.length; i++) pcm[i] = 0.01 * (rng() - 0.5);
    for (let c = 0; c < chunks; c += 2) for (let i = 0; i < 400; i++) for (let m = 0; m < 4; m++) {
      const k = (c * 1600 + 200 + i + m) * 4 + m;
      pcm[k] = pcm[k]! + 0.5 * Math.sin(i * 0.3) * Math.exp(-i / 200);
    }
    const fe = new AudioFrontEnd();
    let k = 0;
    let events = 0;
    const step = (): void => {
      const c = k++ % chunks;
      events += fe.process(pcm.subarray(c * 6400, (c + 1) * 6400), 1600, { sampleRate: 16000, channels: 4 }, k * 0.1).events.length;
    };
    const ms = timeMs(step, quick ? 41 : 201, 20);
    return [
      {
        name: 'perception.audio.frame_100ms',
        value: ms,
        unit: 'ms/chunk',
        baseline: { name: 'chunk period (100 ms, constant)', value: 100 },
        ratio: ms / 100,
        goal: { max: 0.1 },
        notes: `4 ch × 1600 samples: log-mel (32 bands) + onsets + GCC-PHAT over 6 pairs on onsets (${events} events in the run)`,
      },
    ];
  },
};

const touch: BenchEntry = {
  name: 'perception.touch.frame',
  async run({ quick }) {
    const taxels = 256;
    const rng = createRng(5);
    const frames = Array.from({ length: 16 }, (_, f) => Float32Array.from({ length: taxels }, (_, i) => (f % 4 === 0 && i < 20 ? 2 : 0.01 * rng())));
    const positions = Float32Array.from({ length: taxels * 3 }, () => rng() - 0.5);
    const tp = new TouchProcessor();
    let k = 0;
    const ms = timeMs(() => tp.process(frames[k++ % frames.length]!, positions, 0.02), quick ? 501 : 2001, 100);
    return [
      {
        name: 'perception.touch.frame',
        value: ms,
        unit: 'ms/frame',
        baseline: { name: 'frame period (20 ms at 50 Hz, constant)', value: 20 },
        ratio: ms / 20,
        goal: { max: 0.05 },
        notes: `${taxels} taxels: baselines, contacts, centroid, bump, token`,
      },
    ];
  },
};

export const entries: BenchEntry[] = [pointcloud, vision, audio, touch];
