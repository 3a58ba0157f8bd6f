import { beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport, SensorDataQoS, fromSec } from '@sensorium/core';
import type { FeatureTokens, Time } from '@sensorium/core';
import { FusionModel, SeededRandom, SimRecorder, aheadDistance } from '@sensorium/fusion';
import { useWasm } from './helpers.js';

const q = { x: 0, y: 0, z: 0, w: 1 };
const box = (id: string, x: number, y: number) => ({ id, shape: 'box', pose: { position: { x, y, z: 0.5 }, orientation: q }, size: { x: 0.6, y: 0.6, z: 1 }, color: '#ff0000', material: 'default', polygon: new Float32Array(0) });

/** SimRecorder on a transport fed like a simulator run: best-effort sensor topics, ground truth, cmd_vel. */
describe('SimRecorder', () => {
  beforeAll(useWasm);

  it('records the node inputs from best-effort topics with ground-truth labels and the expert command', () => {
    const model = new FusionModel({ seed: 2 });
    const transport = new LocalTransport({ onWarning: () => undefined });
    let now: Time = fromSec(1);
    const recorder = new SimRecorder(model, { faults: [{ sensor: 'lidar', at: 2, duration: 1 }] });
    const sub = recorder.attach(transport, () => now);
    const vision = transport.advertise('/perception/vision/tokens', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS);
    const world = transport.advertise('/sim/world', 'sensorium_msgs/msg/WorldState', SensorDataQoS);
    const goal = transport.advertise('/goal_pose', 'geometry_msgs/msg/PoseStamped', SensorDataQoS);
    const cmd = transport.advertise('/cmd_vel', 'geometry_msgs/msg/Twist', SensorDataQoS);
    const gating = transport.advertise('/fusion/gating', 'sensorium_msgs/msg/ModalityWeights');
    const rng = new SeededRandom(1);
    const step = (t: number, obstacleX: number): void => {
      now = fromSec(t);
      const tokens: FeatureTokens = { header: { stamp: now, frame_id: 'base_link' }, modality: 'vision', count: 2, dim: 64, data: Float32Array.from({ length: 128 }, () => rng.normal()) };
      vision.publish(tokens);
      world.publish({ header: { stamp: now, frame_id: 'map' }, objects: [box('ob', obstacleX, 0), box('boundary-n', 0.5, 0), { ...box('robot', 0, 0), shape: 'robot' }] });
      cmd.publish({ linear: { x: 0.4, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.1 } });
      gating.publish({ header: { stamp: now, frame_id: 'base_link' }, modalities: [], weights: new Float32Array(4), active_modules: [], stale: [] });
    };
    goal.publish({ header: { stamp: now, frame_id: 'map' }, pose: { position: { x: 0, y: 5, z: 0 }, orientation: q } });
    step(1, 6); // clear ahead
    step(1.1, 1.5); // obstacle 1.5 m ahead (centre) → within 2 m after footprint and half-size
    expect(recorder.samples.length).toBe(2);
    const [clear, near] = recorder.samples;
    expect(Array.from(clear!.available)).toEqual([1, 0, 0, 0]);
    expect(clear!.tokens[0]?.count).toBe(2);
    expect(clear!.expert).toEqual({ linear: 0.4, angular: 0.1 });
    expect(clear!.goal.x).toBeCloseTo(0);
    expect(clear!.goal.y).toBeCloseTo(5);
    expect(clear!.obstacleAhead).toBe(0);
    expect(near!.obstacleAhead).toBe(1);
    expect(near!.obstacleDistanceM).toBeCloseTo(1.5 - 0.3 - 0.25, 5); // gap from the 0.5 m footprint, as the runner measures
    // Only vision is available: the gate target puts everything on it, more so near the obstacle.
    expect(clear!.gateTarget[0]).toBeCloseTo(1);
    sub.unsubscribe();
    model.dispose();
  });

  it('measures a long wall by its outline, not its centre', () => {
    const wall = { ...box('w', 1.5, 0), shape: 'wall', size: { x: 0.05, y: 6, z: 2 } };
    expect(aheadDistance({ x: 0, y: 0, yaw: 0 }, [wall])).toBeCloseTo(1.5 - 0.025 - 0.25, 5);
    // Facing away (centre behind): not ahead.
    expect(aheadDistance({ x: 0, y: 0, yaw: Math.PI }, [wall])).toBe(Infinity);
    // A cylinder: gap to its circle.
    const pole = { ...box('p', 0, 2), shape: 'cylinder', size: { x: 0.6, y: 0.6, z: 1 } };
    expect(aheadDistance({ x: 0, y: 0, yaw: Math.PI / 2 }, [pole])).toBeCloseTo(2 - 0.3 - 0.25, 5);
  });
});
