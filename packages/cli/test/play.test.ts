import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { finalize } from 'rxjs';
import { LocalTransport, SimClock, readPointCloud2, type Clock, type PointCloud2 } from '@sensorium/core';
import { runPlay } from '../src/commands/play.js';
import { captureIo } from './io.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const OUSTER = path.resolve(repoRoot, '../shared/data/real/mcap/ouster_os1-64_ros2.mcap');
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('sensorium play', () => {
  it('publishes the real Ouster recording on the transport with its timing, decoded with core codecs', async () => {
    const transport = new LocalTransport();
    const sim = new SimClock();
    // Time moves only while the player waits on a timer: file reads (real I/O) take no sim time.
    let waiting = 0;
    const clock: Clock = {
      kind: 'sim',
      now: () => sim.now(),
      nowSec: () => sim.nowSec(),
      interval: (periodSec) => {
        waiting += 1;
        return sim.interval(periodSec).pipe(finalize(() => (waiting -= 1)));
      },
    };
    const clouds: { at: number; points: number }[] = [];
    transport.subscribe('/os1_cloud_node/points', 'sensor_msgs/msg/PointCloud2').subscribe((cloud: PointCloud2) => {
      const reader = readPointCloud2(cloud);
      clouds.push({ at: clock.nowSec(), points: cloud.width * cloud.height + (reader.hasField('ring') ? 0 : -1) });
    });
    const io = captureIo(repoRoot);
    let done = false;
    const playing = runPlay([OUSTER, '--rate', '2'], io, { transport, clock }).finally(() => {
      done = true;
    });
    for (let i = 0; i < 100_000 && !done; i++) {
      await flush();
      if (!done && waiting > 0) sim.advanceBy(0.001);
    }
    expect(await playing).toBe(0);
    expect(io.out).toContain('published 26, skipped 0, 1 pass(es)');
    expect(clouds.map((c) => c.points)).toEqual([131072, 131072]);
    // Clouds ~0.1 s apart in the recording arrive ~0.05 s apart at rate 2.
    const gap = (clouds[1]?.at ?? 0) - (clouds[0]?.at ?? 0);
    expect(gap).toBeGreaterThan(0.04);
    expect(gap).toBeLessThan(0.06);
  });

  it('exits 2 on a bad rate', async () => {
    const io = captureIo(repoRoot);
    expect(await runPlay([OUSTER, '--rate', '0'], io, { transport: new LocalTransport() })).toBe(2);
  });
});
