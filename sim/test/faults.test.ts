import { describe, expect, it } from 'vitest';
import type { Time, Twist } from '@sensorium/core';
import { makeSim, scenarioWith } from './helpers.js';

const world = '  obstacles:\n    - {type: box, position: [3, 0], size: [1, 2, 1.5], color: "#cc3333"}';
const sec = (t: Time) => t.sec + t.nanosec * 1e-9;

/** Runs 2 s with one fault from 0.5 s to 1.5 s, recording each message with a snapshot of its bytes at publish time. */
async function runWithFault(sensor: string, kind: string) {
  const { sim, captured } = await makeSim(scenarioWith(world, `faults:\n  - {at: 0.5, sensor: ${sensor}, kind: ${kind}, duration: 1.0}`));
  sim.start();
  const seen: { t: number; stamp: number; bytes: Uint8Array }[] = [];
  const list = { lidar: 'lidar', camera: 'image', audio: 'audio', touch: 'tactile', imu: 'imu', odom: 'odom' }[sensor] as keyof typeof captured;
  let count = 0;
  for (let i = 0; i < 200; i++) {
    sim.step();
    const messages = captured[list];
    while (count < messages.length) {
      const m = messages[count++] as { header: { stamp: Time }; data?: Uint8Array; audio?: { data: Uint8Array }; pressures?: Float32Array };
      const bytes = m.data ?? (m.audio?.data as Uint8Array | undefined) ?? (m.pressures === undefined ? new Uint8Array(0) : new Uint8Array(m.pressures.buffer));
      seen.push({ t: sim.time, stamp: sec(m.header.stamp), bytes: bytes.slice() });
    }
  }
  sim.dispose();
  const during = seen.filter((s) => s.t > 0.5 + 1e-9 && s.t < 1.5 - 1e-9);
  const before = seen.filter((s) => s.t <= 0.5 + 1e-9);
  const after = seen.filter((s) => s.t >= 1.5 - 1e-9);
  return { seen, during, before, after };
}

const meanAbsDiff = (a: Uint8Array, b: Uint8Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
};

describe('sensor faults change what is published', () => {
  it.each(['lidar', 'camera', 'audio', 'touch', 'imu', 'odom'])('dropout: %s publishes nothing during the fault', async (sensor) => {
    const { during, before, after } = await runWithFault(sensor, 'dropout');
    expect(during).toHaveLength(0);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
  });

  it.each(['lidar', 'camera', 'audio', 'touch'])('freeze: %s repeats its last message with its stale stamp', async (sensor) => {
    const { during, before, after } = await runWithFault(sensor, 'freeze');
    const last = before.at(-1)!;
    expect(during.length).toBeGreaterThan(2);
    for (const m of during) {
      expect(m.stamp).toBe(last.stamp);
      expect(m.bytes).toEqual(last.bytes);
    }
    expect(after[0]!.stamp).toBeGreaterThan(last.stamp);
  });

  it('noise: the camera image gets much noisier', async () => {
    const clean = await runWithFault('camera', 'dropout');
    const noisy = await runWithFault('camera', 'noise');
    // Consecutive frames of a still scene differ only by noise.
    const cleanDiff = meanAbsDiff(clean.before[0]!.bytes, clean.before[1]!.bytes);
    const noisyDiff = meanAbsDiff(noisy.during[0]!.bytes, noisy.during[1]!.bytes);
    expect(noisyDiff).toBeGreaterThan(5 * cleanDiff);
  });

  it('noise: LiDAR ranges get noisier', async () => {
    const spread = (a: Uint8Array, b: Uint8Array) => {
      const fa = new Float32Array(a.buffer);
      const fb = new Float32Array(b.buffer);
      let s = 0;
      let n = 0;
      for (let i = 0; i < fa.length; i += 5) {
        if (Number.isFinite(fa[i]!) && Number.isFinite(fb[i]!)) {
          s += (fa[i]! - fb[i]!) ** 2;
          n++;
        }
      }
      return Math.sqrt(s / n);
    };
    const { before, during } = await runWithFault('lidar', 'noise');
    expect(spread(during[0]!.bytes, during[1]!.bytes)).toBeGreaterThan(5 * spread(before[0]!.bytes, before[1]!.bytes));
  });

  it('dark: the camera goes black and the LiDAR returns nothing', async () => {
    const camera = await runWithFault('camera', 'dark');
    const mean = (b: Uint8Array) => b.reduce((s, v) => s + v, 0) / b.length;
    expect(mean(camera.before[0]!.bytes)).toBeGreaterThan(40);
    expect(mean(camera.during[0]!.bytes)).toBeLessThan(3);
    const lidar = await runWithFault('lidar', 'dark');
    const finite = (b: Uint8Array) => Array.from(new Float32Array(b.buffer)).filter((v, i) => i % 5 === 0 && Number.isFinite(v)).length;
    expect(finite(lidar.before[0]!.bytes)).toBeGreaterThan(100);
    expect(finite(lidar.during[0]!.bytes)).toBe(0);
  });
});

describe('ablation', () => {
  it.each([
    ['lidar', 'lidar'],
    ['vision', 'image'],
    ['audio', 'audio'],
    ['touch', 'tactile'],
  ] as const)('ablate %s: never published', async (ablate, output) => {
    const { sim, captured } = await makeSim(scenarioWith(world), { ablate });
    sim.start();
    for (let i = 0; i < 50; i++) sim.step();
    expect(captured[output]).toHaveLength(0);
    expect(captured.odom.length).toBeGreaterThan(0);
    sim.dispose();
  });
});

describe('cmd_vel validation', () => {
  const forward = (v: number, w = 0): Twist => ({ linear: { x: v, y: 0, z: 0 }, angular: { x: 0, y: 0, z: w } });

  it.each([
    ['NaN speed', forward(NaN)],
    ['infinite yaw rate', forward(0.5, Infinity)],
    ['missing fields', { linear: {}, angular: {} } as unknown as Twist],
  ])('rejects %s: counted, never integrated (the robot stops)', async (_label, bad) => {
    const { sim, counts } = await makeSim(scenarioWith(world));
    sim.start();
    for (let i = 0; i < 100; i++) {
      sim.command(bad);
      sim.step();
    }
    const pose = { x: 0, y: 0, yaw: 0 };
    sim.physics.pose(pose);
    expect(Number.isFinite(pose.x) && Number.isFinite(pose.yaw)).toBe(true);
    expect(Math.hypot(pose.x, pose.y)).toBeLessThan(1e-3);
    expect(counts.get('cmd_vel_rejected')).toBe(100);
    sim.dispose();
  });

  it('clamps absurd speeds to the robot limits and counts them', async () => {
    const { sim, counts } = await makeSim(scenarioWith('  obstacles: []'));
    sim.start();
    for (let i = 0; i < 300; i++) {
      sim.command(forward(1e6, -1e9));
      sim.step();
    }
    const v = { v: 0, omega: 0 };
    sim.physics.velocity(v);
    expect(Math.abs(v.v)).toBeLessThanOrEqual(1.0 * 1.1);
    expect(Math.abs(v.omega)).toBeLessThanOrEqual(2.0 * 1.1);
    expect(Math.abs(v.omega)).toBeGreaterThan(1.5);
    expect(counts.get('cmd_vel_clamped')).toBe(300);
    sim.dispose();
  });
});
