import { Subscription } from 'rxjs';
import type { AudioEventArray, Detection3DArray, FeatureTokens, SectorRanges, Time, TouchContacts, Transport } from '@sensorium/core';
import type { FusionModel } from '../model/FusionModel.js';
import { MODALITIES } from '../Modality.js';
import { FusionNodeLogic } from '../node/FusionNodeLogic.js';
import { SimGroundTruth, type SimGroundTruthOptions } from './SimGroundTruth.js';
import type { FusionDataset, FusionSample } from './FusionSample.js';

export type { RecordedFault } from './SimGroundTruth.js';

export interface SimRecorderOptions extends SimGroundTruthOptions {
  /** Same staleness as the fusion node (s). */
  staleTimeoutSec?: number;
}

/**
 * Best effort matches every publisher (a reliable subscription to a best-effort sensor topic would get
 * nothing, as in ROS); the runner's own taps do the same.
 */
const SENSOR = { reliability: 'best_effort' } as const;

/**
 * Builds FusionSamples from a simulator run: it listens to the same perception topics as the fusion
 * node (through a FusionNodeLogic, so inputs are computed exactly as the node computes them) and, at
 * each `fusion/gating` message (one per fusion step), records the node's inputs with labels from ground
 * truth (`sim/world`, `goal_pose`) and the driving command on `cmd_vel` (the expert's).
 */
export class SimRecorder {
  readonly samples: FusionSample[] = [];
  private readonly logic: FusionNodeLogic;
  private readonly truth: SimGroundTruth;
  private command: { linear: number; angular: number } | null = null;

  constructor(model: FusionModel, options: SimRecorderOptions = {}) {
    this.logic = new FusionNodeLogic(model, { staleTimeoutSec: options.staleTimeoutSec ?? 0.3, pointEncoderOn: 0.6, pointEncoderOff: 0.4 });
    this.truth = new SimGroundTruth(options);
  }

  /** Subscribes on `transport` (absolute topic names, root namespace); unsubscribe the result to stop. */
  attach(transport: Transport, now: () => Time): Subscription {
    const sub = new Subscription();
    const safe =
      <T>(fn: (m: T) => void) =>
      (m: T): void => {
        try {
          fn(m);
        } catch {
          // The node drops the same bad inputs; the recorder just skips them.
        }
      };
    MODALITIES.forEach((m, i) => {
      sub.add(transport.subscribe(`/perception/${m}/tokens`, 'sensorium_msgs/msg/FeatureTokens', SENSOR).subscribe(safe((msg: FeatureTokens) => this.logic.onTokens(i, msg))));
    });
    sub.add(transport.subscribe('/perception/vision/obstacle_ahead', 'sensorium_msgs/msg/FeatureTokens', SENSOR).subscribe(safe((msg: FeatureTokens) => this.logic.onVisionScore(msg))));
    sub.add(transport.subscribe('/perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges', SENSOR).subscribe(safe((msg: SectorRanges) => this.logic.onSectors(msg))));
    sub.add(transport.subscribe('/perception/obstacles', 'vision_msgs/msg/Detection3DArray', SENSOR).subscribe(safe((msg: Detection3DArray) => this.logic.onObstacles(msg))));
    sub.add(transport.subscribe('/perception/audio/events', 'sensorium_msgs/msg/AudioEventArray', SENSOR).subscribe(safe((msg: AudioEventArray) => this.logic.onAudioEvents(msg))));
    sub.add(transport.subscribe('/perception/touch/contacts', 'sensorium_msgs/msg/TouchContacts', SENSOR).subscribe(safe((msg: TouchContacts) => this.logic.onTouchContacts(msg))));
    sub.add(this.truth.attach(transport));
    sub.add(transport.subscribe('/cmd_vel', 'geometry_msgs/msg/Twist', SENSOR).subscribe((t) => (this.command = { linear: t.linear.x, angular: t.angular.z })));
    sub.add(transport.subscribe('/fusion/gating', 'sensorium_msgs/msg/ModalityWeights', SENSOR).subscribe(() => this.record(now())));
    return sub;
  }

  /** The recorded samples as a dataset. */
  dataset(): FusionDataset {
    const samples = this.samples;
    return { length: samples.length, get: (i) => samples[i]! };
  }

  private record(now: Time): void {
    if (this.command === null) return;
    const p = this.logic.prepare(now);
    const labels = this.truth.label(now, p.available);
    if (labels === null || labels.goal === null) return;
    this.samples.push({
      tokens: p.tokens.map((b) => (b === undefined ? undefined : { count: b.count, data: b.data.slice() })),
      available: p.available.slice(),
      cues: p.cues.slice(),
      goal: labels.goal,
      perceived: { nearestDistanceM: p.nearestM, nearestBearing: p.bearing, count: p.count, contact: p.contact },
      expert: { ...this.command },
      obstacleAhead: labels.obstacleAhead,
      obstacleDistanceM: labels.obstacleDistanceM,
      gateTarget: labels.gateTarget,
      pointEncoderTarget: labels.pointEncoderTarget,
    });
  }
}
