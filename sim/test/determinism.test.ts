import { createHash, type Hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MessageType } from '@sensorium/core';
import { loadScenario, runScenario, type ScenarioResult } from '@sensorium/sim';

const TOPICS: [string, MessageType][] = [
  ['/clock', 'rosgraph_msgs/msg/Clock'],
  ['/tf', 'tf2_msgs/msg/TFMessage'],
  ['/odom', 'nav_msgs/msg/Odometry'],
  ['/imu/data', 'sensor_msgs/msg/Imu'],
  ['/lidar/points', 'sensor_msgs/msg/PointCloud2'],
  ['/camera/image_raw', 'sensor_msgs/msg/Image'],
  ['/camera/camera_info', 'sensor_msgs/msg/CameraInfo'],
  ['/audio/audio', 'audio_common_msgs/msg/AudioDataStamped'],
  ['/touch/tactile', 'sensorium_msgs/msg/TactileArray'],
  ['/sim/world', 'sensorium_msgs/msg/WorldState'],
  ['/sim/status', 'sensorium_msgs/msg/ScenarioStatus'],
  ['/cmd_vel', 'geometry_msgs/msg/Twist'],
];

/** Feeds every field of a message into the hash: typed arrays as bytes, numbers as float64. */
function feed(hash: Hash, value: unknown): void {
  if (ArrayBuffer.isView(value)) hash.update(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else if (typeof value === 'number') hash.update(new Uint8Array(new Float64Array([value]).buffer));
  else if (typeof value === 'string' || typeof value === 'boolean') hash.update(String(value));
  else if (Array.isArray(value)) for (const v of value) feed(hash, v);
  else if (value !== null && typeof value === 'object') for (const key of Object.keys(value).sort()) {
    hash.update(key);
    feed(hash, (value as Record<string, unknown>)[key]);
  }
}

const scenario = loadScenario(`name: determinism
seed: 3
duration: 4
world:
  size: [12, 8]
  obstacles:
    - {type: box, position: [0, 0.6], size: [0.8, 0.8, 1.0], yaw: 0.4}
    - {type: cylinder, position: [2, -1], radius: 0.3, material: absorbing}
  movers:
    - {shape: {type: cylinder, radius: 0.3, height: 1.7}, path: [[1, -3], [1, 3]], speed: 1.0, loop: true}
  sounds:
    - {position: [-5, 0], signal: noise, level_db: 70}
robot:
  start: {position: [-4, 0], yaw: 0}
goal: {position: [4, 0]}
faults:
  - {at: 1.0, sensor: camera, kind: noise, duration: 1.0}
  - {at: 2.0, sensor: lidar, kind: freeze, duration: 0.5}
`);

async function run(seed?: number): Promise<{ result: ScenarioResult; digest: string; messages: number }> {
  const hash = createHash('sha256');
  let messages = 0;
  const result = await runScenario(scenario, {
    ...(seed === undefined ? {} : { seed }),
    onStart: ({ transport }) => {
      for (const [topic, type] of TOPICS) {
        transport.subscribe(topic, type, { reliability: 'best_effort' }).subscribe((m) => {
          messages++;
          hash.update(topic);
          feed(hash, m);
        });
      }
    },
  });
  return { result, digest: hash.digest('hex'), messages };
}

/** Everything but wall-clock figures. */
function simMetrics(r: ScenarioResult) {
  const { wallSeconds: _w, realtimeFactor: _r, ...rest } = r.metrics;
  return { ...r, metrics: rest };
}

describe('determinism', () => {
  it('same scenario and seed: identical metrics and identical sensor bytes', async () => {
    const a = await run();
    const b = await run();
    expect(a.messages).toBeGreaterThan(1000);
    expect(simMetrics(a.result)).toEqual(simMetrics(b.result));
    expect(a.digest).toBe(b.digest);
    const c = await run(4);
    expect(c.digest).not.toBe(a.digest);
  });
});
