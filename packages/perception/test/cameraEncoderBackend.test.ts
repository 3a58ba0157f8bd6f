import { LocalTransport, NodeRuntime, SensorDataQoS, SimClock, type FeatureTokens, type Image, type Logger } from '@sensorium/core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '@sensorium/ml';
import { cameraEncoder, VitEncoder } from '../src/index.js';
import { VitWorker } from '../src/camera/VitWorker.js';

const SMALL = { image_size: 64, width: 32, depth: 1, heads: 2 };

/** Runs camera_encoder with `params` on three images; its tokens, scores, gauges and log lines. */
async function encode(params: Record<string, unknown>, files: Record<string, Uint8Array> = {}, options: { expect?: number } = {}) {
  const logs: string[] = [];
  const logger: Logger = { debug() {}, info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) };
  const transport = new LocalTransport();
  const node = new NodeRuntime(cameraEncoder, {
    transport,
    clock: new SimClock(),
    logger,
    params: [{ values: { ...SMALL, ...params } }],
    readResource: (p) => (files[p] === undefined ? Promise.reject(new Error(`ENOENT ${p}`)) : Promise.resolve(files[p])),
  });
  const tokens: FeatureTokens[] = [];
  const scores: FeatureTokens[] = [];
  transport.subscribe('/perception/vision/tokens', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS).subscribe((m) => tokens.push(m));
  transport.subscribe('/perception/vision/obstacle_ahead', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS).subscribe((m) => scores.push(m));
  await node.configure();
  node.activate();
  const images = transport.advertise('/camera/image_raw', 'sensor_msgs/msg/Image');
  for (let i = 0; i < 3; i++) {
    const data = new Uint8Array(80 * 60 * 3);
    for (let k = 0; k < data.length; k++) data[k] = (k * (7 + i) + i * 31) % 256; // a different seeded pattern per frame
    const image: Image = { header: { stamp: { sec: 1 + i, nanosec: 0 }, frame_id: 'camera_link' }, width: 80, height: 60, encoding: 'rgb8', is_bigendian: 0, step: 240, data };
    images.publish(image);
  }
  // inline: every frame is answered before publish returns, whichever backend
  const published = tokens.length;
  // in a worker, answers arrive as messages: wait for them (no timer: resolved by the subscription)
  if (options.expect !== undefined && tokens.length < options.expect) {
    await new Promise<void>((resolve) => transport.subscribe('/perception/vision/tokens', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS).subscribe(() => tokens.length >= options.expect! && resolve()));
  }
  const gauges = node.diagnostics.snapshot().gauges;
  const drops = node.diagnostics.snapshot().drops;
  await node.shutdown();
  return { tokens, scores, published, backend: gauges['inference_backend'], thread: gauges['encoder_thread'], drops, logs };
}

function maxRelative(a: readonly FeatureTokens[], b: readonly FeatureTokens[]): number {
  let d = 0;
  let m = 0;
  a.forEach((msg, i) => {
    const other = b[i]!.data;
    msg.data.forEach((v, k) => {
      d = Math.max(d, Math.abs(v - other[k]!));
      m = Math.max(m, Math.abs(other[k]!));
    });
  });
  return d / Math.max(m, 1e-6);
}

describe('camera_encoder backends', () => {
  it('auto runs on ONNX Runtime, tfjs on wasm; same tokens and scores (1e-4), answered in the same tick', async () => {
    const ort = await encode({ backend: 'auto' });
    const tfjs = await encode({ backend: 'tfjs' });
    expect(ort.backend).toBe('onnxruntime');
    expect(tfjs.backend).toBe('wasm');
    expect(ort.logs.join('\n')).toMatch(/camera_vit: inference on onnxruntime/);
    expect(ort.published).toBe(3);
    expect(tfjs.published).toBe(3);
    expect(ort.tokens.map((t) => [t.count, t.dim, t.header.stamp.sec])).toEqual(tfjs.tokens.map((t) => [t.count, t.dim, t.header.stamp.sec]));
    expect(maxRelative(ort.tokens, tfjs.tokens)).toBeLessThan(1e-4);
    expect(maxRelative(ort.scores, tfjs.scores)).toBeLessThan(1e-4);
    // frames differ, so their tokens must too (the comparison above is not between constants)
    expect(maxRelative([ort.tokens[0]!], [ort.tokens[1]!])).toBeGreaterThan(1e-3);
  });

  it('worker on: tfjs-wasm in a worker thread, same tokens as inline; a frame arriving while two wait replaces the older', async () => {
    const inline = await encode({ backend: 'tfjs', worker: 'off' });
    const threaded = await encode({ backend: 'tfjs', worker: 'on' }, {}, { expect: 2 });
    expect(inline.thread).toBe('inline');
    expect(threaded.thread).toBe('worker');
    expect(threaded.published).toBe(0); // nothing answered inside the callback: the event loop was free
    // frame 1 went to the worker, frame 2 waited, frame 3 replaced it
    expect(threaded.tokens.map((t) => t.header.stamp.sec)).toEqual([1, 3]);
    expect(threaded.drops.find((d) => d.reason === 'encoder_busy')?.count).toBe(1);
    expect(maxRelative(threaded.tokens, [inline.tokens[0]!, inline.tokens[2]!])).toBeLessThan(1e-6);
    expect(maxRelative(threaded.scores, [inline.scores[0]!, inline.scores[2]!])).toBeLessThan(1e-6);
  });

  it('worker auto under sim time stays inline (deterministic runs); on ONNX Runtime there is no worker', async () => {
    expect((await encode({ backend: 'tfjs', worker: 'auto' })).thread).toBe('inline');
    expect((await encode({ backend: 'auto', worker: 'on' })).thread).toBe('inline');
  });

  it('a corrupt onnx_model fails ONNX Runtime naming the file, and the node falls back to tfjs saying so', async () => {
    const corrupt = new Uint8Array(256).map((_, i) => (i * 37) % 256);
    const run = await encode({ backend: 'auto', onnx_model: 'models/onnx/camera_vit.onnx' }, { 'models/onnx/camera_vit.onnx': corrupt });
    expect(run.backend).toBe('wasm');
    expect(run.logs.join('\n')).toMatch(/onnxruntime cannot load the model.*models\/onnx\/camera_vit\.onnx.*falling back to the next backend/);
    expect(run.published).toBe(3);
  });

  it('precision int8 runs the int8 graph: tokens close to float but not equal', async () => {
    const fp32 = await encode({ backend: 'onnxruntime' });
    const int8 = await encode({ backend: 'onnxruntime', precision: 'int8' });
    const err = maxRelative(int8.tokens, fp32.tokens);
    expect(err).toBeGreaterThan(0);
    expect(err).toBeLessThan(0.05);
  });

  it('VitWorker: encodes as the encoder does; once terminated it is not alive and rejects (the node then goes inline)', async () => {
    await initBackend({ prefer: ['wasm'], log: () => {} });
    const vit = new VitEncoder({ imageSize: 64, dim: 32, depth: 1, heads: 2 });
    const worker = await VitWorker.start(vit);
    expect(worker.backend).toBe('wasm');
    const patches = new Float32Array(64 * 64 * 3).map((_, i) => Math.sin(i * 0.37));
    const want = vit.encode(patches);
    const got = await worker.encode(patches);
    expect(Array.from(got.tokens)).toEqual(Array.from(want.tokens));
    expect(got.obstacleAhead).toBe(want.obstacleAhead);
    expect(worker.alive).toBe(true);
    await worker.terminate();
    await worker.terminate(); // twice-safe
    expect(worker.alive).toBe(false);
    await expect(worker.encode(patches)).rejects.toThrow(/terminated/);
    vit.dispose();
  });
});
