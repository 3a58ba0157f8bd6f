import { Subscription } from 'rxjs';
import type { AudioEventArray, Detection3DArray, FeatureTokens, SceneObject, SectorRanges, Time, TouchContacts, Transport } from '@sensorium/core';
import { AUX_MAX_DISTANCE_M } from '../model/FusionModel.js';
import type { FusionModel } from '../model/FusionModel.js';
import { MODALITIES } from '../Modality.js';
import { FusionNodeLogic } from '../node/FusionNodeLogic.js';
import { aheadDistance } from './aheadDistance.js';
import { gateTarget } from './gateTarget.js';
import type { FusionDataset, FusionSample } from './FusionSample.js';

/** A sensor fault window of the recorded run (the scenario's `faults:` entries). */
export interface RecordedFault {
  sensor: string;
  at: number;
  duration: number;
}

export interface SimRecorderOptions {
  /** Same staleness as the fusion node (s). */
  staleTimeoutSec?: number;
  /** Scene lighting (0..2): below `darkBelow` the camera counts as uninformative. */
  lighting?: number;
  darkBelow?: number;
  faults?: readonly RecordedFault[];
}

/**
 * Best effort matches every publisher (a reliable subscription to a best-effort sensor topic would get
 * nothing, as in ROS); the runner's own taps do the same.
 */
const SENSOR = { reliability: 'best_effort' } as const;

const FAULT_MODALITY: Record<string, number> = { camera: 0, vision: 0, lidar: 1, audio: 2, touch: 3 };

/**
 * Builds FusionSamples from a simulator run: it listens to the same perception topics as the fusion
 * node (through a FusionNodeLogic, so inputs are computed exactly as the node computes them) and, at
 * each `fusion/gating` message (one per fusion step), records the node's inputs with labels from ground
 * truth (`sim/world`, `goal_pose`) and the driving command on `cmd_vel` (the expert's).
 */
export class SimRecorder {
  readonly samples: FusionSample[] = [];
  private readonly logic: FusionNodeLogic;
  private robot: { x: number; y: number; yaw: number } | null = null;
  private solids: SceneObject[] = [];
  private goal: { x: number; y: number } | null = null;
  private command: { linear: number; angular: number } | null = null;
  private readonly options: Required<SimRecorderOptions>;

  constructor(model: FusionModel, options: SimRecorderOptions = {}) {
    this.options = { staleTimeoutSec: 0.3, lighting: 1, darkBelow: 0.2, faults: [], ...options };
    this.logic = new FusionNodeLogic(model, { staleTimeoutSec: this.options.staleTimeoutSec, pointEncoderOn: 0.6, pointEncoderOff: 0.4 });
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
    sub.add(
      transport.subscribe('/sim/world', 'sensorium_msgs/msg/WorldState', SENSOR).subscribe((w) => {
        this.solids = w.objects.filter((o) => o.shape !== 'zone' && o.shape !== 'sound' && o.shape !== 'robot' && !o.id.startsWith('boundary-'));
        const r = w.objects.find((o) => o.shape === 'robot');
        if (r !== undefined) this.robot = { x: r.pose.position.x, y: r.pose.position.y, yaw: yawOf(r.pose.orientation) };
      }),
    );
    sub.add(transport.subscribe('/goal_pose', 'geometry_msgs/msg/PoseStamped', SENSOR).subscribe((g) => (this.goal = { x: g.pose.position.x, y: g.pose.position.y })));
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
    const robot = this.robot;
    if (robot === null || this.goal === null || this.command === null) return;
    const p = this.logic.prepare(now);
    const t = now.sec + now.nanosec * 1e-9;
    // Ground truth: the runner's definition (solid centre within ±45° of the heading, gap from the footprint).
    const ahead = aheadDistance(robot, this.solids);
    const informative: [boolean, boolean, boolean, boolean] = [
      (p.available[0] ?? 0) > 0.5 && this.options.lighting >= this.options.darkBelow,
      (p.available[1] ?? 0) > 0.5,
      (p.available[2] ?? 0) > 0.5,
      (p.available[3] ?? 0) > 0.5,
    ];
    for (const f of this.options.faults) {
      const m = FAULT_MODALITY[f.sensor];
      if (m !== undefined && t >= f.at && t < f.at + f.duration) informative[m] = false;
    }
    const gx = this.goal.x - robot.x;
    const gy = this.goal.y - robot.y;
    const c = Math.cos(robot.yaw);
    const sn = Math.sin(robot.yaw);
    this.samples.push({
      tokens: p.tokens.map((b) => (b === undefined ? undefined : { count: b.count, data: b.data.slice() })),
      available: p.available.slice(),
      cues: p.cues.slice(),
      goal: { x: c * gx + sn * gy, y: -sn * gx + c * gy },
      perceived: { nearestDistanceM: p.nearestM, nearestBearing: p.bearing, count: p.count, contact: p.contact },
      expert: { ...this.command },
      obstacleAhead: ahead <= 2 ? 1 : 0,
      obstacleDistanceM: Math.min(ahead, AUX_MAX_DISTANCE_M),
      gateTarget: gateTarget(new Float32Array(4), { obstacleAheadM: ahead, informative }),
      pointEncoderTarget: ahead < 2.5 && informative[1] ? 1 : 0,
    });
  }
}

function yawOf(q: { x: number; y: number; z: number; w: number }): number {
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
}
