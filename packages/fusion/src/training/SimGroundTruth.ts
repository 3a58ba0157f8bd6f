import { Subscription } from 'rxjs';
import type { SceneObject, Time, Transport } from '@sensorium/core';
import { AUX_MAX_DISTANCE_M } from '../model/FusionModel.js';
import { aheadDistance } from './aheadDistance.js';
import { gateTarget } from './gateTarget.js';

/** A sensor fault window of a simulator run (the scenario's `faults:` entries). */
export interface RecordedFault {
  sensor: string;
  at: number;
  duration: number;
}

export interface SimGroundTruthOptions {
  /** Scene lighting (0..2): below `darkBelow` the camera counts as uninformative. */
  lighting?: number;
  darkBelow?: number;
  faults?: readonly RecordedFault[];
}

/** The labels of one fusion step, from the simulator's ground truth. */
export interface StepLabels {
  /** Gap to the nearest solid ahead (the runner's definition), m; Infinity for none. */
  aheadM: number;
  obstacleAhead: number;
  /** Capped at AUX_MAX_DISTANCE_M. */
  obstacleDistanceM: number;
  informative: [boolean, boolean, boolean, boolean];
  gateTarget: Float32Array;
  pointEncoderTarget: number;
  /** Goal in base_link, m (null before the first goal_pose). */
  goal: { x: number; y: number } | null;
}

/**
 * Best effort matches every publisher (a reliable subscription to a best-effort sensor topic would get
 * nothing, as in ROS); the runner's own taps do the same.
 */
const SENSOR = { reliability: 'best_effort' } as const;

const FAULT_MODALITY: Record<string, number> = { camera: 0, vision: 0, lidar: 1, audio: 2, touch: 3 };

/**
 * Ground truth for fusion training from a simulator run's transport (`sim/world`, `goal_pose`, the
 * scenario's faults and lighting): what the gate should do at a step, given which inputs were fresh.
 * SimRecorder labels its recorded samples with it; SimGateEnvironment labels its rollout steps (the
 * supervised term REINFORCE keeps).
 */
export class SimGroundTruth {
  robot: { x: number; y: number; yaw: number } | null = null;
  private solids: SceneObject[] = [];
  private goalMap: { x: number; y: number } | null = null;
  private readonly options: Required<SimGroundTruthOptions>;

  constructor(options: SimGroundTruthOptions = {}) {
    this.options = { lighting: 1, darkBelow: 0.2, faults: [], ...options };
  }

  /** Subscribes on `transport` (absolute topic names); unsubscribe the result to stop. */
  attach(transport: Transport): Subscription {
    const sub = new Subscription();
    sub.add(
      transport.subscribe('/sim/world', 'sensorium_msgs/msg/WorldState', SENSOR).subscribe((w) => {
        this.solids = w.objects.filter((o) => o.shape !== 'zone' && o.shape !== 'sound' && o.shape !== 'robot' && !o.id.startsWith('boundary-'));
        const r = w.objects.find((o) => o.shape === 'robot');
        if (r !== undefined) this.robot = { x: r.pose.position.x, y: r.pose.position.y, yaw: yawOf(r.pose.orientation) };
      }),
    );
    sub.add(transport.subscribe('/goal_pose', 'geometry_msgs/msg/PoseStamped', SENSOR).subscribe((g) => (this.goalMap = { x: g.pose.position.x, y: g.pose.position.y })));
    return sub;
  }

  /** Labels at `now` for a step whose fresh inputs were `available`; null before the first world state. */
  label(now: Time, available: ArrayLike<number>): StepLabels | null {
    const robot = this.robot;
    if (robot === null) return null;
    const t = now.sec + now.nanosec * 1e-9;
    const ahead = aheadDistance(robot, this.solids);
    const informative: [boolean, boolean, boolean, boolean] = [
      (available[0] ?? 0) > 0.5 && this.options.lighting >= this.options.darkBelow,
      (available[1] ?? 0) > 0.5,
      (available[2] ?? 0) > 0.5,
      (available[3] ?? 0) > 0.5,
    ];
    for (const f of this.options.faults) {
      const m = FAULT_MODALITY[f.sensor];
      if (m !== undefined && t >= f.at && t < f.at + f.duration) informative[m] = false;
    }
    let goal: { x: number; y: number } | null = null;
    if (this.goalMap !== null) {
      const gx = this.goalMap.x - robot.x;
      const gy = this.goalMap.y - robot.y;
      const c = Math.cos(robot.yaw);
      const sn = Math.sin(robot.yaw);
      goal = { x: c * gx + sn * gy, y: -sn * gx + c * gy };
    }
    return {
      aheadM: ahead,
      obstacleAhead: ahead <= 2 ? 1 : 0,
      obstacleDistanceM: Math.min(ahead, AUX_MAX_DISTANCE_M),
      informative,
      gateTarget: gateTarget(new Float32Array(4), { obstacleAheadM: ahead, informative }),
      pointEncoderTarget: ahead < 2.5 && informative[1] ? 1 : 0,
      goal,
    };
  }
}

function yawOf(q: { x: number; y: number; z: number; w: number }): number {
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
}
