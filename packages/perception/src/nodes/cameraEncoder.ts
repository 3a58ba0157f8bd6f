import { defineNode, integer, mapSafe, SensorDataQoS, string, type Header } from '@sensorium/core';
import { inferenceParams, initBackend, nodeSessionOptions, openModelSession } from '@sensorium/ml';
import { imageToPatches } from '../camera/imageToPatches.js';
import { VitEncoder } from '../camera/VitEncoder.js';
import { VitWorker } from '../camera/VitWorker.js';
import { loadModelInto } from './loadModelInto.js';

/**
 * `camera_encoder`: Image (rgb8, bgr8, rgba8, bgra8, mono8, mono16, …) → bilinear resize + normalise
 * straight into patches → ViT → `perception/vision/tokens` and the obstacle-ahead score on
 * `perception/vision/obstacle_ahead` (FeatureTokens, count 1, dim 1; also the gauge `obstacle_ahead`).
 * The ViT runs through `openModelSession` (`backend` auto: ONNX Runtime on the weights exported at start,
 * else TensorFlow.js), chosen and logged at configure; the gauge `inference_backend` says which.
 */
export const cameraEncoder = defineNode({
  exec: 'camera_encoder',
  description: 'ViT camera encoder: image → tokens + obstacle-ahead score',
  parameters: {
    image_size: integer(128, { min: 16, max: 1024, description: 'square model input side, px (multiple of patch_size)' }),
    patch_size: integer(16, { min: 2, max: 64, description: 'ViT patch side, px' }),
    width: integer(192, { min: 8, max: 2048, description: 'transformer width' }),
    depth: integer(4, { min: 1, max: 48, description: 'transformer blocks' }),
    heads: integer(3, { min: 1, max: 64, description: 'attention heads (width divisible by heads)' }),
    pool: integer(2, { min: 1, max: 16, description: 'patch tokens average-pooled pool×pool before publishing' }),
    token_dim: integer(64, { min: 1, max: 4096, description: 'width of published tokens' }),
    seed: integer(1, { min: 0, max: 2 ** 31 - 1, description: 'initial-weight seed when no model is given' }),
    model: string('', { description: 'model.json of trained weights (resource path); empty = seeded initial weights' }),
    ...inferenceParams,
    worker: string('auto', {
      choices: ['auto', 'on', 'off'],
      description:
        'encode in a worker thread (own tfjs-wasm backend, second core): auto = when on TensorFlow.js wasm with the system clock (real time; under sim time compute takes no time, so inline keeps runs deterministic); on = whenever on TensorFlow.js; off = inline',
    }),
  },
  inputs: [{ topic: 'camera/image_raw', type: 'sensor_msgs/msg/Image', qos: 'sensor' }],
  outputs: [
    { topic: 'perception/vision/tokens', type: 'sensorium_msgs/msg/FeatureTokens', qos: 'sensor' },
    { topic: 'perception/vision/obstacle_ahead', type: 'sensorium_msgs/msg/FeatureTokens', qos: 'sensor', description: 'obstacle-ahead probability (count 1, dim 1)' },
  ],
  async configure(ctx) {
    const p = ctx.params;
    // the weights live in tfjs variables (the training format) whichever backend runs them
    await initBackend({ log: (m) => ctx.log.info(m) });
    const vit = new VitEncoder({ imageSize: p.image_size, patchSize: p.patch_size, dim: p.width, depth: p.depth, heads: p.heads, pool: p.pool, tokenDim: p.token_dim, seed: p.seed });
    if (p.model !== '') await loadModelInto(vit, p.model, (path) => ctx.readResource(path));
    const session = await openModelSession(vit.nodeModel(), nodeSessionOptions(ctx));
    ctx.diagnostics.gauge('inference_backend', session.backend);
    // ONNX Runtime has its own intra-op threads (inference_threads); the wasm fallback runs in one thread,
    // the event loop's unless a worker takes it.
    const onTfjs = session.backend !== 'onnxruntime';
    const wantWorker = p.worker === 'on' ? onTfjs : p.worker === 'auto' && session.backend === 'wasm' && ctx.clock.kind === 'system';
    let worker: VitWorker | undefined;
    if (wantWorker) {
      worker = await VitWorker.start(vit).catch((error: unknown) => {
        ctx.log.warn(`camera_vit: no worker thread (${error instanceof Error ? error.message : String(error)}); encoding inline`);
        return undefined;
      });
      if (worker !== undefined) ctx.log.info(`camera_vit: encoding in a worker thread (TensorFlow.js ${worker.backend}); the event loop stays free for LiDAR, fusion and control`);
    }
    ctx.diagnostics.gauge('encoder_thread', worker === undefined ? 'inline' : 'worker');
    const patches = new Float32Array(p.image_size * p.image_size * 3);
    const feeds = { patches };
    /** Worker mode: the newest frame waiting while one is encoded (older waiting frames are dropped). */
    const queued = { patches: new Float32Array(patches.length), header: undefined as Header | undefined, arrivedMs: 0 };
    let inFlight = false;
    let stopped = false;
    const layout = { imageSize: p.image_size, patchSize: p.patch_size };
    return {
      activate() {
        const tokens = ctx.advertise('perception/vision/tokens', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS);
        const score = ctx.advertise('perception/vision/obstacle_ahead', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS);
        const publish = (header: Header, data: Float32Array, ahead: Float32Array, arrivedMs: number): void => {
          tokens.publish({ header, modality: 'vision', count: vit.outTokens, dim: p.token_dim, data });
          score.publish({ header, modality: 'vision', count: 1, dim: 1, data: ahead });
          ctx.diagnostics.gauge('obstacle_ahead', ahead[0]!);
          ctx.diagnostics.stage('vit_encoder', performance.now() - arrivedMs, header.stamp);
        };
        const sendToWorker = (w: VitWorker, buffer: Float32Array, header: Header, arrivedMs: number): void => {
          inFlight = true;
          w.encode(buffer).then(
            (out) => {
              if (stopped) return;
              publish(header, out.tokens, Float32Array.of(out.obstacleAhead), arrivedMs);
              next(w);
            },
            (error: unknown) => {
              if (stopped) return;
              ctx.diagnostics.drop(ctx.resolve('camera/image_raw'), 'worker_error', error);
              if (!w.alive && worker === w) {
                // the worker died: keep the camera going on the event loop
                ctx.log.error(`camera_vit: worker thread failed (${error instanceof Error ? error.message : String(error)}); encoding inline`);
                worker = undefined;
                ctx.diagnostics.gauge('encoder_thread', 'inline');
                inFlight = false;
                queued.header = undefined;
                return;
              }
              next(w);
            },
          );
        };
        const next = (w: VitWorker): void => {
          inFlight = false;
          const h = queued.header;
          if (h === undefined) return;
          queued.header = undefined;
          sendToWorker(w, queued.patches, h, queued.arrivedMs);
        };
        return ctx
          .subscribe('camera/image_raw', 'sensor_msgs/msg/Image', SensorDataQoS)
          .pipe(
            mapSafe(ctx, 'camera/image_raw', (image) => {
              const t0 = performance.now();
              imageToPatches(image, layout, patches);
              const header = { stamp: image.header.stamp, frame_id: image.header.frame_id };
              if (worker === undefined) {
                const out = session.runSync(feeds, { batch: 1 });
                publish(header, out['tokens']!, out['obstacle_ahead']!, t0);
              } else if (!inFlight) {
                sendToWorker(worker, patches, header, t0); // copied on send: the buffer is free again
              } else {
                // a camera stream is latest-value: one frame waits, an older waiting one is dropped
                if (queued.header !== undefined) ctx.diagnostics.drop(ctx.resolve('camera/image_raw'), 'encoder_busy');
                queued.patches.set(patches);
                queued.header = header;
                queued.arrivedMs = t0;
              }
            }),
          )
          .subscribe();
      },
      async shutdown() {
        stopped = true;
        await worker?.terminate();
        await session.dispose();
        vit.dispose();
      },
    };
  },
});
