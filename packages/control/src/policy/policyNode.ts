import { Subscription } from 'rxjs';
import { DefaultQoS, LatchedQoS, SensorDataQoS, defineNode, double, doubleArray, mapSafe, string } from '@sensorium/core';
import type { Twist } from '@sensorium/core';
import { loadPolicyHead, policyHeadNodeModel, SessionPolicyActor } from '@sensorium/fusion';
import { inferenceParams, initBackend, nodeSessionOptions, openModelSession } from '@sensorium/ml';
import { PolicyLogic } from './PolicyLogic.js';

const TfQoS = { ...DefaultQoS, reliability: 'best_effort' as const, depth: 100 };

export const policyParams = {
  model_dir: string('models/policy', { description: 'policy head directory (model.json + weights.bin), relative to the repository root' }),
  rate: double(10, { min: 1, max: 200, description: 'watchdog rate, Hz: a zero command is published this often while fusion/percept is stale' }),
  stale_timeout: double(0.3, { min: 0.01, max: 10, description: 'fusion/percept or odom older than this (s since arrival) → zero command' }),
  goal_tolerance: double(0.25, { min: 0.01, max: 5, description: 'within this distance of the goal the policy stops, m' }),
  map_bounds: doubleArray([], { description: 'xmin ymin xmax ymax of the map in the goal frame, m; goals outside are rejected (empty = unbounded)' }),
  obstacle_margin: double(0.1, { min: 0, max: 5, description: 'goals within this distance of a perceived obstacle box are rejected, m' }),
  obstacle_summary: string('filtered', {
    choices: ['filtered', 'percept'],
    description: 'obstacle summary the head reads: filtered = from perception/obstacles without wall clusters (as trained); percept = fusion/percept as-is',
  }),
  max_obstacle_size: double(3.0, { min: 0.1, max: 100, description: 'with obstacle_summary filtered: boxes with a side over this are wall clusters, m' }),
  robot_radius: double(0.25, { min: 0, max: 5, description: 'with obstacle_summary filtered: distances are to this body radius (the training world’s), m' }),
  approach_gain: double(0.6, { min: 0.05, max: 100, description: 'near the goal |linear| ≤ approach_gain × distance (1/s), so the robot settles instead of orbiting it' }),
  carrot_timeout: double(1.0, { min: 0, max: 10, description: 'a planner/carrot younger than this (s) is steered to instead of the goal (the goal still decides arrival); 0 = ignore the planner' }),
  rotate_threshold: double(Math.PI / 3, { min: 0.1, max: Math.PI, description: 'target more than this off the heading (rad; half of it within 1 m of the goal) → turn in place instead of driving on' }),
  rotate_speed: double(1.2, { min: 0, max: 5, description: 'minimum yaw rate of a turn in place, rad/s' }),
  rotate_exit: double(0.3, { min: 0.02, max: Math.PI, description: 'a turn in place goes on until the target is within this of the heading (rad; half within 1 m of the goal): hysteresis below rotate_threshold' }),
  heading_gain: double(1, { min: 0, max: 10, description: 'yaw rate added per radian of target bearing, 1/s (the head follows a near carrot sluggishly; 0 = the head alone)' }),
  speed_scale: double(1.25, { min: 0.1, max: 3, description: 'scale of the head’s linear command (it imitates an expert capped at 0.8 m/s; the supervisor still limits speed)' }),
  lidar_offset_x: double(0.1, { min: -5, max: 5, description: 'x of lidar_link in base_link (perception/obstacles frame), m' }),
  // backend, inference_threads, precision, onnx_model (@sensorium/ml inferenceParams)
  ...inferenceParams,
};

/**
 * `policy`: FusedPercept + goal_pose + odom (+ map→odom from tf) → `cmd_vel_raw` through the learned policy
 * head (@sensorium/fusion). One command per percept; zero while there is no goal, at the goal, and whenever
 * fusion/percept goes stale. Rejected goals are logged and counted.
 */
export const policyNode = defineNode({
  exec: 'policy',
  description: 'Learned policy head: fused percept + goal → cmd_vel_raw (zero when the percept is stale)',
  parameters: policyParams,
  inputs: [
    { topic: 'fusion/percept', type: 'sensorium_msgs/msg/FusedPercept', qos: 'default', description: 'fused embedding and obstacle summary' },
    { topic: 'goal_pose', type: 'geometry_msgs/msg/PoseStamped', qos: 'latched', description: 'goal in map (or odom)' },
    { topic: 'odom', type: 'nav_msgs/msg/Odometry', qos: 'sensor', description: 'robot pose in odom' },
    { topic: 'tf', type: 'tf2_msgs/msg/TFMessage', qos: 'default', description: 'map→odom' },
    { topic: 'perception/obstacles', type: 'vision_msgs/msg/Detection3DArray', qos: 'sensor', description: 'goals inside a perceived obstacle are rejected' },
    { topic: 'planner/carrot', type: 'geometry_msgs/msg/PoseStamped', qos: 'default', description: 'waypoint along the planned path (odom), steered to while fresh' },
  ],
  outputs: [{ topic: 'cmd_vel_raw', type: 'geometry_msgs/msg/Twist', description: 'policy command, to the safety supervisor' }],
  async configure(ctx) {
    const p = ctx.params;
    if (p.map_bounds.length !== 0 && p.map_bounds.length !== 4) {
      ctx.log.warn('map_bounds needs 4 values (xmin ymin xmax ymax); goals are not bounds-checked', { map_bounds: p.map_bounds });
    }
    await initBackend({ log: (m) => ctx.log.info(m) });
    const head = await loadPolicyHead({ read: (path) => ctx.readResource(path) }, p.model_dir);
    ctx.log.info('policy head loaded', { model_dir: p.model_dir, input_dim: head.inputDim });
    const session = await openModelSession(policyHeadNodeModel(head), nodeSessionOptions(ctx));
    ctx.diagnostics.gauge('inference_backend', session.backend);
    const logic = new PolicyLogic(new SessionPolicyActor(session), {
      mapBounds: p.map_bounds,
      obstacleMargin: p.obstacle_margin,
      goalTolerance: p.goal_tolerance,
      staleTimeout: p.stale_timeout,
      lidarOffsetX: p.lidar_offset_x,
      embeddingDim: head.embeddingDim,
      obstacleSummary: p.obstacle_summary === 'percept' ? 'percept' : 'filtered',
      maxObstacleSize: p.max_obstacle_size,
      robotRadius: p.robot_radius,
      approachGain: p.approach_gain,
      carrotTimeout: p.carrot_timeout,
      rotateThreshold: p.rotate_threshold,
      rotateSpeed: p.rotate_speed,
      rotateExit: p.rotate_exit,
      headingGain: p.heading_gain,
      speedScale: p.speed_scale,
    });
    let disposed = false;
    return {
      activate() {
        const subscription = new Subscription();
        const out = ctx.advertise('cmd_vel_raw', 'geometry_msgs/msg/Twist');
        const twist: Twist = { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } };
        let lastState = '';
        const publish = (cmd: { linear: number; angular: number; state: string }): void => {
          twist.linear.x = cmd.linear;
          twist.angular.z = cmd.angular;
          out.publish(twist);
          if (cmd.state !== lastState) {
            ctx.diagnostics.gauge('state', cmd.state);
            if (cmd.state === 'goal_reached') ctx.log.info('goal reached');
            lastState = cmd.state;
          }
        };
        subscription.add(
          ctx
            .subscribe('goal_pose', 'geometry_msgs/msg/PoseStamped', LatchedQoS)
            .pipe(
              mapSafe(ctx, 'goal_pose', (goal) => {
                const rejected = logic.setGoal(goal);
                if (rejected !== undefined) {
                  ctx.log.warn(`goal rejected: ${rejected}`, { topic: ctx.resolve('goal_pose') });
                  ctx.diagnostics.count('goal_rejected');
                } else {
                  ctx.log.info('goal accepted', { x: goal.pose.position.x, y: goal.pose.position.y, frame: goal.header.frame_id });
                }
              }),
            )
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('odom', 'nav_msgs/msg/Odometry', SensorDataQoS)
            .pipe(mapSafe(ctx, 'odom', (m) => logic.odom(m, ctx.clock.nowSec())))
            .subscribe(),
        );
        // Best effort matches tf publishers of either reliability (a reliable subscriber would miss best-effort ones).
        subscription.add(ctx.subscribe('tf', 'tf2_msgs/msg/TFMessage', TfQoS).pipe(mapSafe(ctx, 'tf', (m) => logic.tf(m))).subscribe());
        subscription.add(
          ctx
            .subscribe('perception/obstacles', 'vision_msgs/msg/Detection3DArray', SensorDataQoS)
            .pipe(mapSafe(ctx, 'perception/obstacles', (m) => logic.obstaclesSeen(m, ctx.clock.nowSec())))
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('planner/carrot', 'geometry_msgs/msg/PoseStamped', DefaultQoS)
            .pipe(mapSafe(ctx, 'planner/carrot', (m) => logic.carrot(m.pose.position.x, m.pose.position.y, ctx.clock.nowSec())))
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('fusion/percept', 'sensorium_msgs/msg/FusedPercept', DefaultQoS)
            .pipe(
              mapSafe(ctx, 'fusion/percept', (percept) => {
                const started = performance.now();
                publish(logic.percept(percept, ctx.clock.nowSec()));
                ctx.diagnostics.stage('policy', performance.now() - started, percept.header.stamp);
              }),
            )
            .subscribe(),
        );
        subscription.add(
          ctx.clock
            .interval(1 / p.rate)
            .pipe(
              mapSafe(ctx, 'cmd_vel_raw', () => {
                const stale = logic.watchdog(ctx.clock.nowSec());
                if (stale !== undefined) publish(stale);
              }),
            )
            .subscribe(),
        );
        subscription.add(() => {
          twist.linear.x = 0;
          twist.angular.z = 0;
          out.publish(twist);
          out.close();
        });
        return subscription;
      },
      async shutdown() {
        if (disposed) return;
        disposed = true;
        await session.dispose();
        head.dispose();
      },
    };
  },
});
