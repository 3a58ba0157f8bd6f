import { describe, expect, it } from 'vitest';
import { SafetySupervisor, type SafetyOptions } from '../src/safety/SafetySupervisor.js';
import { freeDistance, freeDistanceToBoxes, timeToCollision } from '../src/safety/freeDistance.js';

const DT = 0.05;

/** 36 sectors of 10° starting at −180°, all clear except where `set` puts a range. */
function scanWith(set: Record<number, number> = {}) {
  const ranges = new Float32Array(36).fill(Infinity);
  for (const [deg, r] of Object.entries(set)) ranges[Math.round((Number(deg) + 180) / 10)] = r;
  return { angleMin: -Math.PI, angleIncrement: (10 * Math.PI) / 180, ranges };
}

/** A supervisor fed fresh inputs up to `t`, with no acceleration limits unless given. */
function supervisor(options: Partial<SafetyOptions> = {}) {
  return new SafetySupervisor({ maxLinearAccel: 100, maxLinearDecel: 100, maxAngularAccel: 100, ...options });
}

function feed(s: SafetySupervisor, t: number, scan = scanWith()) {
  s.sectors(scan, t);
  s.alive('camera', t);
}

describe('freeDistance', () => {
  it('measures the corridor ahead from the footprint edge', () => {
    const fp = { length: 0.5, width: 0.4 };
    expect(freeDistance(scanWith({ 0: 2.0 }), fp, 1, 0)).toBeCloseTo(1.75, 5);
    // Behind the robot does not count going forward, but does going backward.
    expect(freeDistance(scanWith({ 180: 1.0 }), fp, 1, 0)).toBe(Infinity);
    expect(freeDistance(scanWith({ '-180': 1.0 }), fp, -1, 0)).toBeCloseTo(0.75, 5);
    // 60° to the side at 1 m is 0.87 m off-axis: outside a 0.4 m wide corridor.
    expect(freeDistance(scanWith({ 60: 1.0 }), fp, 1, 0)).toBe(Infinity);
  });

  it('measures boxes overlapping the corridor', () => {
    const fp = { length: 0.5, width: 0.4 };
    expect(freeDistanceToBoxes([{ x: 2, y: 0.3, sizeX: 0.4, sizeY: 0.4 }], fp, 1, 0)).toBeCloseTo(1.55, 5);
    expect(freeDistanceToBoxes([{ x: 2, y: 1.0, sizeX: 0.4, sizeY: 0.4 }], fp, 1, 0)).toBe(Infinity);
  });

  it.each([
    [1, 0.5, 2],
    [1, -0.5, 2],
    [1, 0, Infinity],
  ])('timeToCollision(%d m, %d m/s) = %d s', (d, v, ttc) => {
    expect(timeToCollision(d, v)).toBe(ttc);
  });
});

describe('SafetySupervisor', () => {
  it('passes a command through when the way is clear', () => {
    const s = supervisor();
    feed(s, 1);
    s.command(0.5, 0.2, 1);
    const out = s.step(1, DT);
    expect(out.linear).toBeCloseTo(0.5);
    expect(out.angular).toBeCloseTo(0.2);
    expect(out.interventions).toEqual([]);
  });

  it('scales speed by time to collision and stops below the stop threshold', () => {
    const s = supervisor({ stopTtc: 0.5, slowTtc: 2.0 });
    // 1.25 m ahead → free 1.0 m; at 1 m/s ttc = 1 s → scale (1 − 0.5)/(2 − 0.5) = 1/3.
    feed(s, 1, scanWith({ 0: 1.25 }));
    s.command(1, 0, 1);
    const slow = s.step(1, DT);
    expect(slow.timeToCollision).toBeCloseTo(1, 5);
    expect(slow.scale).toBeCloseTo(1 / 3, 5);
    expect(slow.linear).toBeCloseTo(1 / 3, 5);
    expect(slow.interventions).toContain('ttc_slowdown');

    feed(s, 1.05, scanWith({ 0: 0.6 }));
    const stop = s.step(1.05, DT);
    expect(stop.linear).toBe(0);
    expect(stop.interventions).toContain('ttc_stop');
  });

  it('lets the robot turn in place or back away from an obstacle it must not approach', () => {
    const s = supervisor();
    feed(s, 1, scanWith({ 0: 0.3 }));
    s.command(0, 1, 1);
    expect(s.step(1, DT).angular).toBe(1);
    s.command(-0.3, 0, 1);
    expect(s.step(1, DT).linear).toBeCloseTo(-0.3);
  });

  it('stops when every obstacle-capable input is stale, not when only one is', () => {
    const s = supervisor({ staleTimeout: 0.3 });
    feed(s, 1);
    s.command(0.5, 0, 1.2);
    s.alive('camera', 1.2);
    expect(s.step(1.4, DT).linear).toBeCloseTo(0.5); // LiDAR stale, camera fresh
    s.command(0.5, 0, 1.6);
    const out = s.step(1.6, DT); // both older than 0.3 s
    expect(out.linear).toBe(0);
    expect(out.interventions).toContain('stale_inputs');
  });

  it('stops when nothing has ever been seen', () => {
    const s = supervisor();
    s.command(0.5, 0, 0);
    expect(s.step(0, DT).linear).toBe(0);
  });

  it('stops when cmd_vel_raw stops arriving', () => {
    const s = supervisor({ commandTimeout: 0.5 });
    feed(s, 0.6);
    s.command(0.5, 0.1, 0);
    const out = s.step(0.6, DT);
    expect(out.linear).toBe(0);
    expect(out.angular).toBe(0);
    expect(out.interventions).toContain('cmd_timeout');
  });

  it('rejects NaN and infinite commands and keeps the previous one', () => {
    const s = supervisor();
    feed(s, 1);
    expect(s.command(0.4, 0, 1)).toBe(true);
    expect(s.command(Number.NaN, 0, 1)).toBe(false);
    expect(s.command(0, Infinity, 1)).toBe(false);
    expect(s.step(1, DT).linear).toBeCloseTo(0.4);
  });

  it('backs off away from a frontal contact, then holds still', () => {
    const s = supervisor({ backoffDuration: 0.5, contactHold: 0.5, backoffSpeed: 0.15 });
    feed(s, 1);
    s.command(0.5, 0, 1);
    s.contact(0, 1);
    const back = s.step(1.1, DT);
    expect(back.linear).toBeCloseTo(-0.15);
    expect(back.interventions).toContain('contact_backoff');
    s.command(0.5, 0, 1.7);
    feed(s, 1.7);
    const hold = s.step(1.7, DT);
    expect(hold.linear).toBe(0);
    expect(hold.interventions).toContain('contact_stop');
    s.command(0.5, 0, 2.1);
    feed(s, 2.1);
    expect(s.step(2.1, DT).linear).toBeCloseTo(0.5);
  });

  it('backs forward from a contact behind', () => {
    const s = supervisor();
    feed(s, 1);
    s.contact(Math.PI, 1);
    expect(s.step(1, DT).linear).toBeGreaterThan(0);
  });

  it('clamps velocities and limits acceleration but brakes harder', () => {
    const s = new SafetySupervisor({ maxLinear: 1, maxLinearAccel: 1, maxLinearDecel: 4 });
    feed(s, 0);
    s.command(3, 0, 0);
    const first = s.step(0, 0.1);
    expect(first.linear).toBeCloseTo(0.1);
    expect(first.interventions).toEqual(expect.arrayContaining(['velocity_limit', 'accel_limit']));
    for (let i = 1; i <= 20; i++) {
      feed(s, i * 0.1);
      s.command(3, 0, i * 0.1);
      s.step(i * 0.1, 0.1);
    }
    feed(s, 2.1);
    s.command(0, 0, 2.1);
    expect(s.step(2.1, 0.1).linear).toBeCloseTo(0.6); // 1.0 − 4 m/s² × 0.1 s
  });
});

describe('SafetySupervisor steps at one instant', () => {
  it('a second step at the same time ramps from the same base (no doubled acceleration)', () => {
    const s = new SafetySupervisor({ maxLinearAccel: 1, maxLinearDecel: 3 });
    s.sectors({ angleMin: -Math.PI, angleIncrement: Math.PI / 18, ranges: new Float32Array(36).fill(Infinity) }, 0);
    s.alive('camera', 0);
    s.command(1, 0, 0);
    expect(s.step(0, 0).linear).toBe(0);
    expect(s.step(0.1, 0.1).linear).toBeCloseTo(0.1);
    s.command(1, 0, 0.1);
    expect(s.step(0.1, 0).linear).toBeCloseTo(0.1); // answered again at 0.1 s: still 0.1, not 0.2
    expect(s.step(0.2, 0.1).linear).toBeCloseTo(0.2);
  });
});

describe('SafetySupervisor clearance keeping', () => {
  it('turns away from a return just beside the path, and leaves a clear path alone', () => {
    const s = new SafetySupervisor({ maxLinearAccel: 100, maxLinearDecel: 100, maxAngularAccel: 100, steerGain: 0.8 });
    const ranges = new Float32Array(36).fill(Infinity);
    // Sector 15 of 36 from −180° is centred at −30°: 0.8 m there is (0.69, −0.4), 0.2 m right of the footprint.
    ranges[15] = 0.8;
    s.sectors({ angleMin: -Math.PI, angleIncrement: Math.PI / 18, ranges }, 1);
    s.alive('camera', 1);
    s.command(0.5, 0, 1);
    const out = s.step(1, 0.05);
    expect(out.angular).toBeGreaterThan(0.05);
    expect(out.interventions).toContain('clearance_steer');
    ranges[15] = Infinity;
    s.sectors({ angleMin: -Math.PI, angleIncrement: Math.PI / 18, ranges }, 1.05);
    s.command(0.5, 0, 1.05);
    const clear = s.step(1.05, 0.05);
    expect(clear.angular).toBe(0);
    expect(clear.interventions).not.toContain('clearance_steer');
  });
});
