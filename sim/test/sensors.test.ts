import { describe, expect, it } from 'vitest';
import type { AudioDataStamped, Image, TactileArray } from '@sensorium/core';
import { SPEED_OF_SOUND } from '@sensorium/sim';
import { makeSim, scenarioWith } from './helpers.js';

function channel(chunk: AudioDataStamped, ch: number): Float64Array {
  const view = new DataView(chunk.audio.data.buffer, chunk.audio.data.byteOffset, chunk.audio.data.byteLength);
  const frames = chunk.audio.data.byteLength / 8;
  const out = new Float64Array(frames);
  for (let i = 0; i < frames; i++) out[i] = view.getInt16((i * 4 + ch) * 2, true);
  return out;
}

/** Lag (in samples) maximising the cross-correlation of b against a: b[i] ≈ a[i − lag]. */
function bestLag(a: Float64Array, b: Float64Array, maxLag: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let sum = 0;
    for (let i = maxLag; i < a.length - maxLag; i++) sum += b[i]! * a[i - lag]!;
    if (sum > bestValue) {
      bestValue = sum;
      best = lag;
    }
  }
  return best;
}

describe('microphone array', () => {
  it.each([
    // Channels: 0 front-left, 1 rear-left, 2 rear-right, 3 front-right.
    ['ahead', [10, 0], 0, 1],
    ['left', [0, 10], 0, 3],
    ['behind', [-10, 0], 2, 3],
    ['ahead-left', [8, 8], 0, 2],
  ])('delays a source %s between microphones as the geometry says', async (_label, position, near, far) => {
    // A 1 m wide array so delays are many samples; white noise so the correlation peak is sharp.
    const { sim, captured } = await makeSim(
      scenarioWith(`  sounds:\n    - {position: [${position.join(', ')}], signal: noise, level_db: 90}`),
      { mic_spacing: 1.0, ambient_db: 0, motor_hum_db: 0 },
    );
    sim.start();
    for (let i = 0; i < 30; i++) sim.step();
    const chunk = captured.audio.at(-1) as AudioDataStamped;
    const [sx, sy] = position as [number, number];
    const mic = (m: number) => sim.audio.micPosition(m);
    const distance = (m: number) => Math.hypot(sx - mic(m).x, sy - mic(m).y, 1 - 0.5);
    const expected = ((distance(far) - distance(near)) / SPEED_OF_SOUND) * 16000;
    const lag = bestLag(channel(chunk, near), channel(chunk, far), 80);
    expect(Math.abs(lag - expected)).toBeLessThanOrEqual(1);
    expect(expected).toBeGreaterThan(40); // ≈ 1 m (√2 m on the diagonal) / 343 m/s × 16 kHz
    sim.dispose();
  });

  it('attenuates with distance and is silent before the source starts', async () => {
    const rms = (x: Float64Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    const level = async (distance: number) => {
      const { sim, captured } = await makeSim(scenarioWith(`  sounds:\n    - {position: [${distance}, 0], signal: tone, frequency: 500, level_db: 80, start: 0.2}`), { ambient_db: 0, motor_hum_db: 0 });
      sim.start();
      for (let i = 0; i < 10; i++) sim.step();
      const before = rms(channel(captured.audio[0] as AudioDataStamped, 0));
      for (let i = 0; i < 40; i++) sim.step();
      const after = rms(channel(captured.audio.at(-1) as AudioDataStamped, 0));
      sim.dispose();
      return { before, after };
    };
    const near = await level(2);
    const far = await level(8);
    expect(near.before).toBeLessThan(1);
    expect(near.after / far.after).toBeGreaterThan(3);
    expect(near.after / far.after).toBeLessThan(5);
  });

  it('publishes S16LE, 4 channels, 100 ms chunks with latched info', async () => {
    const { sim, captured } = await makeSim(scenarioWith('  obstacles: []'));
    sim.start();
    for (let i = 0; i < 20; i++) sim.step();
    expect(captured.audioInfo[0]).toMatchObject({ channels: 4, sample_rate: 16000, sample_format: 'S16LE' });
    expect(captured.audio).toHaveLength(2);
    expect((captured.audio[0] as AudioDataStamped).audio.data.byteLength).toBe(1600 * 4 * 2);
    sim.dispose();
  });
});

describe('tactile skin', () => {
  it('turns a bump into pressure on the front taxels only', async () => {
    const { sim, captured } = await makeSim(scenarioWith('  obstacles:\n    - {type: box, position: [1.0, 0], size: [0.4, 2, 1]}'));
    sim.start();
    // Accelerate, touch the box at ~1.4 s, keep pushing.
    for (let i = 0; i < 250; i++) {
      sim.command({ linear: { x: 0.4, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
      sim.step();
    }
    const frames = captured.tactile as TactileArray[];
    const last = frames.at(-1)!;
    const front: number[] = [];
    const back: number[] = [];
    for (let i = 0; i < last.pressures.length; i++) {
      const x = last.positions[3 * i]!;
      if (x > 0.2) front.push(last.pressures[i]!);
      else if (x < 0) back.push(last.pressures[i]!);
    }
    expect(Math.max(...front)).toBeGreaterThan(1);
    expect(Math.max(...back)).toBeLessThan(0.1);
    // Before contact nothing but noise (frames are pooled 8 deep: check a recent pre-contact one at capture time).
    expect(frames.length).toBe(125);
    expect(sim.scorer.snapshot().collisions).toBe(1);
    sim.dispose();
  });
});

describe('soft obstacles', () => {
  it('are felt by the skin and counted as touches, not collisions', async () => {
    const { sim, captured, counts } = await makeSim(scenarioWith('  obstacles:\n    - {type: box, position: [1.0, 0], size: [0.4, 2, 1], material: soft}'));
    sim.start();
    let maxPressure = 0;
    for (let i = 0; i < 250; i++) {
      sim.command({ linear: { x: 0.4, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
      sim.step();
      const last = captured.tactile.at(-1) as TactileArray | undefined;
      if (last !== undefined) maxPressure = Math.max(maxPressure, ...last.pressures);
    }
    expect(maxPressure).toBeGreaterThan(1);
    expect(sim.scorer.snapshot().collisions).toBe(0);
    expect(counts.get('soft_touches')).toBe(1);
    sim.dispose();
  });
});

describe('camera', () => {
  it('renders an rgb8 image with camera info, darker with lower lighting', async () => {
    const mean = (img: Image) => img.data.reduce((s, v) => s + v, 0) / img.data.length;
    const render = async (lighting: number) => {
      const { sim, captured } = await makeSim(`${scenarioWith('  obstacles:\n    - {type: box, position: [3, 0], size: [1, 2, 1.5], color: "#ff0000"}').replace('open: true', `open: true\n  lighting: ${lighting}`)}`);
      sim.start();
      for (let i = 0; i < 10; i++) sim.step();
      sim.dispose();
      return { image: captured.image[0] as Image, info: captured.cameraInfo[0] as { width: number; k: Float64Array } };
    };
    const bright = await render(1);
    const dim = await render(0.1);
    expect(bright.image).toMatchObject({ encoding: 'rgb8', width: 64, height: 48, step: 192 });
    expect(bright.info.width).toBe(64);
    expect(bright.info.k[0]).toBeCloseTo(32, 5);
    // The centre pixel sees the red box.
    const c = (24 * 64 + 32) * 3;
    expect(bright.image.data[c]!).toBeGreaterThan(2 * bright.image.data[c + 1]!);
    expect(mean(dim.image)).toBeLessThan(mean(bright.image) * 0.3);
  });
});

describe('depth, odometry and tf', () => {
  it('publishes 32FC1 depth equal to the ray distance', async () => {
    const { sim, captured } = await makeSim(scenarioWith('  obstacles:\n    - {type: box, position: [3.5, 0], size: [1, 4, 2]}'), { camera_depth: true, camera_pitch: 0 });
    sim.start();
    for (let i = 0; i < 10; i++) sim.step();
    const depth = captured.depth[0] as Image;
    expect(depth.encoding).toBe('32FC1');
    const f32 = new Float32Array(depth.data.buffer, depth.data.byteOffset, depth.width * depth.height);
    // The ray through the centre (between the 4 middle pixels) is nearly the optical axis: 3 − 0.22 m ahead.
    const centre = f32[(depth.height / 2) * depth.width + depth.width / 2]!;
    expect(centre).toBeGreaterThan(2.78 - 1e-3);
    expect(centre).toBeLessThan(2.78 * 1.01);
    sim.dispose();
  });

  it('odometry drifts from the truth while map→odom→base_link stays exact', async () => {
    const { sim, captured } = await makeSim(scenarioWith('  obstacles: []'), { wheel_slip: 0.05, odom_noise: 0.05 });
    sim.start();
    for (let i = 0; i < 400; i++) {
      sim.command({ linear: { x: 0.8, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.4 } });
      sim.step();
    }
    const truth = { x: 0, y: 0, yaw: 0 };
    sim.physics.pose(truth);
    const odom = (captured.odom.at(-1) as { pose: { pose: { position: { x: number; y: number } } } }).pose.pose.position;
    expect(Math.hypot(odom.x - truth.x, odom.y - truth.y)).toBeGreaterThan(0.005);
    const tf = captured.tf.at(-1) as { transforms: { child_frame_id: string; transform: { translation: { x: number; y: number }; rotation: { z: number; w: number } } }[] };
    const [mapOdom, odomBase] = tf.transforms;
    expect(mapOdom!.child_frame_id).toBe('odom');
    const yaw = 2 * Math.atan2(mapOdom!.transform.rotation.z, mapOdom!.transform.rotation.w);
    const bx = odomBase!.transform.translation.x;
    const by = odomBase!.transform.translation.y;
    const x = mapOdom!.transform.translation.x + Math.cos(yaw) * bx - Math.sin(yaw) * by;
    const y = mapOdom!.transform.translation.y + Math.sin(yaw) * bx + Math.cos(yaw) * by;
    expect(x).toBeCloseTo(truth.x, 6);
    expect(y).toBeCloseTo(truth.y, 6);
    const statics = (captured.tfStatic[0] as { transforms: { child_frame_id: string }[] }).transforms.map((t) => t.child_frame_id);
    expect(statics).toEqual(expect.arrayContaining(['lidar_link', 'camera_link', 'camera_optical_frame', 'mic_array_link', 'skin_link']));
    sim.dispose();
  });
});
