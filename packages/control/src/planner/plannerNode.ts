import { Subscription } from 'rxjs';
import { DefaultQoS, LatchedQoS, SensorDataQoS, ValidationError, defineNode, double, doubleArray, integer, mapSafe, readPointCloud2, toSec } from '@sensorium/core';
import type { Path, PoseStamped } from '@sensorium/core';
import { yawOf } from '../policy/yawOf.js';
import { MapToOdom } from '../MapToOdom.js';
import { PathPlanner, type PlanStatus } from './PathPlanner.js';

const TfQoS = { ...DefaultQoS, reliability: 'best_effort' as const, depth: 100 };

export const plannerParams = {
  rate: double(4, { min: 0.2, max: 50, description: 'replanning rate, Hz (the carrot also moves along the last path on every odom message)' }),
  resolution: double(0.1, { min: 0.02, max: 1, description: 'grid cell side, m' }),
  grid_size: double(24, { min: 2, max: 200, description: 'side of the rolling square grid around the robot, m' }),
  robot_radius: double(0.3, { min: 0, max: 5, description: 'inflation: the path keeps this far from every obstacle cell, m' }),
  comfort: double(0.8, { min: 0, max: 5, description: 'beyond robot_radius, cells within this cost extra (paths keep to the middle of passages), m' }),
  comfort_weight: double(5, { min: 0, max: 100, description: 'extra cost per metre at the inflation edge, falling linearly to 0 at robot_radius + comfort' }),
  lookahead: double(1.5, { min: 0.1, max: 10, description: 'carrot distance along the path, m' }),
  switch_gain: double(0.2, { min: 0, max: 1, description: 'route hysteresis: the current path is kept while it is free unless a new one is shorter by more than this fraction (0 = always replan)' }),
  map_bounds: doubleArray([], { description: 'xmin ymin xmax ymax of the map in the goal frame, m; goals outside are rejected (empty = unbounded)' }),
  lidar_offset_x: double(0.1, { min: -5, max: 5, description: 'x of lidar_link in base_link, m' }),
  lidar_height: double(0.45, { min: 0, max: 5, description: 'height of lidar_link above the floor, m' }),
  min_obstacle_height: double(0.1, { min: 0, max: 5, description: 'returns below this height are floor (they clear rays), m' }),
  max_obstacle_height: double(2.0, { min: 0, max: 10, description: 'returns above this height are ignored (overhangs the robot passes under), m' }),
  range_max: double(8, { min: 0.5, max: 100, description: 'returns farther than this neither mark nor clear, m' }),
  clear_step: double(0.34, { min: 0.01, max: 1, description: 'occupancy a clearing ray removes from a cell (a hit sets it to 1, ≥ 0.5 is occupied)' }),
  contact_width: double(1.2, { min: 0.05, max: 3, description: 'touch layer: width of the segment a contact marks, m' }),
  contact_distance: double(0.35, { min: 0, max: 3, description: 'touch layer: distance of the marked segment from base_link along the contact bearing, m' }),
  contact_memory: double(60, { min: 0.1, max: 3600, description: 'touch layer: how long a contact mark lasts, s' }),
  vision_threshold: double(0.75, { min: 0, max: 1.01, description: 'vision layer: obstacle_ahead score that marks the segment ahead (above 1 = off); only while the gate trusts the camera and the LiDAR sees nothing in the cone' }),
  vision_min_weight: double(0.5, { min: 0, max: 1, description: 'vision layer: marks only while the gate’s fresh vision weight (fusion/gating) is at least this (0 = the camera counts without the gate)' }),
  gating_timeout: double(0.5, { min: 0.01, max: 10, description: 'vision layer: a fusion/gating message older than this (s) no longer vouches for the camera' }),
  vision_distance: double(1.5, { min: 0, max: 10, description: 'vision layer: distance ahead of the marked segment, m' }),
  vision_width: double(5.0, { min: 0.05, max: 5, description: 'vision layer: width of the marked segment, m' }),
  vision_cone: double(0.6, { min: 0, max: 3.2, description: 'vision layer: half-angle of the cone ahead in which a LiDAR obstacle explains the camera score (no mark then), rad' }),
  vision_lidar_range: double(5, { min: 0.5, max: 50, description: 'vision layer: how far the cone in which a LiDAR obstacle explains the camera score reaches, m (walls a few metres off score high too)' }),
  vision_frames: integer(2, { min: 1, max: 100, description: 'vision layer: camera frames in a row at or above vision_threshold before a mark (a single high score is not enough)' }),
  vision_memory: double(20, { min: 0.1, max: 600, description: 'vision layer: how long a mark lasts, s' }),
  floor_mark_memory: double(600, { min: 0.1, max: 86400, description: 'keep-out layer: how long a cell where the camera saw hazard paint (perception/vision/floor_marks) stays lethal, s' }),
  floor_mark_range: double(6, { min: 0.1, max: 50, description: 'keep-out layer: floor-mark points farther than this from base_link are ignored, m' }),
  floor_mark_frames: integer(3, { min: 1, max: 255, description: 'keep-out layer: a cell becomes lethal after this many camera frames in a row saw paint in it (camera noise never repeats in place)' }),
  floor_mark_window: double(0.25, { min: 0.01, max: 60, description: 'keep-out layer: frames more than this apart (s) do not count as in a row (0.25: one missed 10 Hz frame)' }),
  floor_mark_occlusion: double(0.15, { min: 0, max: 5, description: 'keep-out layer: floor-mark points not this much nearer than the nearest LiDAR obstacle on their bearing are ignored (a coloured obstacle face projected onto the floor, or its foot), m' }),
  contact_pressure: double(0.0, { min: 0, max: 1e6, description: 'total pressure above which a touch contact counts (any taxel contact when 0)' }),
};

/**
 * `planner`: a Nav2-style global planner. A rolling occupancy grid in odom (LiDAR points: ray clearing and
 * decaying hits; a touch layer; a camera obstacle-ahead layer), inflated by the robot radius, A* replanned
 * at `rate`, publishing `plan` and the carrot waypoint `planner/carrot` that the policy steers to.
 */
export const plannerNode = defineNode({
  exec: 'planner',
  description: 'Path planner: rolling occupancy grid (LiDAR, touch, vision) + A* → plan and a carrot goal for the policy',
  parameters: plannerParams,
  inputs: [
    { topic: 'goal_pose', type: 'geometry_msgs/msg/PoseStamped', qos: 'latched', description: 'goal in map (or odom)' },
    { topic: 'odom', type: 'nav_msgs/msg/Odometry', qos: 'sensor', description: 'robot pose in odom' },
    { topic: 'tf', type: 'tf2_msgs/msg/TFMessage', qos: 'default', description: 'map→odom' },
    { topic: 'lidar/points', type: 'sensor_msgs/msg/PointCloud2', qos: 'sensor', description: 'LiDAR points (lidar_link): marking and ray clearing' },
    { topic: 'perception/touch/contacts', type: 'sensorium_msgs/msg/TouchContacts', qos: 'sensor', description: 'touch layer' },
    { topic: 'perception/vision/obstacle_ahead', type: 'sensorium_msgs/msg/FeatureTokens', qos: 'sensor', description: 'vision layer (obstacle-ahead probability)' },
    { topic: 'fusion/gating', type: 'sensorium_msgs/msg/ModalityWeights', qos: 'default', description: 'the gate’s vision weight decides whether the vision layer counts' },
    { topic: 'perception/vision/floor_marks', type: 'sensor_msgs/msg/PointCloud2', qos: 'sensor', description: 'keep-out layer: floor points (base_link, x y z = 0) where the camera sees hazard paint' },
  ],
  outputs: [
    { topic: 'plan', type: 'nav_msgs/msg/Path', description: 'planned path in odom (empty when there is none)' },
    { topic: 'planner/carrot', type: 'geometry_msgs/msg/PoseStamped', description: 'waypoint lookahead metres along the plan (odom), the policy’s goal' },
  ],
  configure(ctx) {
    const p = ctx.params;
    if (p.map_bounds.length !== 0 && p.map_bounds.length !== 4) {
      ctx.log.warn('map_bounds needs 4 values (xmin ymin xmax ymax); goals are not bounds-checked', { map_bounds: p.map_bounds });
    }
    const planner = new PathPlanner({
      grid: { size: p.grid_size, resolution: p.resolution, maxDistance: Math.max(0.5, p.robot_radius + p.comfort + p.resolution), clearStep: p.clear_step },
      astar: { robotRadius: p.robot_radius, comfort: p.comfort, comfortWeight: p.comfort_weight },
      mapBounds: p.map_bounds.length === 4 ? p.map_bounds : [],
      lidarX: p.lidar_offset_x,
      lidarHeight: p.lidar_height,
      minObstacleHeight: p.min_obstacle_height,
      maxObstacleHeight: p.max_obstacle_height,
      rangeMax: p.range_max,
      contactWidth: p.contact_width,
      contactDistance: p.contact_distance,
      contactMemory: p.contact_memory,
      visionThreshold: p.vision_threshold,
      visionDistance: p.vision_distance,
      visionWidth: p.vision_width,
      visionMemory: p.vision_memory,
      visionConeHalfAngle: p.vision_cone,
      visionLidarRange: p.vision_lidar_range,
      visionFrames: p.vision_frames,
      visionMinWeight: p.vision_min_weight,
      gateTimeout: p.gating_timeout,
      floorMarkMemory: p.floor_mark_memory,
      floorMarkRange: p.floor_mark_range,
      floorMarkOcclusion: p.floor_mark_occlusion,
      floorMarkFrames: p.floor_mark_frames,
      floorMarkWindow: p.floor_mark_window,
      lookahead: p.lookahead,
      switchGain: p.switch_gain,
    });
    const frames = new MapToOdom();
    const goalOdom = { x: 0, y: 0 };
    // The goal as given: re-expressed in odom before each replan, since map→odom may arrive (or drift) after it.
    const goalGiven = { frame: 'map', x: 0, y: 0 };
    const pointsTopic = ctx.resolve('lidar/points');
    const marksTopic = ctx.resolve('perception/vision/floor_marks');
    let markXs = new Float32Array(0);
    let markYs = new Float32Array(0);
    let lastMarksStamp = -Infinity;
    let xs = new Float32Array(0);
    let ys = new Float32Array(0);
    let zs = new Float32Array(0);
    return {
      activate() {
        const subscription = new Subscription();
        const planOut = ctx.advertise('plan', 'nav_msgs/msg/Path');
        const carrotOut = ctx.advertise('planner/carrot', 'geometry_msgs/msg/PoseStamped');
        const carrot: PoseStamped = { header: { stamp: ctx.clock.now(), frame_id: 'odom' }, pose: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } };
        let haveCarrot = false;
        let lastStatus: PlanStatus | '' = '';
        const publishCarrot = (): void => {
          if (!haveCarrot) return;
          carrot.header.stamp = ctx.clock.now();
          carrot.pose.position.x = planner.carrot.x;
          carrot.pose.position.y = planner.carrot.y;
          carrotOut.publish(carrot);
        };
        subscription.add(
          ctx
            .subscribe('goal_pose', 'geometry_msgs/msg/PoseStamped', LatchedQoS)
            .pipe(
              mapSafe(ctx, 'goal_pose', (goal) => {
                const frame = goal.header.frame_id === '' ? 'map' : goal.header.frame_id;
                const { x, y } = goal.pose.position;
                frames.toOdom(frame, x, y, goalOdom);
                const rejected = planner.setGoal(x, y, frame, goalOdom.x, goalOdom.y, ctx.clock.nowSec());
                goalGiven.frame = frame;
                goalGiven.x = x;
                goalGiven.y = y;
                haveCarrot = false;
                if (rejected !== undefined) {
                  ctx.log.warn(`goal rejected: ${rejected}`, { topic: ctx.resolve('goal_pose') });
                  ctx.diagnostics.count('goal_rejected');
                } else {
                  ctx.log.info('goal accepted', { x, y, frame });
                }
              }),
            )
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('odom', 'nav_msgs/msg/Odometry', SensorDataQoS)
            .pipe(
              mapSafe(ctx, 'odom', (m) => {
                const pose = m.pose.pose;
                planner.setPose(pose.position.x, pose.position.y, yawOf(pose.orientation));
                if (haveCarrot && planner.updateCarrot()) publishCarrot();
              }),
            )
            .subscribe(),
        );
        subscription.add(ctx.subscribe('tf', 'tf2_msgs/msg/TFMessage', TfQoS).pipe(mapSafe(ctx, 'tf', (m) => frames.tf(m))).subscribe());
        subscription.add(
          ctx
            .subscribe('lidar/points', 'sensor_msgs/msg/PointCloud2', SensorDataQoS)
            .pipe(
              mapSafe(ctx, 'lidar/points', (cloud) => {
                const started = performance.now();
                const reader = readPointCloud2(cloud, { topic: pointsTopic });
                const n = reader.pointCount;
                if (xs.length < n) {
                  // Grows to the scanner's point count once, then reused.
                  xs = new Float32Array(n);
                  ys = new Float32Array(n);
                  zs = new Float32Array(n);
                }
                reader.copyFieldInto('x', xs);
                reader.copyFieldInto('y', ys);
                reader.copyFieldInto('z', zs);
                planner.insertScan(xs, ys, zs, n);
                ctx.diagnostics.stage('planner_scan', performance.now() - started, cloud.header.stamp);
              }),
            )
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('perception/touch/contacts', 'sensorium_msgs/msg/TouchContacts', SensorDataQoS)
            .pipe(
              mapSafe(ctx, 'perception/touch/contacts', (msg) => {
                const touching = msg.taxels.length > 0 && msg.total_pressure > p.contact_pressure;
                if (!touching && !msg.bump) return;
                if (!Number.isFinite(msg.bearing)) {
                  throw new ValidationError('touch contact bearing is not finite', {
                    context: { topic: ctx.resolve('perception/touch/contacts'), field: 'bearing', expected: 'a finite angle, rad', actual: String(msg.bearing) },
                  });
                }
                planner.contact(msg.bearing, ctx.clock.nowSec());
                ctx.diagnostics.count('contact_marks');
              }),
            )
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('perception/vision/obstacle_ahead', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS)
            .pipe(
              mapSafe(ctx, 'perception/vision/obstacle_ahead', (msg) => {
                if (msg.data.length < 1) {
                  throw new ValidationError('obstacle_ahead carries no score', {
                    context: { topic: ctx.resolve('perception/vision/obstacle_ahead'), field: 'data', expected: 'one value', actual: '0 values' },
                  });
                }
                const outcome = planner.vision(msg.data[0]!, ctx.clock.nowSec());
                if (outcome === 'marked') ctx.diagnostics.count('vision_marks');
                else if (outcome === 'gated') ctx.diagnostics.count('vision_gated');
              }),
            )
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('fusion/gating', 'sensorium_msgs/msg/ModalityWeights', DefaultQoS)
            .pipe(
              mapSafe(ctx, 'fusion/gating', (msg) => {
                const i = msg.modalities.indexOf('vision');
                if (i < 0 || i >= msg.weights.length) {
                  throw new ValidationError('modality weights carry no vision weight', {
                    context: { topic: ctx.resolve('fusion/gating'), field: 'modalities', expected: "'vision' with a weight", actual: msg.modalities.join(',') },
                  });
                }
                // A stale camera counts for nothing whatever its weight says.
                planner.gate(msg.stale[i] === true ? 0 : msg.weights[i]!, ctx.clock.nowSec());
                ctx.diagnostics.gauge('vision_weight', msg.weights[i]!);
              }),
            )
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('perception/vision/floor_marks', 'sensor_msgs/msg/PointCloud2', SensorDataQoS)
            .pipe(
              mapSafe(ctx, 'perception/vision/floor_marks', (cloud) => {
                if (cloud.header.frame_id !== '' && cloud.header.frame_id !== 'base_link') {
                  throw new ValidationError('floor marks are not in base_link', {
                    context: { topic: marksTopic, field: 'header.frame_id', expected: 'base_link', actual: cloud.header.frame_id },
                  });
                }
                // A frozen camera driver repeats its last frame and stamp: re-marking it at a newer pose would smear it.
                const stamp = toSec(cloud.header.stamp);
                if (stamp <= lastMarksStamp) {
                  ctx.diagnostics.count('floor_marks_repeated');
                  return;
                }
                lastMarksStamp = stamp;
                const reader = readPointCloud2(cloud, { topic: marksTopic });
                const n = reader.pointCount;
                if (n === 0) return;
                if (markXs.length < n) {
                  // Grows to the largest mark count once, then reused.
                  markXs = new Float32Array(n);
                  markYs = new Float32Array(n);
                }
                reader.copyFieldInto('x', markXs);
                reader.copyFieldInto('y', markYs);
                const marked = planner.floorMarks(markXs, markYs, n, ctx.clock.nowSec(), stamp);
                if (marked > 0) ctx.diagnostics.count('floor_marks', marked);
              }),
            )
            .subscribe(),
        );
        const path: Path = { header: { stamp: ctx.clock.now(), frame_id: 'odom' }, poses: [] };
        const pool: PoseStamped[] = [];
        subscription.add(
          ctx.clock
            .interval(1 / p.rate)
            .pipe(
              mapSafe(ctx, 'plan', () => {
                if (!planner.hasGoal) return;
                const started = performance.now();
                frames.toOdom(goalGiven.frame, goalGiven.x, goalGiven.y, goalOdom);
                planner.moveGoal(goalOdom.x, goalOdom.y);
                const status = planner.replan(ctx.clock.nowSec());
                ctx.diagnostics.stage('planner', performance.now() - started);
                if (status !== lastStatus) {
                  ctx.diagnostics.gauge('status', status);
                  if (status !== 'planned') ctx.log.warn(`no plan: ${status}`);
                  lastStatus = status;
                }
                if (status !== 'planned') ctx.diagnostics.count(`plan_failed.${status}`);
                haveCarrot = status === 'planned';
                path.header.stamp = ctx.clock.now();
                writePath(path, pool, planner.astar.path, status === 'planned' ? planner.astar.length : 0);
                planOut.publish(path);
                ctx.diagnostics.gauge('plan_length', planner.astar.length);
                publishCarrot();
              }),
            )
            .subscribe(),
        );
        subscription.add(() => {
          planOut.close();
          carrotOut.close();
        });
        return subscription;
      },
    };
  },
});

/** Fills `path.poses` from odom x y pairs, taking PoseStamped objects from `pool` (grown once to the longest path). */
function writePath(path: Path, pool: PoseStamped[], xy: Float64Array, count: number): void {
  while (pool.length < count) {
    pool.push({ header: { stamp: path.header.stamp, frame_id: 'odom' }, pose: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } });
  }
  const poses = path.poses;
  poses.length = 0;
  for (let i = 0; i < count; i++) {
    const pose = pool[i]!;
    pose.header.stamp = path.header.stamp;
    pose.pose.position.x = xy[2 * i]!;
    pose.pose.position.y = xy[2 * i + 1]!;
    poses.push(pose);
  }
}
