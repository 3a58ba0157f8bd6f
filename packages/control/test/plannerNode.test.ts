import { afterEach, describe, expect, it } from 'vitest';
import { LocalTransport, NodeRuntime, PointCloud2Writer, SimClock, fromSec } from '@sensorium/core';
import type { Odometry, Path, PointCloud2, PoseStamped, TouchContacts } from '@sensorium/core';
import { plannerNode } from '../src/planner/plannerNode.js';

const FLOAT32 = 7;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function odom(t: number, x: number, y: number): Odometry {
  const pose = { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } };
  return {
    header: { stamp: fromSec(t), frame_id: 'odom' },
    child_frame_id: 'base_link',
    pose: { pose, covariance: new Float64Array(36) },
    twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }, covariance: new Float64Array(36) },
  };
}
function goal(x: number, y: number): PoseStamped {
  return { header: { stamp: fromSec(0), frame_id: 'map' }, pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } };
}

/** A LiDAR frame (lidar_link, 0.45 m above the floor) seeing a wall across x = `wallX` from y −1 to 1, floor elsewhere. */
function scan(writer: PointCloud2Writer, t: number, wallX: number): PointCloud2 {
  const pts: [number, number, number][] = [];
  for (let y = -1; y <= 1; y += 0.05) pts.push([wallX, y, 0]);
  for (let a = -Math.PI; a < Math.PI; a += Math.PI / 90) pts.push([4 * Math.cos(a), 4 * Math.sin(a), -0.45]);
  writer.begin(pts.length);
  const [x, y, z] = [writer.field('x'), writer.field('y'), writer.field('z')];
  pts.forEach((p, i) => {
    x.set(i, p[0]);
    y.set(i, p[1]);
    z.set(i, p[2]);
  });
  return writer.finish({ stamp: fromSec(t), frame_id: 'lidar_link' });
}

describe('planner node', () => {
  let runtime: NodeRuntime | undefined;
  afterEach(async () => {
    await runtime?.shutdown();
    runtime = undefined;
  });

  async function start(params: Record<string, unknown> = {}) {
    const transport = new LocalTransport();
    const clock = new SimClock({ start: { sec: 10, nanosec: 0 } });
    const warnings: string[] = [];
    const logger = { ...quiet, warn: (m: string) => void warnings.push(m) };
    runtime = new NodeRuntime(plannerNode, { transport, clock, logger, params: [{ values: { grid_size: 16, map_bounds: [-8, -5, 8, 5], ...params } }] });
    await runtime.configure();
    runtime.activate();
    const plans: Path[] = [];
    const carrots: { x: number; y: number }[] = [];
    transport.subscribe('/plan', 'nav_msgs/msg/Path').subscribe((m) => plans.push({ header: m.header, poses: m.poses.map((p) => ({ header: p.header, pose: { position: { ...p.pose.position }, orientation: p.pose.orientation } })) }));
    transport.subscribe('/planner/carrot', 'geometry_msgs/msg/PoseStamped').subscribe((m) => carrots.push({ x: m.pose.position.x, y: m.pose.position.y }));
    const pub = {
      goal: transport.advertise('/goal_pose', 'geometry_msgs/msg/PoseStamped', { durability: 'transient_local', reliability: 'reliable' }),
      odom: transport.advertise('/odom', 'nav_msgs/msg/Odometry'),
      points: transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2'),
      touch: transport.advertise('/perception/touch/contacts', 'sensorium_msgs/msg/TouchContacts'),
      marks: transport.advertise('/perception/vision/floor_marks', 'sensor_msgs/msg/PointCloud2'),
      gating: transport.advertise('/fusion/gating', 'sensorium_msgs/msg/ModalityWeights'),
      ahead: transport.advertise('/perception/vision/obstacle_ahead', 'sensorium_msgs/msg/FeatureTokens'),
    };
    return { clock, pub, plans, carrots, warnings, runtime: runtime! };
  }

  const writer = new PointCloud2Writer({
    fields: [
      { name: 'x', offset: 0, datatype: FLOAT32, count: 1 },
      { name: 'y', offset: 4, datatype: FLOAT32, count: 1 },
      { name: 'z', offset: 8, datatype: FLOAT32, count: 1 },
    ],
  });

  it('plans around a wall the LiDAR sees and publishes a carrot beside it', async () => {
    const { clock, pub, plans, carrots } = await start();
    pub.odom.publish(odom(10, -3, 0));
    pub.goal.publish(goal(4, 0));
    for (let i = 0; i < 10; i++) {
      pub.odom.publish(odom(clock.nowSec(), -3, 0));
      pub.points.publish(scan(writer, clock.nowSec(), 1.9)); // wall at odom x ≈ -1 (lidar 0.1 m ahead)
      clock.advanceBy(0.1);
    }
    const plan = plans.at(-1)!;
    expect(plan.header.frame_id).toBe('odom');
    expect(plan.poses.length).toBeGreaterThan(10);
    const last = plan.poses.at(-1)!.pose.position;
    expect([last.x, last.y]).toEqual([4, 0]);
    // Where it crosses the wall's line it is beyond the wall's end plus the robot radius.
    const crossing = plan.poses.find((p) => Math.abs(p.pose.position.x + 1) < 0.06)!.pose.position;
    expect(Math.abs(crossing.y)).toBeGreaterThan(1.3);
    expect(carrots.length).toBeGreaterThan(0);
    const carrot = carrots.at(-1)!;
    expect(Math.hypot(carrot.x + 3, carrot.y)).toBeCloseTo(1.0, 0);
  });

  it('rejects a goal outside the map with a message and counts it; plans nothing', async () => {
    const { clock, pub, plans, warnings, runtime } = await start();
    pub.odom.publish(odom(10, 0, 0));
    pub.goal.publish(goal(20, 0));
    clock.advanceBy(1);
    expect(warnings.some((w) => /goal rejected: .*outside the map/.test(w))).toBe(true);
    expect(runtime.diagnostics.snapshot().counters['goal_rejected']).toBe(1);
    expect(plans).toHaveLength(0);
  });

  it('marks a touch contact and drops a contact with a non-finite bearing, counting it', async () => {
    const { clock, pub, runtime } = await start();
    pub.odom.publish(odom(10, 0, 0));
    const contact = (bearing: number): TouchContacts => ({ header: { stamp: clock.now(), frame_id: 'base_link' }, taxels: Uint32Array.of(3), total_pressure: 2, centroid: { x: 0.25, y: 0, z: 0 }, bump: true, bearing });
    pub.touch.publish(contact(0));
    pub.touch.publish(contact(Number.NaN));
    const snap = runtime.diagnostics.snapshot();
    expect(snap.counters['contact_marks']).toBe(1);
    expect(JSON.stringify(snap)).toMatch(/perception\/touch\/contacts/);
  });

  /** Floor marks (base_link, z = 0): a painted band `depth` deep from x = `near`, `width` wide, every 5 cm. */
  function floorMarks(t: number, near: number, depth: number, width: number, frame = 'base_link'): PointCloud2 {
    const pts: [number, number][] = [];
    for (let a = near; a <= near + depth + 1e-9; a += 0.05) for (let b = -width / 2; b <= width / 2 + 1e-9; b += 0.05) pts.push([a, b]);
    writer.begin(pts.length);
    const [x, y, z] = [writer.field('x'), writer.field('y'), writer.field('z')];
    pts.forEach((p, i) => {
      x.set(i, p[0]);
      y.set(i, p[1]);
      z.set(i, 0);
    });
    return writer.finish({ stamp: fromSec(t), frame_id: frame });
  }

  it('keep-out layer: floor marks from the camera route the plan around the paint though the LiDAR sees bare floor there', async () => {
    const { clock, pub, plans, runtime } = await start();
    pub.odom.publish(odom(10, -3, 0));
    pub.goal.publish(goal(4, 0));
    // The zone across the straight line, x −1 … 1 in odom (2 … 4 m ahead of the robot), 3 m wide; seen once,
    // then every frame empty (out of view) while the LiDAR keeps seeing floor through it.
    for (const t of [9.8, 9.9, 10]) pub.marks.publish(floorMarks(t, 2, 2, 3)); // three frames in a row
    pub.marks.publish(floorMarks(10, 2, 2, 3)); // a frozen driver repeats the last one: dropped
    for (let i = 0; i < 10; i++) {
      pub.odom.publish(odom(clock.nowSec(), -3, 0));
      pub.points.publish(scan(writer, clock.nowSec(), 9)); // a wall 9 m off: every ray crosses the zone's floor
      pub.marks.publish(floorMarks(clock.nowSec(), 0, -1, 0)); // empty cloud
      clock.advanceBy(0.1);
    }
    expect(runtime.diagnostics.snapshot().counters['floor_marks']).toBeGreaterThan(500);
    expect(runtime.diagnostics.snapshot().counters['floor_marks_repeated']).toBeGreaterThanOrEqual(1);
    const plan = plans.at(-1)!;
    expect(plan.poses.length).toBeGreaterThan(10);
    for (const p of plan.poses) {
      const { x, y } = p.pose.position;
      expect(x > -1.25 && x < 1.25 && Math.abs(y) < 1.75, `plan point (${x.toFixed(2)}, ${y.toFixed(2)}) inside the inflated zone`).toBe(false);
    }
  });

  it('drops floor marks in another frame, counting them', async () => {
    const { pub, runtime } = await start();
    pub.odom.publish(odom(10, 0, 0));
    pub.marks.publish(floorMarks(10, 1, 0.5, 1, 'camera_optical_frame'));
    const snap = runtime.diagnostics.snapshot();
    expect(snap.counters['floor_marks']).toBeUndefined();
    expect(JSON.stringify(snap)).toMatch(/floor_marks/);
  });

  it('vision layer counts only while the gate’s vision weight is high', async () => {
    const { clock, pub, runtime } = await start({ vision_threshold: 0.9, vision_min_weight: 0.5, vision_frames: 1 });
    pub.odom.publish(odom(10, 0, 0));
    const weights = (vision: number, stale = false) => ({
      header: { stamp: clock.now(), frame_id: '' },
      modalities: ['vision', 'lidar', 'audio', 'touch'],
      weights: Float32Array.of(vision, 0.3, 0.1, 0.1),
      active_modules: [],
      stale: [stale, false, false, false],
    });
    const score = (p: number) => ({ header: { stamp: clock.now(), frame_id: 'base_link' }, modality: 'vision', count: 1, dim: 1, data: Float32Array.of(p) });
    pub.gating.publish(weights(0.25)); // fixed equal weights
    pub.ahead.publish(score(0.99));
    pub.gating.publish(weights(0.8, true)); // trusted, but the camera is stale
    pub.ahead.publish(score(0.99));
    let counters = runtime.diagnostics.snapshot().counters;
    expect(counters['vision_gated']).toBe(2);
    expect(counters['vision_marks']).toBeUndefined();
    pub.gating.publish(weights(0.8));
    pub.ahead.publish(score(0.99));
    counters = runtime.diagnostics.snapshot().counters;
    expect(counters['vision_marks']).toBe(1);
  });
});
