import { Subscription } from 'rxjs';
import { defineNode, type NodeDefinition, type PortSpec } from '@sensorium/core';
import { loadScenario } from './scenario/loadScenario.js';
import { ScenarioError } from './scenario/ScenarioError.js';
import type { Scenario } from './scenario/ScenarioSchema.js';
import { Simulator } from './Simulator.js';
import { simulatorParams } from './SimulatorParams.js';

export interface SimulatorNodeOptions {
  /** The scenario, when the runner already has it (otherwise the `scenario` parameter names a file). */
  scenario?: Scenario;
  /** In-process handle to the running simulator (the runner scores and stops runs through it). */
  onCreated?(simulator: Simulator): void;
}

const outputs: readonly PortSpec[] = [
  { topic: 'clock', type: 'rosgraph_msgs/msg/Clock', qos: 'sensor', description: 'sim time, every step' },
  { topic: 'tf', type: 'tf2_msgs/msg/TFMessage', qos: 'default', description: 'map→odom, odom→base_link' },
  { topic: 'tf_static', type: 'tf2_msgs/msg/TFMessage', qos: 'latched', description: 'base_link→sensor links' },
  { topic: 'odom', type: 'nav_msgs/msg/Odometry', qos: 'sensor' },
  { topic: 'imu/data', type: 'sensor_msgs/msg/Imu', qos: 'sensor' },
  { topic: 'lidar/points', type: 'sensor_msgs/msg/PointCloud2', qos: 'sensor', description: 'x y z intensity float32, ring uint16' },
  { topic: 'camera/image_raw', type: 'sensor_msgs/msg/Image', qos: 'sensor', description: 'rgb8' },
  { topic: 'camera/camera_info', type: 'sensor_msgs/msg/CameraInfo', qos: 'sensor' },
  { topic: 'camera/depth/image_raw', type: 'sensor_msgs/msg/Image', qos: 'sensor', description: '32FC1 metres, when camera_depth' },
  { topic: 'audio/audio', type: 'audio_common_msgs/msg/AudioDataStamped', qos: 'sensor', description: 'S16LE, 4 channels interleaved' },
  { topic: 'audio/info', type: 'audio_common_msgs/msg/AudioInfo', qos: 'latched' },
  { topic: 'touch/tactile', type: 'sensorium_msgs/msg/TactileArray', qos: 'sensor' },
  { topic: 'sim/world', type: 'sensorium_msgs/msg/WorldState', qos: 'latched', description: 'ground truth for viewers and the expert' },
  { topic: 'sim/status', type: 'sensorium_msgs/msg/ScenarioStatus', qos: 'latched' },
  { topic: 'goal_pose', type: 'geometry_msgs/msg/PoseStamped', qos: 'latched' },
];

/**
 * Builds the simulator node definition (exec `simulator`). The default export `simulatorNode` reads its
 * scenario from the `scenario` parameter; the runner makes its own with the scenario and a handle.
 */
export function createSimulatorNode(options: SimulatorNodeOptions = {}): NodeDefinition<typeof simulatorParams> {
  return defineNode({
    exec: 'simulator',
    description: 'Simulated robot: physics, LiDAR, camera, microphone array, tactile skin, odometry; scores the scenario',
    parameters: simulatorParams,
    inputs: [{ topic: 'cmd_vel', type: 'geometry_msgs/msg/Twist', qos: 'default', description: 'velocity command (NaN rejected, out of range clamped)' }],
    outputs,
    async configure(ctx) {
      let scenario = options.scenario;
      if (scenario === undefined) {
        const path = ctx.params.scenario;
        if (path === '') throw new ScenarioError('no scenario given', { context: { node: ctx.fullName, parameter: 'scenario', expected: 'a scenario YAML path' } });
        scenario = loadScenario(new TextDecoder().decode(await ctx.readResource(path)), { file: path });
      }
      const latched = { durability: 'transient_local', reliability: 'reliable', depth: 1 } as const;
      const simulator = await Simulator.create({
        scenario,
        params: ctx.params,
        readResource: (path) => ctx.readResource(path),
        count: (name) => ctx.diagnostics.count(name),
        outputs: {
          clock: ctx.advertise('clock', 'rosgraph_msgs/msg/Clock'),
          tf: ctx.advertise('tf', 'tf2_msgs/msg/TFMessage'),
          tfStatic: ctx.advertise('tf_static', 'tf2_msgs/msg/TFMessage', latched),
          odom: ctx.advertise('odom', 'nav_msgs/msg/Odometry'),
          imu: ctx.advertise('imu/data', 'sensor_msgs/msg/Imu'),
          lidar: ctx.advertise('lidar/points', 'sensor_msgs/msg/PointCloud2'),
          image: ctx.advertise('camera/image_raw', 'sensor_msgs/msg/Image'),
          cameraInfo: ctx.advertise('camera/camera_info', 'sensor_msgs/msg/CameraInfo'),
          depth: ctx.advertise('camera/depth/image_raw', 'sensor_msgs/msg/Image'),
          audio: ctx.advertise('audio/audio', 'audio_common_msgs/msg/AudioDataStamped'),
          audioInfo: ctx.advertise('audio/info', 'audio_common_msgs/msg/AudioInfo', latched),
          tactile: ctx.advertise('touch/tactile', 'sensorium_msgs/msg/TactileArray'),
          world: ctx.advertise('sim/world', 'sensorium_msgs/msg/WorldState', latched),
          status: ctx.advertise('sim/status', 'sensorium_msgs/msg/ScenarioStatus', latched),
          goal: ctx.advertise('goal_pose', 'geometry_msgs/msg/PoseStamped', latched),
        },
      });
      options.onCreated?.(simulator);
      return {
        activate() {
          const subscription = new Subscription();
          subscription.add(ctx.subscribe('cmd_vel', 'geometry_msgs/msg/Twist').subscribe((twist) => simulator.command(twist)));
          simulator.start();
          // One physics step per tick of the node's clock: sim time in one process, wall time under ros2 launch.
          subscription.add(ctx.clock.interval(simulator.dt).subscribe(() => simulator.step()));
          return subscription;
        },
        shutdown() {
          simulator.dispose();
        },
      };
    },
  });
}

/** The simulator node, scenario from its `scenario` parameter. */
export const simulatorNode = createSimulatorNode();
