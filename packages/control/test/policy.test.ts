import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport, NodeRuntime, SimClock, fromSec } from '@sensorium/core';
import type { Detection3DArray, FusedPercept, Odometry, PoseStamped, SectorRanges, FeatureTokens, Twist } from '@sensorium/core';
import { PolicyHead, savePolicyHead, type ModelFiles } from '@sensorium/fusion';
import { initBackend } from '@sensorium/ml';
import { PolicyLogic, type PolicyActor } from '../src/policy/PolicyLogic.js';
import { policyNode } from '../src/policy/policyNode.js';
import { safetySupervisorNode } from '../src/safety/safetySupervisorNode.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const E = 64;

function percept(t: number): FusedPercept {
  return {
    header: { stamp: fromSec(t), frame_id: 'base_link' },
    embedding: new Float32Array(E),
    modalities: ['vision', 'lidar', 'audio', 'touch'],
    weights: Float32Array.of(0.3, 0.3, 0.2, 0.2),
    nearest_obstacle_distance: Infinity,
    nearest_obstacle_bearing: 0,
    obstacle_ahead_score: 0,
    obstacle_count: 0,
    contact: false,
  };
}
function goal(x: number, y: number, frame = 'map'): PoseStamped {
  return { header: { stamp: fromSec(0), frame_id: frame }, pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } };
}
function odom(t: number, x: number, y: number, yaw: number): Odometry {
  const pose = { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: Math.sin(yaw / 2), w: Math.cos(yaw / 2) } };
  return {
    header: { stamp: fromSec(t), frame_id: 'odom' },
    child_frame_id: 'base_link',
    pose: { pose, covariance: new Float64Array(36) },
    twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }, covariance: new Float64Array(36) },
  };
}
function box(t: number, x: number, y: number): Detection3DArray {
  const pose = { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } };
  return { header: { stamp: fromSec(t), frame_id: 'lidar_link' }, detections: [{ header: { stamp: fromSec(t), frame_id: 'lidar_link' }, results: [], bbox: { center: pose, size: { x: 0.6, y: 0.6, z: 1 } }, id: '0' }] };
}

/** An actor that reports the goal features it was given: goal in base_link is [dist/5, cos, sin] at E+10.. */
function spy(): PolicyActor & { last: Float32Array | undefined } {
  const a = {
    last: undefined as Float32Array | undefined,
    act(features: Float32Array) {
      a.last = features.slice();
      return { linear: 0.5, angular: 0.1 };
    },
  };
  return a;
}

const OPTIONS = { mapBounds: [-10, -6, 10, 6], obstacleMargin: 0.1, goalTolerance: 0.25, staleTimeout: 0.3, lidarOffsetX: 0.1, embeddingDim: E, obstacleSummary: 'filtered' as const, maxObstacleSize: 3, robotRadius: 0.25, approachGain: 100 };

describe('PolicyLogic', () => {
  it('puts a map goal into base_link through odom and map→odom', () => {
    const actor = spy();
    const logic = new PolicyLogic(actor, OPTIONS);
    // map→odom: odom origin at (1, 0) in map; robot at odom (1, 0) facing +y: map (2, 0).
    logic.tf({ transforms: [{ header: { stamp: fromSec(0), frame_id: 'map' }, child_frame_id: 'odom', transform: { translation: { x: 1, y: 0, z: 0 }, rotation: { x: 0, y: 0, z: 0, w: 1 } } }] });
    logic.odom(odom(1, 1, 0, Math.PI / 2), 1);
    expect(logic.setGoal(goal(2, 3))).toBeUndefined();
    const cmd = logic.percept(percept(1), 1);
    expect(cmd.state).toBe('driving');
    expect(cmd.linear).toBe(0.5);
    const f = actor.last!;
    expect(f[E + 10]).toBeCloseTo(3 / 5); // 3 m away
    expect(f[E + 11]).toBeCloseTo(1); // straight ahead (robot faces +y)
    expect(f[E + 12]).toBeCloseTo(0, 5);
  });

  it('rejects goals outside the map, inside a perceived obstacle, or not finite, and then commands zero', () => {
    const logic = new PolicyLogic(spy(), OPTIONS);
    logic.odom(odom(1, 0, 0, 0), 1);
    expect(logic.setGoal(goal(12, 0))).toMatch(/outside the map/);
    expect(logic.setGoal(goal(Number.NaN, 0))).toMatch(/not finite/);
    logic.obstaclesSeen(box(1, 1.9, 0)); // lidar_link x 1.9 → base_link 2.0
    expect(logic.setGoal(goal(2.1, 0.1))).toMatch(/inside a perceived obstacle/);
    expect(logic.hasGoal).toBe(false);
    const cmd = logic.percept(percept(1), 1);
    expect([cmd.linear, cmd.angular, cmd.state]).toEqual([0, 0, 'no_goal']);
    expect(logic.setGoal(goal(4, 0))).toBeUndefined();
  });

  it('commands zero at the goal, without a fresh pose, and when the percept goes stale', () => {
    const logic = new PolicyLogic(spy(), OPTIONS);
    logic.setGoal(goal(0.1, 0));
    logic.odom(odom(1, 0, 0, 0), 1);
    expect(logic.percept(percept(1), 1).state).toBe('goal_reached');
    logic.setGoal(goal(5, 0));
    expect(logic.percept(percept(2), 2).state).toBe('no_pose');
    logic.odom(odom(2, 0, 0, 0), 2);
    expect(logic.percept(percept(2), 2).state).toBe('driving');
    expect(logic.watchdog(2.2)).toBeUndefined();
    const stale = logic.watchdog(2.5)!;
    expect([stale.linear, stale.angular, stale.state]).toEqual([0, 0, 'stale_percept']);
  });

  it('scales the head’s speed, adds heading_gain × bearing, and turns in place with hysteresis', () => {
    const logic = new PolicyLogic(spy(), { ...OPTIONS, speedScale: 1.25, headingGain: 1, rotateThreshold: Math.PI / 3, rotateExit: 0.3, rotateSpeed: 0.8 });
    logic.odom(odom(1, 0, 0, 0), 1);
    logic.setGoal(goal(5, 5 * Math.tan(0.5))); // 0.5 rad to the left, far away
    let cmd = logic.percept(percept(1), 1);
    expect(cmd.linear).toBeCloseTo(0.625); // 0.5 × 1.25
    expect(cmd.angular).toBeCloseTo(0.1 + 0.5); // head + gain × bearing
    // 70° to the right: turn in place, and keep turning below the threshold until within rotate_exit.
    logic.odom(odom(1, 0, 0, 0.5 + (70 * Math.PI) / 180), 1);
    cmd = logic.percept(percept(1), 1);
    expect([cmd.linear, cmd.angular]).toEqual([0, -0.8]);
    logic.odom(odom(1, 0, 0, 0.5 + 0.5), 1); // 0.5 rad off: under the 60° threshold, over the exit
    cmd = logic.percept(percept(1), 1);
    expect([cmd.linear, cmd.angular]).toEqual([0, -0.8]);
    logic.odom(odom(1, 0, 0, 0.5 + 0.2), 1); // within rotate_exit: drives again
    cmd = logic.percept(percept(1), 1);
    expect(cmd.linear).toBeCloseTo(0.625);
    expect(cmd.angular).toBeCloseTo(0.1 - 0.2);
  });
});

describe('policy node with the safety supervisor', () => {
  let files: ModelFiles;
  const runtimes: NodeRuntime[] = [];
  beforeAll(async () => {
    await initBackend({ log: () => undefined });
    const head = new PolicyHead(E, [128, 64], { seed: 9 });
    files = savePolicyHead(head);
    head.dispose();
  });
  afterEach(async () => {
    for (const r of runtimes.splice(0)) await r.shutdown();
  });

  it('drives from percepts, and a policy deactivated mid-run leaves the robot stopped', async () => {
    const transport = new LocalTransport();
    const clock = new SimClock({ start: { sec: 10, nanosec: 0 } });
    const readResource = (p: string) => {
      const bytes = files.get(p.slice(p.lastIndexOf('/') + 1));
      return bytes === undefined ? Promise.reject(new Error(`no ${p}`)) : Promise.resolve(bytes);
    };
    const policy = new NodeRuntime(policyNode, { transport, clock, logger: quiet, readResource });
    const supervisor = new NodeRuntime(safetySupervisorNode, { transport, clock, logger: quiet });
    runtimes.push(policy, supervisor);
    for (const r of runtimes) await r.configure();
    for (const r of runtimes) r.activate();
    const raw: Twist[] = [];
    const out: Twist[] = [];
    transport.subscribe('/cmd_vel_raw', 'geometry_msgs/msg/Twist').subscribe((m) => raw.push({ linear: { ...m.linear }, angular: { ...m.angular } }));
    transport.subscribe('/cmd_vel', 'geometry_msgs/msg/Twist').subscribe((m) => out.push({ linear: { ...m.linear }, angular: { ...m.angular } }));
    const pub = {
      percept: transport.advertise('/fusion/percept', 'sensorium_msgs/msg/FusedPercept'),
      goal: transport.advertise('/goal_pose', 'geometry_msgs/msg/PoseStamped', { durability: 'transient_local' }),
      odom: transport.advertise('/odom', 'nav_msgs/msg/Odometry'),
      sectors: transport.advertise('/perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges'),
      vision: transport.advertise('/perception/vision/tokens', 'sensorium_msgs/msg/FeatureTokens'),
    };
    pub.goal.publish(goal(5, 0));
    const sensors = (t: number) => {
      const ranges = new Float32Array(36).fill(Infinity);
      pub.sectors.publish({ header: { stamp: fromSec(t), frame_id: 'lidar_link' }, angle_min: -Math.PI, angle_increment: Math.PI / 18, ranges } satisfies SectorRanges);
      pub.vision.publish({ header: { stamp: fromSec(t), frame_id: 'camera_link' }, modality: 'vision', count: 1, dim: 1, data: new Float32Array(1) } satisfies FeatureTokens);
      pub.odom.publish(odom(t, 0, 0, 0));
    };
    for (let i = 0; i < 20; i++) {
      const t = clock.nowSec();
      sensors(t);
      if (i % 2 === 0) pub.percept.publish(percept(t));
      clock.advanceBy(0.05);
    }
    const driving = raw.filter((m) => m.linear.x !== 0 || m.angular.z !== 0).length;
    expect(driving).toBeGreaterThan(5); // the head's (untrained, seeded) output reaches cmd_vel_raw
    expect(out.some((m) => m.linear.x !== 0 || m.angular.z !== 0)).toBe(true);

    // Fusion stops: the policy's own watchdog publishes zero within stale_timeout.
    for (let i = 0; i < 10; i++) {
      sensors(clock.nowSec());
      clock.advanceBy(0.05);
    }
    expect(raw.at(-1)).toEqual({ linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });

    // Percepts resume, then the policy is deactivated: its last word is zero and the supervisor's watchdog holds zero.
    for (let i = 0; i < 10; i++) {
      const t = clock.nowSec();
      sensors(t);
      pub.percept.publish(percept(t));
      clock.advanceBy(0.05);
    }
    policy.deactivate();
    for (let i = 0; i < 30; i++) {
      const t = clock.nowSec();
      sensors(t);
      pub.percept.publish(percept(t));
      clock.advanceBy(0.05);
    }
    expect(out.slice(-10).every((m) => m.linear.x === 0 && m.angular.z === 0)).toBe(true);
  });
});

describe('PolicyLogic obstacle summary', () => {
  it('feeds the head the nearest real obstacle, not a wall cluster around the robot', () => {
    const actor = spy();
    const logic = new PolicyLogic(actor, OPTIONS);
    logic.odom(odom(1, 0, 0, 0), 1);
    logic.setGoal(goal(5, 0));
    const walls = box(1, 0, 0);
    walls.detections[0]!.bbox.size = { x: 14, y: 10, z: 2 };
    const near = box(1, 1.9, 0).detections[0]!; // 0.6 m box at base_link x 2.0: surface 1.7 − 0.25
    walls.detections.push(near);
    logic.obstaclesSeen(walls, 1);
    const p = { ...percept(1), nearest_obstacle_distance: 0, obstacle_count: 2 };
    logic.percept(p, 1);
    expect(actor.last![E + 4]).toBeCloseTo(1.45 / 10); // distance / 10 (CUE_MAX_RANGE_M)
    expect(actor.last![E + 8]).toBeCloseTo(1 / 10);
    // Stale obstacles: no summary rather than an old one.
    logic.odom(odom(2, 0, 0, 0), 2);
    logic.percept(p, 2);
    expect(actor.last![E + 4]).toBe(1);
  });
});
