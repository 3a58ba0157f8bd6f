import { afterEach, describe, expect, it } from 'vitest';
import { LocalTransport, NodeRuntime, SimClock, fromSec } from '@sensorium/core';
import type { Detection3DArray, FeatureTokens, Publisher, SafetyEvent, SectorRanges, TouchContacts, Twist } from '@sensorium/core';
import { safetySupervisorNode } from '../src/safety/safetySupervisorNode.js';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function sectors(t: number, ahead = Infinity): SectorRanges {
  const ranges = new Float32Array(36).fill(Infinity);
  ranges[18] = ahead; // sector 18 of 36 from −180° is centred ahead
  return { header: { stamp: fromSec(t), frame_id: 'lidar_link' }, angle_min: -Math.PI, angle_increment: (2 * Math.PI) / 36, ranges };
}
function tokens(t: number): FeatureTokens {
  return { header: { stamp: fromSec(t), frame_id: 'camera_link' }, modality: 'vision', count: 1, dim: 1, data: new Float32Array(1) };
}
function twist(x: number, z = 0): Twist {
  return { linear: { x, y: 0, z: 0 }, angular: { x: 0, y: 0, z } };
}
function obstacles(t: number, x: number): Detection3DArray {
  const pose = { position: { x, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } };
  return {
    header: { stamp: fromSec(t), frame_id: 'lidar_link' },
    detections: [{ header: { stamp: fromSec(t), frame_id: 'lidar_link' }, results: [], bbox: { center: pose, size: { x: 0.4, y: 0.4, z: 1 } }, id: '0' }],
  };
}

describe('safety_supervisor node', () => {
  let runtime: NodeRuntime | undefined;
  afterEach(async () => {
    await runtime?.shutdown();
    runtime = undefined;
  });

  async function start(params: Record<string, unknown> = {}) {
    const transport = new LocalTransport();
    const clock = new SimClock({ start: { sec: 10, nanosec: 0 } });
    runtime = new NodeRuntime(safetySupervisorNode, { transport, clock, logger: quiet, params: [{ values: { max_linear_accel: 50, max_linear_decel: 50, max_angular_accel: 50, ...params } }] });
    await runtime.configure();
    runtime.activate();
    const out: Twist[] = [];
    const events: SafetyEvent[] = [];
    transport.subscribe('/cmd_vel', 'geometry_msgs/msg/Twist').subscribe((m) => out.push({ linear: { ...m.linear }, angular: { ...m.angular } }));
    transport.subscribe('/safety/events', 'sensorium_msgs/msg/SafetyEvent').subscribe((m) => events.push(m));
    const pub = {
      raw: transport.advertise('/cmd_vel_raw', 'geometry_msgs/msg/Twist'),
      sectors: transport.advertise('/perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges'),
      obstacles: transport.advertise('/perception/obstacles', 'vision_msgs/msg/Detection3DArray'),
      vision: transport.advertise('/perception/vision/tokens', 'sensorium_msgs/msg/FeatureTokens'),
      touch: transport.advertise('/perception/touch/contacts', 'sensorium_msgs/msg/TouchContacts'),
    } satisfies Record<string, Publisher>;
    return { clock, out, events, pub, runtime };
  }

  /** Advances sim time in 50 ms ticks, calling `feed(t)` before each tick. */
  function run(clock: SimClock, seconds: number, feed: (t: number) => void): void {
    for (let i = 0; i < Math.round(seconds / 0.05); i++) {
      feed(clock.nowSec());
      clock.advanceBy(0.05);
    }
  }

  it('passes a clear command through: each command answered at once, plus ticks at its rate', async () => {
    const { clock, out, pub, events } = await start();
    run(clock, 1, (t) => {
      pub.sectors.publish(sectors(t));
      pub.vision.publish(tokens(t));
      pub.raw.publish(twist(0.5, 0.3));
    });
    expect(out.length).toBe(20 + 20);
    expect(out.at(-1)!.linear.x).toBeCloseTo(0.5);
    expect(out.at(-1)!.angular.z).toBeCloseTo(0.3);
    // Only the ramp from standstill at the first instant (dt 0) shapes it.
    expect(events.map((e) => e.reason)).toEqual(['accel_limit']);
  });

  it('slows and then stops on time to collision, in lidar_link corrected to base_link', async () => {
    const { clock, out, pub, events, runtime } = await start();
    // 1.45 m from the LiDAR = 1.55 m from base_link = 1.3 m free: TTC 1.3 s at 1 m/s → slowdown.
    run(clock, 0.5, (t) => {
      pub.raw.publish(twist(1.0));
      pub.sectors.publish(sectors(t, 1.45));
      pub.vision.publish(tokens(t));
    });
    const slowed = out.at(-1)!.linear.x;
    expect(slowed).toBeGreaterThan(0.1);
    expect(slowed).toBeLessThan(1.0);
    expect(events.map((e) => e.reason)).toContain('ttc_slowdown');
    run(clock, 0.5, (t) => {
      pub.raw.publish(twist(1.0));
      pub.sectors.publish(sectors(t, 0.4));
      pub.vision.publish(tokens(t));
    });
    expect(out.at(-1)!.linear.x).toBe(0);
    expect(events.map((e) => e.reason)).toContain('ttc_stop');
    const counters = runtime.diagnostics.snapshot().counters;
    expect(counters['intervention.ttc_stop']).toBe(1);
  });

  it('stops for an obstacle box ahead even when the sectors are clear', async () => {
    const { clock, out, pub } = await start();
    run(clock, 0.5, (t) => {
      pub.raw.publish(twist(0.8));
      pub.sectors.publish(sectors(t));
      pub.obstacles.publish(obstacles(t, 0.45));
      pub.vision.publish(tokens(t));
    });
    expect(out.at(-1)!.linear.x).toBe(0);
  });

  it.each([
    ['lidar', 'camera'],
    ['camera', 'lidar'],
  ])('keeps driving while only %s is stale, stops once %s goes stale too', async (first) => {
    const { clock, out, pub, events } = await start();
    const feed = (t: number, lidar: boolean, camera: boolean) => {
      pub.raw.publish(twist(0.4));
      if (lidar) pub.sectors.publish(sectors(t));
      if (camera) pub.vision.publish(tokens(t));
    };
    run(clock, 0.5, (t) => feed(t, true, true));
    run(clock, 1, (t) => feed(t, first !== 'lidar', first !== 'camera'));
    expect(out.at(-1)!.linear.x).toBeCloseTo(0.4);
    run(clock, 0.5, (t) => feed(t, false, false));
    expect(out.at(-1)!.linear.x).toBe(0);
    expect(events.map((e) => e.reason)).toContain('stale_inputs');
  });

  it('treats a frozen sensor (repeated stamp) as stale', async () => {
    const { clock, out, pub } = await start();
    const frozen = 10;
    run(clock, 1, () => {
      pub.raw.publish(twist(0.4));
      pub.sectors.publish(sectors(frozen));
      pub.vision.publish(tokens(frozen));
    });
    expect(out.at(-1)!.linear.x).toBe(0);
  });

  it('stops when cmd_vel_raw stops arriving (a crashed or deactivated policy)', async () => {
    const { clock, out, pub, events } = await start();
    run(clock, 0.5, (t) => {
      pub.raw.publish(twist(0.5));
      pub.sectors.publish(sectors(t));
      pub.vision.publish(tokens(t));
    });
    expect(out.at(-1)!.linear.x).toBeCloseTo(0.5);
    run(clock, 1, (t) => {
      pub.sectors.publish(sectors(t));
      pub.vision.publish(tokens(t));
    });
    expect(out.at(-1)!.linear.x).toBe(0);
    expect(events.map((e) => e.reason)).toContain('cmd_timeout');
  });

  it('drops NaN/inf commands, counts them and keeps the last valid one', async () => {
    const { clock, out, pub, events, runtime } = await start();
    run(clock, 0.2, (t) => {
      pub.raw.publish(twist(0.3));
      pub.sectors.publish(sectors(t));
      pub.vision.publish(tokens(t));
    });
    run(clock, 0.2, (t) => {
      pub.raw.publish(twist(Number.NaN));
      pub.raw.publish(twist(0.3, Infinity));
      pub.sectors.publish(sectors(t));
      pub.vision.publish(tokens(t));
    });
    expect(out.every((m) => Number.isFinite(m.linear.x) && Number.isFinite(m.angular.z))).toBe(true);
    expect(out.at(-1)!.linear.x).toBeCloseTo(0.3);
    expect(events.filter((e) => e.reason === 'invalid_command').length).toBe(8);
    const drop = runtime.diagnostics.snapshot().drops.find((d) => d.topic === '/cmd_vel_raw' && d.reason === 'INVALID_COMMAND');
    expect(drop?.count).toBe(8);
  });

  it('backs off from a front contact, then holds still', async () => {
    const { clock, out, pub, events } = await start();
    const contact: TouchContacts = { header: { stamp: fromSec(10), frame_id: 'skin_link' }, taxels: Uint32Array.of(3), total_pressure: 5, centroid: { x: 0.25, y: 0, z: 0 }, bump: true, bearing: 0 };
    run(clock, 0.3, (t) => {
      pub.raw.publish(twist(0.4));
      pub.sectors.publish(sectors(t));
      pub.vision.publish(tokens(t));
    });
    pub.touch.publish(contact);
    const during: number[] = [];
    run(clock, 1.5, (t) => {
      pub.raw.publish(twist(0.4));
      pub.sectors.publish(sectors(t));
      pub.vision.publish(tokens(t));
      during.push(out.at(-1)?.linear.x ?? NaN);
    });
    expect(Math.min(...during)).toBeLessThan(0);
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['contact_backoff', 'contact_stop']));
  });

  it('publishes zero when deactivated', async () => {
    const { clock, out, pub, runtime } = await start();
    run(clock, 0.3, (t) => {
      pub.raw.publish(twist(0.4));
      pub.sectors.publish(sectors(t));
      pub.vision.publish(tokens(t));
    });
    runtime.deactivate();
    expect(out.at(-1)!.linear.x).toBe(0);
  });
});
