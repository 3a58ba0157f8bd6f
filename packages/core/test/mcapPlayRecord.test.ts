import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { McapIndexedReader } from '@mcap/core';
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  LocalTransport,
  McapRecorder,
  McapSource,
  MemoryWritable,
  SimClock,
  bytesReadable,
  playRecording,
  recordTransport,
  coreMessageSerializer,
} from '../src/index.js';
import { decompressHandlers } from '../src/io/mcap/mcapCompression.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUSTER = path.resolve(repoRoot, '../shared/data/real/mcap/ouster_os1-64_ros2.mcap');
const ousterBytes = readFileSync(OUSTER);

/** Lets pending promise chains run (the player awaits the MCAP reader between timer ticks). No wall-clock wait. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Steps sim time in `stepSec` increments until `done` settles. */
async function drive(clock: SimClock, done: Promise<unknown>, stepSec: number): Promise<void> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  for (let i = 0; i < 1_000_000 && !finished; i++) {
    await flush();
    if (!finished) clock.advanceBy(stepSec);
  }
  await done;
}

describe('playRecording', () => {
  it('plays the real Ouster recording with its original inter-message timing', async () => {
    const source = await McapSource.open(bytesReadable(ousterBytes), { file: OUSTER });
    const logTimes: bigint[] = [];
    for await (const m of source.messages()) logTimes.push(m.logTime);
    expect(logTimes.length).toBe(26);

    const transport = new LocalTransport();
    const clock = new SimClock({ start: { sec: 100, nanosec: 0 } });
    const arrivals: { topic: string; at: number }[] = [];
    const topics = source.summary.channels.map((c) => c.topic);
    // Subscribe before playing: playback advertises on first message, subscribers hear from then on.
    for (const channel of source.summary.channels) {
      transport.subscribe(channel.topic, channel.type as never).subscribe(() => arrivals.push({ topic: channel.topic, at: clock.nowSec() }));
    }
    const step = 0.0005;
    const play = playRecording(source, transport, { clock });
    await drive(clock, play, step);
    const stats = await play;
    expect(stats).toEqual({ published: 26, skipped: 0, loops: 1 });
    expect(arrivals.map((a) => a.topic).every((t) => topics.includes(t))).toBe(true);
    expect(arrivals.length).toBe(26);
    const first = logTimes[0] ?? 0n;
    for (const [i, arrival] of arrivals.entries()) {
      const expected = Number((logTimes[i] ?? 0n) - first) / 1e9;
      // Each message is due at start + offset; the sim clock moves in `step` increments.
      expect(arrival.at - 100).toBeGreaterThanOrEqual(expected - 1e-9);
      expect(arrival.at - 100).toBeLessThanOrEqual(expected + step + 1e-6);
    }
    const span = Number((logTimes[logTimes.length - 1] ?? 0n) - first) / 1e9;
    expect(span).toBeGreaterThan(0.05);
  });

  it('plays twice as fast at rate 2, and loops until aborted', async () => {
    const source = await McapSource.open(bytesReadable(ousterBytes), { file: OUSTER });
    const span = Number(source.summary.endTime - source.summary.startTime) / 1e9;
    const transport = new LocalTransport();
    const clock = new SimClock();
    const play = playRecording(source, transport, { clock, rate: 2 });
    await drive(clock, play, 0.0005);
    expect(clock.nowSec()).toBeLessThanOrEqual(span / 2 + 0.002);
    expect(clock.nowSec()).toBeGreaterThanOrEqual(span / 2 - 0.002);

    const controller = new AbortController();
    const looped = playRecording(source, transport, {
      clock,
      rate: 4,
      loop: true,
      signal: controller.signal,
      onMessage: () => {
        if (counted++ >= 26 * 3 - 1) controller.abort();
      },
    });
    let counted = 0;
    await drive(clock, looped, 0.001);
    const stats = await looped;
    // Aborted on the last message of the third pass, which therefore completed.
    expect(stats.loops).toBe(3);
    expect(stats.published).toBe(26 * 3);
  });

  it('rejects a non-positive rate', async () => {
    const source = await McapSource.open(bytesReadable(ousterBytes), { file: OUSTER });
    await expect(playRecording(source, new LocalTransport(), { clock: new SimClock(), rate: 0 })).rejects.toThrow(RangeError);
  });
});

describe('recordTransport', () => {
  it('records what is published on a transport into an MCAP that @mcap/core reads back', async () => {
    const transport = new LocalTransport();
    const clock = new SimClock({ start: { sec: 5, nanosec: 0 } });
    const writable = new MemoryWritable();
    const recorder = await McapRecorder.create({ writable, serializer: coreMessageSerializer() });
    const twist = transport.advertise('/cmd_vel', 'geometry_msgs/msg/Twist');
    const imu = transport.advertise('/imu', 'sensor_msgs/msg/Imu');
    const errors: unknown[] = [];
    const recording = recordTransport(transport, recorder, { clock, topics: ['/cmd_vel', '/imu'], onError: (e) => errors.push(e) });
    expect(recording.topics().sort()).toEqual(['/cmd_vel', '/imu']);
    const imuMessage = {
      header: { stamp: { sec: 5, nanosec: 500 }, frame_id: 'imu_link' },
      orientation: { x: 0, y: 0, z: 0, w: 1 },
      orientation_covariance: new Float64Array(9),
      angular_velocity: { x: 0.1, y: 0.2, z: 0.3 },
      angular_velocity_covariance: new Float64Array(9),
      linear_acceleration: { x: 0, y: 0, z: 9.81 },
      linear_acceleration_covariance: new Float64Array(9),
    };
    for (let i = 0; i < 10; i++) {
      twist.publish({ linear: { x: i, y: 0, z: 0 }, angular: { x: 0, y: 0, z: -i } });
      imu.publish(imuMessage as never);
      clock.advanceBy(0.1);
    }
    recording.stop();
    twist.publish({ linear: { x: 99, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
    const stats = await recorder.close();
    expect(errors).toEqual([]);
    expect(stats.messages).toBe(20);

    const bytes = writable.bytes();
    const reader = await McapIndexedReader.Initialize({ readable: bytesReadable(bytes), decompressHandlers });
    expect(reader.header.profile).toBe('ros2');
    const schemas = [...reader.schemasById.values()];
    expect(schemas.map((s) => s.encoding)).toEqual(['ros2msg', 'ros2msg']);
    const imuSchema = new TextDecoder().decode(schemas.find((s) => s.name === 'sensor_msgs/msg/Imu')?.data);
    expect(imuSchema).toContain('MSG: std_msgs/Header');
    expect(reader.chunkIndexes.every((c) => c.compression === 'zstd')).toBe(true);

    const source = await McapSource.open(bytesReadable(bytes));
    const twists: { x: number; t: bigint }[] = [];
    for await (const m of source.messages({ topics: ['/cmd_vel'] })) {
      twists.push({ x: (m.message as { linear: { x: number } }).linear.x, t: m.logTime });
    }
    expect(twists.map((t) => t.x)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(twists[3]?.t).toBe(5_300_000_000n);
    for await (const m of source.messages({ topics: ['/imu'] })) {
      expect(m.publishTime).toBe(5_000_000_500n);
      expect((m.message as { angular_velocity: { y: number } }).angular_velocity.y).toBe(0.2);
    }
  });
});

describe('corrupt MCAP', () => {
  it('→ DecodeError naming the file and offset', async () => {
    const bad = ousterBytes.slice(0, 5000);
    const error = await McapSource.open(bytesReadable(bad), { file: 'cut.mcap' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).context).toMatchObject({ file: 'cut.mcap' });
    expect(typeof (error as DecodeError).context.offset).toBe('number');
    expect((error as Error).message).toMatch(/cut\.mcap|MCAP/);
  });
});
