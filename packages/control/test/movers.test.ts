import { describe, expect, it } from 'vitest';
import { MoverTracker } from '../src/safety/MoverTracker.js';
import { SafetySupervisor } from '../src/safety/SafetySupervisor.js';
import type { ObstacleBox } from '../src/safety/SafetySupervisor.js';

const DT = 0.05;
const FOOTPRINT = { length: 0.5, width: 0.4 };

/** A pedestrian (0.6 m box) at odom (x, y), seen from a robot at odom (rx, 0) facing +x: the box in base_link. */
function seen(x: number, y: number, rx: number): ObstacleBox[] {
  return [{ x: x - rx, y, sizeX: 0.6, sizeY: 0.6 }];
}

describe('MoverTracker', () => {
  it('associates boxes across frames and estimates a mover’s velocity in odom while the robot drives', () => {
    const tracker = new MoverTracker();
    for (let i = 0; i <= 10; i++) {
      const t = i * 0.1;
      const rx = 0.8 * t; // robot driving at 0.8 m/s: the box's base_link motion is not its own
      tracker.pose(rx, 0, 0);
      tracker.update(seen(3, -2 + 1.0 * t, rx).concat(seen(5, 1, rx)), t);
    }
    expect(tracker.size).toBe(2);
    const movers = [0, 1].filter((i) => tracker.isMover(i)).map((i) => tracker.track(i));
    expect(movers).toHaveLength(1); // the static box is not a mover
    expect(movers[0]!.vx).toBeCloseTo(0, 1);
    expect(movers[0]!.vy).toBeCloseTo(1.0, 1);
  });

  it('predicts contact with a crossing mover at the robot’s speed, none when stopped short of its path', () => {
    const tracker = new MoverTracker();
    // Mover crossing y from −2 at 1 m/s, 2.5 m ahead; robot at the origin.
    for (let i = 0; i <= 10; i++) {
      tracker.pose(0, 0, 0);
      tracker.update(seen(2.5, -2.5 + 0.1 * i, 0), i * 0.1);
    }
    const t = 1.0;
    // Driving at 1 m/s the robot reaches x ≈ 1.8 when the mover crosses y = 0 (≈ 1.5 s): contact.
    expect(tracker.firstContact(1.0, FOOTPRINT, 0.1, 3, t)).toBeLessThan(2.5);
    // Standing still, the mover passes 2.5 m ahead: no contact.
    expect(tracker.firstContact(0, FOOTPRINT, 0.1, 3, t)).toBe(Infinity);
  });
});

describe('SafetySupervisor with a crossing mover', () => {
  /**
   * Closed loop in plain arithmetic: a robot commanded straight ahead at 0.8 m/s, a pedestrian (radius 0.3)
   * crossing its path at 1 m/s 2 m ahead, timed to walk into the robot's side (beside the swept corridor, so
   * distance-based TTC never sees it). Without mover awareness they meet; with it the robot yields and
   * the pedestrian never comes within the margin. Returns the closest footprint-to-disc gap seen.
   */
  function crossing(moverYieldTime: number): { minGap: number; yields: number } {
    const s = new SafetySupervisor({ maxLinearAccel: 100, maxLinearDecel: 100, maxAngularAccel: 100, moverYieldTime });
    let rx = 0;
    let minGap = Infinity;
    let yields = 0;
    for (let i = 0; i < 120; i++) {
      const t = i * DT;
      const py = -2.6 + 1.0 * t;
      const px = 2.0;
      s.pose(rx, 0, 0);
      s.sectors({ angleMin: -Math.PI, angleIncrement: Math.PI / 18, ranges: new Float32Array(36).fill(Infinity) }, t);
      if (i % 2 === 0) s.obstacles(seen(px, py, rx), t); // LiDAR boxes at 10 Hz
      s.command(0.8, 0, t);
      const out = s.step(t, DT);
      if (out.interventions.includes('mover_yield')) yields++;
      rx += out.linear * DT;
      const ex = Math.max(0, Math.abs(px - rx) - FOOTPRINT.length / 2);
      const ey = Math.max(0, Math.abs(py) - FOOTPRINT.width / 2);
      minGap = Math.min(minGap, Math.hypot(ex, ey) - 0.3);
    }
    return { minGap, yields };
  }

  it('yields so the pedestrian never touches the robot', () => {
    const off = crossing(0);
    expect(off.minGap).toBeLessThan(0); // mover-blind: the pedestrian walks into the robot
    expect(off.yields).toBe(0);
    const on = crossing(2.5);
    expect(on.yields).toBeGreaterThan(0);
    expect(on.minGap).toBeGreaterThan(0.05);
  });

  it('does not yield to static boxes however the robot drives past them', () => {
    const s = new SafetySupervisor({ maxLinearAccel: 100, maxLinearDecel: 100, maxAngularAccel: 100 });
    let rx = 0;
    for (let i = 0; i < 60; i++) {
      const t = i * DT;
      s.pose(rx, 0, 0);
      s.sectors({ angleMin: -Math.PI, angleIncrement: Math.PI / 18, ranges: new Float32Array(36).fill(Infinity) }, t);
      s.obstacles(seen(4, 1.0, rx), t);
      s.command(0.8, 0, t);
      const out = s.step(t, DT);
      expect(out.interventions).not.toContain('mover_yield');
      rx += out.linear * DT;
    }
  });
});
