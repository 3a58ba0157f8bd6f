import { Subscription } from 'rxjs';
import { SensorDataQoS, approximateTimeSync, bool, defineNode, double, mapSafe, string } from '@sensorium/core';
import type { Detection3DArray, SectorRanges, Time } from '@sensorium/core';
import { backendOrder, inferenceParams, initBackend, nodeSessionOptions, openModelSession, type InferenceSession } from '@sensorium/ml';
import { loadFusionModel } from '../io/modelIO.js';
import type { FusionModel, FusionStepInput, FusionStepOutput } from '../model/FusionModel.js';
import { MODALITIES } from '../Modality.js';
import { FusionNodeLogic } from './FusionNodeLogic.js';
import { fusionNodeModel, SessionFusionStep } from './SessionFusionStep.js';

const parameters = {
  model_dir: string('models/fusion', { description: 'fusion model directory (model.json + weights.bin), relative to the repository root' }),
  rate_hz: double(10, { min: 1, max: 100, description: 'fusion steps per second (fusion/gating and fusion/percept each step)' }),
  stale_timeout: double(0.3, { min: 0.01, max: 10, description: 'an input older than this (s, clock now − header.stamp) is stale: masked, weight 0' }),
  point_encoder_on: double(0.6, { min: 0, max: 1, description: 'gate probability at which the LiDAR point encoder switches on' }),
  point_encoder_off: double(0.4, { min: 0, max: 1, description: 'gate probability at which it switches off again (hysteresis)' }),
  lidar_sync_slop: double(0.05, { min: 0.001, max: 1, description: 'approximateTimeSync max interval (s) pairing a scan’s sector ranges with its obstacles' }),
  frame_id: string('base_link', { description: 'frame of the published percept' }),
  fixed_weights: bool(false, { description: 'ablation: equal weights over the available modalities instead of the learned gate' }),
  // backend, inference_threads, precision, onnx_model (@sensorium/ml inferenceParams)
  ...inferenceParams,
};

const TOKEN_TOPICS = MODALITIES.map((m) => `perception/${m}/tokens`);
const VISION_SCORE_TOPIC = 'perception/vision/obstacle_ahead';

/**
 * `fusion`: perception tokens and cues in, `fusion/gating` (ModalityWeights, active_modules including
 * `lidar_point_encoder` while it should run) and `fusion/percept` (FusedPercept) out, at `rate_hz` on the
 * node's clock. Inputs are latest-value with staleness (a missing or stale modality is gated to 0 and
 * never blocks the others); a scan's sector ranges and obstacles are paired by approximateTimeSync.
 * Bad tokens (wrong dim or count, NaN, stamps out of order) are rejected and counted per reason.
 */
/**
 * What `makeFusionNode` may replace: the closed-loop trainer (REINFORCE in the simulator) runs the real node
 * with the model it is training and a step that explores on the gate logits and records what it saw.
 */
export interface FusionNodeHooks {
  /** The model instead of the one in `model_dir` (the caller owns and disposes it). */
  readonly model?: FusionModel;
  /** Wraps the node's step; gets the model and the node's clock (sim time in simulation). */
  readonly stepper?: (model: FusionModel, now: () => Time) => { step(input: FusionStepInput): FusionStepOutput };
}

/** The `fusion` node definition, optionally with the model and step supplied by the caller (see FusionNodeHooks). */
export function makeFusionNode(hooks: FusionNodeHooks = {}) {
  return defineNode({
    exec: 'fusion',
    description: 'Dynamic gating + cross-modal attention over perception tokens → fusion/gating, fusion/percept',
    parameters,
    inputs: [
      ...MODALITIES.map((m, i) => ({ topic: TOKEN_TOPICS[i] as string, type: 'sensorium_msgs/msg/FeatureTokens' as const, qos: 'sensor' as const, description: `${m} encoder tokens` })),
      { topic: VISION_SCORE_TOPIC, type: 'sensorium_msgs/msg/FeatureTokens', qos: 'sensor', description: 'camera obstacle-ahead score (count 1, dim 1)' },
      { topic: 'perception/lidar/sectors', type: 'sensorium_msgs/msg/SectorRanges', qos: 'sensor', description: 'minimum range per sector (the gate’s LiDAR cue)' },
      { topic: 'perception/obstacles', type: 'vision_msgs/msg/Detection3DArray', qos: 'sensor', description: 'LiDAR obstacles (nearest → obstacle summary)' },
      { topic: 'perception/audio/events', type: 'sensorium_msgs/msg/AudioEventArray', qos: 'sensor', description: 'audio events (level, bearing)' },
      { topic: 'perception/touch/contacts', type: 'sensorium_msgs/msg/TouchContacts', qos: 'sensor', description: 'touch contacts' },
    ],
    outputs: [
      { topic: 'fusion/gating', type: 'sensorium_msgs/msg/ModalityWeights', description: 'modality weights, stale flags, active modules' },
      { topic: 'fusion/percept', type: 'sensorium_msgs/msg/FusedPercept', description: 'fused embedding, weights, obstacle summary' },
    ],
    async configure(ctx) {
      const p = ctx.params;
      const tfjs = await initBackend({ log: (m) => ctx.log.info(m) });
      const model = hooks.model ?? (await loadFusionModel({ read: (path) => ctx.readResource(path) }, p.model_dir));
      // ONNX Runtime runs the exported step; TensorFlow.js runs the model's own step (the reference the export
      // is tested against), as does the fixed-weights ablation, which is not in the graph.
      let session: InferenceSession | undefined;
      if (hooks.stepper === undefined && backendOrder(p.backend).includes('onnxruntime') && !p.fixed_weights && model.lora === null) {
        session = await openModelSession(fusionNodeModel(model), nodeSessionOptions(ctx, { backend: 'onnxruntime' })).catch((error: unknown) => {
          ctx.log.warn(`fusion: ONNX Runtime unavailable (${error instanceof Error ? error.message : String(error)}); falling back to TensorFlow.js`);
          return undefined;
        });
      }
      if (session === undefined) ctx.log.info(`fusion: inference on TensorFlow.js ${tfjs.name} (FusionModel.step)${p.fixed_weights ? ', fixed-weights ablation' : ''}`);
      ctx.diagnostics.gauge('inference_backend', session?.backend ?? tfjs.name);
      const topics = Object.fromEntries(MODALITIES.map((m, i) => [m, ctx.resolve(TOKEN_TOPICS[i] as string)]));
      const logic = new FusionNodeLogic(model, {
        staleTimeoutSec: p.stale_timeout,
        pointEncoderOn: p.point_encoder_on,
        pointEncoderOff: p.point_encoder_off,
        topics,
        frameId: p.frame_id,
        fixedWeights: p.fixed_weights,
        ...(hooks.stepper !== undefined
          ? { stepper: hooks.stepper(model, () => ctx.clock.now()) }
          : session === undefined
            ? {}
            : { stepper: new SessionFusionStep(model, session) }),
      });
      ctx.log.info('fusion model loaded', { model_dir: p.model_dir, params: model.paramCount() });
      let disposed = false;
      return {
        activate() {
          const subscription = new Subscription();
          const gating = ctx.advertise('fusion/gating', 'sensorium_msgs/msg/ModalityWeights');
          const percept = ctx.advertise('fusion/percept', 'sensorium_msgs/msg/FusedPercept');
          MODALITIES.forEach((_, i) => {
            const topic = TOKEN_TOPICS[i] as string;
            subscription.add(
              ctx
                .subscribe(topic, 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS)
                .pipe(mapSafe(ctx, topic, (msg) => logic.onTokens(i, msg)))
                .subscribe(),
            );
          });
          subscription.add(
            ctx
              .subscribe(VISION_SCORE_TOPIC, 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS)
              .pipe(mapSafe(ctx, VISION_SCORE_TOPIC, (msg) => logic.onVisionScore(msg)))
              .subscribe(),
          );
          const sectors$ = ctx.subscribe('perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges', SensorDataQoS);
          const obstacles$ = ctx.subscribe('perception/obstacles', 'vision_msgs/msg/Detection3DArray', SensorDataQoS);
          // Sectors feed the gate on their own (obstacles never arriving must not block them)…
          subscription.add(sectors$.pipe(mapSafe(ctx, 'perception/lidar/sectors', (msg) => logic.onSectors(msg))).subscribe());
          // …and the obstacle summary takes detections from the same scan as the sectors.
          subscription.add(
            approximateTimeSync<[SectorRanges, Detection3DArray]>([sectors$, obstacles$], {
              queueSize: 5,
              maxIntervalDurationSec: p.lidar_sync_slop,
              onDrop: (topicIndex) => ctx.diagnostics.drop(topicIndex === 0 ? 'perception/lidar/sectors' : 'perception/obstacles', 'sync_queue_full'),
            })
              .pipe(mapSafe(ctx, 'perception/obstacles', ([, obstacles]) => logic.onObstacles(obstacles)))
              .subscribe(),
          );
          subscription.add(
            ctx
              .subscribe('perception/audio/events', 'sensorium_msgs/msg/AudioEventArray', SensorDataQoS)
              .pipe(mapSafe(ctx, 'perception/audio/events', (msg) => logic.onAudioEvents(msg)))
              .subscribe(),
          );
          subscription.add(
            ctx
              .subscribe('perception/touch/contacts', 'sensorium_msgs/msg/TouchContacts', SensorDataQoS)
              .pipe(mapSafe(ctx, 'perception/touch/contacts', (msg) => logic.onTouchContacts(msg)))
              .subscribe(),
          );
          subscription.add(
            ctx.clock
              .interval(1 / p.rate_hz)
              .pipe(
                mapSafe(ctx, 'fusion/percept', (now) => {
                  const started = performance.now();
                  const out = logic.step(now);
                  gating.publish(out.gating);
                  percept.publish(out.percept);
                  ctx.diagnostics.stage('fusion', performance.now() - started, out.sensorStamp ?? undefined);
                  ctx.diagnostics.gauge('vision_weight', out.gating.weights[0] ?? 0);
                  ctx.diagnostics.gauge('point_encoder', logic.pointEncoder.isOn ? 'on' : 'off');
                }),
              )
              .subscribe(),
          );
          subscription.add(() => {
            gating.close();
            percept.close();
          });
          return subscription;
        },
        async shutdown() {
          if (disposed) return;
          disposed = true;
          await session?.dispose();
          if (hooks.model === undefined) model.dispose();
        },
      };
    },
  });
}

export const fusionNode = makeFusionNode();
