import { Subscription } from 'rxjs';
import { DefaultQoS, SensorDataQoS, defineNode, double, mapSafe, toSec } from '@sensorium/core';
import type { SafetyEvent, Twist } from '@sensorium/core';
import { SafetySupervisor, type InterventionReason, type ObstacleBox } from './SafetySupervisor.js';
import { detectionsToBoxes } from './detectionsToBoxes.js';
import { InvalidCommandError } from './InvalidCommandError.js';
import { yawOf } from '../policy/yawOf.js';

export const safetySupervisorParams = {
  rate: double(20, { min: 1, max: 500, description: 'cmd_vel rate without new commands, Hz (watchdog, staleness, ramps); each cmd_vel_raw is also answered at once' }),
  max_linear: double(1.0, { min: 0, max: 10, description: 'linear speed limit, m/s' }),
  max_angular: double(2.0, { min: 0, max: 20, description: 'yaw rate limit, rad/s' }),
  max_linear_accel: double(1.0, { min: 0.01, max: 50, description: 'linear acceleration limit, m/s²' }),
  max_linear_decel: double(3.0, { min: 0.01, max: 50, description: 'linear deceleration limit, m/s² (stops are not slowed by comfort limits)' }),
  max_angular_accel: double(4.0, { min: 0.01, max: 100, description: 'yaw acceleration limit, rad/s²' }),
  stop_ttc: double(0.5, { min: 0, max: 30, description: 'time to collision below which the robot stops, s' }),
  slow_ttc: double(2.0, { min: 0, max: 60, description: 'time to collision below which speed scales down linearly, s' }),
  stop_distance: double(0.12, { min: 0, max: 5, description: 'free distance ahead below which nothing moves towards the obstacle, m' }),
  stale_timeout: double(0.3, { min: 0.01, max: 10, description: 'an obstacle-capable input (LiDAR, camera) older than this is stale; all stale → stop, s' }),
  command_timeout: double(0.5, { min: 0.01, max: 10, description: 'watchdog: no cmd_vel_raw for this long → stop, s' }),
  backoff_speed: double(0.15, { min: 0, max: 1, description: 'speed of the back-off away from a touch contact, m/s' }),
  backoff_duration: double(0.6, { min: 0, max: 10, description: 'back-off duration after a contact, s' }),
  contact_hold: double(0.5, { min: 0, max: 10, description: 'standstill after a back-off before commands are obeyed again, s' }),
  footprint_length: double(0.5, { min: 0.01, max: 10, description: 'robot footprint along x, centred on base_link, m' }),
  footprint_width: double(0.4, { min: 0.01, max: 10, description: 'robot footprint along y, m' }),
  steer_margin: double(0.3, { min: 0.01, max: 3, description: 'clearance keeping: returns closer than this beside the footprint turn the robot away, m' }),
  steer_lookahead: double(1.2, { min: 0.1, max: 10, description: 'clearance keeping: how far ahead returns count, m' }),
  steer_gain: double(0.8, { min: 0, max: 10, description: 'clearance keeping: yaw rate added at contact, rad/s (0 = off)' }),
  lateral_margin: double(0.05, { min: 0, max: 2, description: 'side margin of the swept corridor, m: obstacles passed closer than this slow and stop the robot like ones ahead' }),
  lidar_offset_x: double(0.1, { min: -5, max: 5, description: 'x of lidar_link in base_link (sectors and obstacles are in lidar_link), m' }),
  max_obstacle_size: double(3.0, { min: 0.1, max: 100, description: 'obstacle boxes with a side over this (walls clustered together) are left to the sector ranges, m' }),
  mover_yield_time: double(2.5, { min: 0, max: 30, description: 'a mover (tracked box with its own velocity) predicted within mover_margin of the footprint sooner than this → yield (stop or back off), s; 0 = off' }),
  mover_horizon: double(3.0, { min: 0.1, max: 30, description: 'how far ahead mover contacts are predicted, s' }),
  mover_margin: double(0.15, { min: 0, max: 3, description: 'clearance kept from movers around the footprint, m' }),
  mover_min_speed: double(0.4, { min: 0, max: 10, description: 'tracks faster than this are movers, m/s' }),
  mover_max_size: double(1.0, { min: 0.05, max: 10, description: 'boxes with a side over this are never movers (a wall seen piece by piece seems to move), m' }),
  contact_pressure: double(0.0, { min: 0, max: 1e6, description: 'total pressure above which a touch contact counts (contacts with taxels always count when 0)' }),
};

/**
 * `safety_supervisor`: `cmd_vel_raw` (any policy, or teleop) → `cmd_vel`, at `rate` on the node's clock.
 * The logic is `SafetySupervisor`; this wires topics, parameters and diagnostics. Each intervention onset is
 * counted (`intervention.<reason>`) and published on `safety/events`; NaN/inf commands are dropped and counted.
 */
export const safetySupervisorNode = defineNode({
  exec: 'safety_supervisor',
  description: 'Safety supervisor: TTC speed scaling, contact back-off, stale-sensor stop, limits, watchdog (cmd_vel_raw → cmd_vel)',
  parameters: safetySupervisorParams,
  inputs: [
    { topic: 'cmd_vel_raw', type: 'geometry_msgs/msg/Twist', qos: 'default', description: 'command to supervise (policy or teleop)' },
    { topic: 'perception/lidar/sectors', type: 'sensorium_msgs/msg/SectorRanges', qos: 'sensor', description: 'LiDAR minimum range per sector (lidar_link)' },
    { topic: 'perception/obstacles', type: 'vision_msgs/msg/Detection3DArray', qos: 'sensor', description: 'LiDAR obstacle boxes (lidar_link)' },
    { topic: 'perception/vision/tokens', type: 'sensorium_msgs/msg/FeatureTokens', qos: 'sensor', description: 'camera liveness (image stamps)' },
    { topic: 'perception/touch/contacts', type: 'sensorium_msgs/msg/TouchContacts', qos: 'sensor', description: 'touch contacts → back-off' },
    { topic: 'odom', type: 'nav_msgs/msg/Odometry', qos: 'sensor', description: 'robot pose: obstacle boxes are tracked in odom (mover velocities)' },
  ],
  outputs: [
    { topic: 'cmd_vel', type: 'geometry_msgs/msg/Twist', description: 'supervised command to the base' },
    { topic: 'safety/events', type: 'sensorium_msgs/msg/SafetyEvent', description: 'one per intervention onset' },
  ],
  configure(ctx) {
    const p = ctx.params;
    if (p.slow_ttc < p.stop_ttc) {
      ctx.log.warn('slow_ttc below stop_ttc: speed scaling disabled, only stops', { slow_ttc: p.slow_ttc, stop_ttc: p.stop_ttc });
    }
    const logic = new SafetySupervisor({
      maxLinear: p.max_linear,
      maxAngular: p.max_angular,
      maxLinearAccel: p.max_linear_accel,
      maxLinearDecel: p.max_linear_decel,
      maxAngularAccel: p.max_angular_accel,
      stopTtc: p.stop_ttc,
      slowTtc: Math.max(p.slow_ttc, p.stop_ttc),
      stopDistance: p.stop_distance,
      staleTimeout: p.stale_timeout,
      commandTimeout: p.command_timeout,
      backoffSpeed: p.backoff_speed,
      backoffDuration: p.backoff_duration,
      contactHold: p.contact_hold,
      footprint: { length: p.footprint_length, width: p.footprint_width },
      lateralMargin: p.lateral_margin,
      steerMargin: p.steer_margin,
      steerLookahead: p.steer_lookahead,
      steerGain: p.steer_gain,
      moverYieldTime: p.mover_yield_time,
      moverHorizon: p.mover_horizon,
      moverMargin: p.mover_margin,
      tracker: { minSpeed: p.mover_min_speed, maxRadius: p.mover_max_size / 2 },
    });
    const rawTopic = ctx.resolve('cmd_vel_raw');
    return {
      activate() {
        const subscription = new Subscription();
        const cmdVel = ctx.advertise('cmd_vel', 'geometry_msgs/msg/Twist');
        const events = ctx.advertise('safety/events', 'sensorium_msgs/msg/SafetyEvent');
        // Reused: publishing passes by reference on LocalTransport and subscribers treat messages as immutable
        // until the next one, which is the ROS Twist contract too.
        const twist: Twist = { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } };
        const active = new Set<InterventionReason>();
        const boxes: ObstacleBox[] = [];
        const publishEvent = (reason: InterventionReason, detail: string, scale: number): void => {
          ctx.diagnostics.count(`intervention.${reason}`);
          ctx.diagnostics.count('interventions');
          const event: SafetyEvent = { header: { stamp: ctx.clock.now(), frame_id: 'base_link' }, reason, detail, scale };
          events.publish(event);
        };

        let last = ctx.clock.nowSec();
        /** One supervised step at clock now: on each tick (watchdog, staleness, ramps) and each new command. */
        const emit = (): void => {
          const started = performance.now();
          const now = ctx.clock.nowSec();
          const out = logic.step(now, Math.max(0, now - last)); // same instant again: the logic reuses its dt
          last = now;
          for (const reason of out.interventions) {
            if (!active.has(reason)) publishEvent(reason, describe(reason, out.timeToCollision), out.scale);
          }
          active.clear();
          for (const reason of out.interventions) active.add(reason);
          twist.linear.x = out.linear;
          twist.angular.z = out.angular;
          cmdVel.publish(twist);
          ctx.diagnostics.gauge('scale', out.scale);
          ctx.diagnostics.gauge('ttc', Number.isFinite(out.timeToCollision) ? out.timeToCollision : 'inf');
          ctx.diagnostics.stage('safety', performance.now() - started);
        };

        subscription.add(
          ctx
            .subscribe('cmd_vel_raw', 'geometry_msgs/msg/Twist', DefaultQoS)
            .pipe(
              mapSafe(ctx, 'cmd_vel_raw', (msg) => {
                if (!logic.command(msg.linear.x, msg.angular.z, ctx.clock.nowSec())) {
                  publishEvent('invalid_command', `non-finite command linear.x=${msg.linear.x} angular.z=${msg.angular.z} dropped`, 0);
                  throw new InvalidCommandError(rawTopic, msg.linear.x, msg.angular.z);
                }
                // A fresh command goes out at once (no wait for the next tick): lowest sensor → cmd_vel latency.
                emit();
              }),
            )
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges', SensorDataQoS)
            .pipe(
              mapSafe(ctx, 'perception/lidar/sectors', (msg) => {
                logic.sectors({ angleMin: msg.angle_min, angleIncrement: msg.angle_increment, ranges: msg.ranges, originX: p.lidar_offset_x }, toSec(msg.header.stamp));
              }),
            )
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('perception/obstacles', 'vision_msgs/msg/Detection3DArray', SensorDataQoS)
            .pipe(mapSafe(ctx, 'perception/obstacles', (msg) => logic.obstacles(detectionsToBoxes(msg, p.lidar_offset_x, boxes, p.max_obstacle_size), toSec(msg.header.stamp))))
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('odom', 'nav_msgs/msg/Odometry', SensorDataQoS)
            .pipe(mapSafe(ctx, 'odom', (m) => logic.pose(m.pose.pose.position.x, m.pose.pose.position.y, yawOf(m.pose.pose.orientation))))
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('perception/vision/tokens', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS)
            .pipe(mapSafe(ctx, 'perception/vision/tokens', (msg) => logic.alive('camera', toSec(msg.header.stamp))))
            .subscribe(),
        );
        subscription.add(
          ctx
            .subscribe('perception/touch/contacts', 'sensorium_msgs/msg/TouchContacts', SensorDataQoS)
            .pipe(
              mapSafe(ctx, 'perception/touch/contacts', (msg) => {
                const touching = msg.taxels.length > 0 && msg.total_pressure > p.contact_pressure;
                if (touching || msg.bump) logic.contact(msg.bearing, ctx.clock.nowSec());
              }),
            )
            .subscribe(),
        );

        subscription.add(
          ctx.clock
            .interval(1 / p.rate)
            .pipe(mapSafe(ctx, 'cmd_vel', () => emit()))
            .subscribe(),
        );
        subscription.add(() => {
          // Deactivation leaves the base with a zero command, never the last one.
          twist.linear.x = 0;
          twist.angular.z = 0;
          cmdVel.publish(twist);
          cmdVel.close();
          events.close();
        });
        return subscription;
      },
    };
  },
});

function describe(reason: InterventionReason, ttc: number): string {
  switch (reason) {
    case 'ttc_slowdown':
    case 'ttc_stop':
      return `time to collision ${ttc.toFixed(2)} s`;
    case 'contact_backoff':
      return 'touch contact: backing off';
    case 'contact_stop':
      return 'touch contact: holding still';
    case 'stale_inputs':
      return 'every obstacle-capable input (LiDAR, camera) is stale';
    case 'cmd_timeout':
      return 'no cmd_vel_raw within command_timeout';
    case 'velocity_limit':
      return 'command beyond the velocity limits';
    case 'accel_limit':
      return 'acceleration limited';
    case 'invalid_command':
      return 'non-finite command dropped';
    case 'clearance_steer':
      return 'turning away from an obstacle beside the path';
    case 'mover_yield':
      return 'yielding to a moving obstacle on a collision course';
  }
}
