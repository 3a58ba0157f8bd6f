import { describe, expect, it } from 'vitest';
import { AStarPlanner } from '../src/planner/AStarPlanner.js';
import { CostGrid } from '../src/planner/CostGrid.js';
import { seededRandom } from '@sensorium/core';
import { PathPlanner } from '../src/planner/PathPlanner.js';
import { carrotOnPath } from '../src/planner/carrotOnPath.js';

/** Marks a wall segment as LiDAR hits, every 5 cm. */
function wall(grid: CostGrid, x0: number, y0: number, x1: number, y1: number): void {
  const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 0.05);
  for (let i = 0; i <= steps; i++) grid.hit(x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps);
}

function pathPoints(p: AStarPlanner): { x: number; y: number }[] {
  return Array.from({ length: p.length }, (_, i) => ({ x: p.path[2 * i]!, y: p.path[2 * i + 1]! }));
}

function minClearance(grid: CostGrid, p: AStarPlanner): number {
  let min = Infinity;
  for (const q of pathPoints(p).slice(1, -1)) min = Math.min(min, grid.distance[grid.cellOf(q.x, q.y)]!);
  return min;
}

describe('CostGrid', () => {
  it('marks hits, clears them with rays after two passes, and computes distances', () => {
    const grid = new CostGrid({ size: 10, resolution: 0.1 });
    grid.hit(2.05, 0.05);
    const k = grid.cellOf(2.05, 0.05);
    expect(grid.occupied(k, 0)).toBe(true);
    grid.updateDistances(0);
    expect(grid.distance[grid.cellOf(2.55, 0.05)]).toBeCloseTo(0.5, 5);
    expect(grid.distance[grid.cellOf(-3, 0)]).toBe(grid.options.maxDistance);
    grid.clearRay(0, 0.05, 3, 0.05);
    expect(grid.occupied(k, 0)).toBe(true); // one pass: 0.66
    grid.clearRay(0, 0.05, 3, 0.05);
    expect(grid.occupied(k, 0)).toBe(false);
  });

  it('keeps marks until they expire, whatever the rays say', () => {
    const grid = new CostGrid({ size: 10 });
    grid.mark(1, -0.3, 1, 0.3, 5);
    const k = grid.cellOf(1, 0);
    for (let i = 0; i < 5; i++) grid.clearRay(0, 0, 3, 0);
    expect(grid.occupied(k, 4.9)).toBe(true);
    expect(grid.occupied(k, 5.1)).toBe(false);
  });

  it('rolls its window with the robot, keeping what stays inside', () => {
    const grid = new CostGrid({ size: 10 });
    grid.hit(3, 0);
    expect(grid.recentre(1, 0)).toBe(false);
    expect(grid.recentre(4, 0)).toBe(true);
    expect(grid.originX).toBeCloseTo(-1, 5);
    expect(grid.occupied(grid.cellOf(3, 0), 0)).toBe(true);
    expect(grid.cellOf(-2, 0)).toBe(-1);
  });
});

describe('AStarPlanner', () => {
  it('goes around a U-shaped dead end instead of into it', () => {
    // dead-end-detour: U open towards the robot, straight line from (-6, 0) to (6, 0) ends inside it.
    const grid = new CostGrid({ size: 20, resolution: 0.1 });
    wall(grid, 1, -2, 1, 2);
    wall(grid, -2, 2, 1, 2);
    wall(grid, -2, -2, 1, -2);
    grid.updateDistances(0);
    const planner = new AStarPlanner(grid, { robotRadius: 0.3 });
    expect(planner.plan(-6, 0, 6, 0)).toBeUndefined();
    const pts = pathPoints(planner);
    expect(pts[pts.length - 1]).toEqual({ x: 6, y: 0 });
    // It passes beyond a side wall (|y| > 2.3) and never enters the U.
    expect(Math.max(...pts.map((p) => Math.abs(p.y)))).toBeGreaterThan(2.3);
    expect(pts.some((p) => p.x > -2 && p.x < 1 && Math.abs(p.y) < 2)).toBe(false);
    expect(minClearance(grid, planner)).toBeGreaterThanOrEqual(0.3);
  });

  it('finds the doorway off the straight line and passes its middle', () => {
    // narrow-doorway: wall at x = 0 with a 1.3 m opening from y 0.35 to 1.65.
    const grid = new CostGrid({ size: 16, resolution: 0.1 });
    wall(grid, 0, -4, 0, 0.35);
    wall(grid, 0, 1.65, 0, 4);
    wall(grid, -7, -4, 7, -4); // room walls, so it cannot go round the ends
    wall(grid, -7, 4, 7, 4);
    grid.updateDistances(0);
    const planner = new AStarPlanner(grid, { robotRadius: 0.3 });
    expect(planner.plan(-5, -1.5, 5, -1.5)).toBeUndefined();
    const crossing = pathPoints(planner).find((p) => Math.abs(p.x) < 0.06)!;
    expect(crossing.y).toBeGreaterThan(0.75);
    expect(crossing.y).toBeLessThan(1.25);
    expect(minClearance(grid, planner)).toBeGreaterThanOrEqual(0.3);
  });

  it('reports no path through a closed wall, and a blocked goal', () => {
    const grid = new CostGrid({ size: 12, resolution: 0.1 });
    for (let x = -6; x <= 6; x += 0.05) {
      grid.hit(x, -2);
      grid.hit(x, 2);
    }
    wall(grid, 0, -2, 0, 2);
    wall(grid, -6, -2, -6, 2);
    wall(grid, 5.9, -2, 5.9, 2);
    grid.updateDistances(0);
    const planner = new AStarPlanner(grid, { robotRadius: 0.3 });
    expect(planner.plan(-3, 0, 3, 0)).toBe('no_path');
    expect(planner.length).toBe(0);
    grid.mark(-3, 1, -1, 1, 10); // a long mark: goal cell deep inside its inflation
    for (let y = 0.5; y <= 1.5; y += 0.1) grid.mark(-4, y, -1, y, 10);
    grid.updateDistances(0);
    expect(planner.plan(-3, -1.5, -2.5, 1)).toBe('goal_blocked');
    expect(planner.plan(-20, 0, 0, 0)).toBe('start_outside_grid');
  });
});

describe('carrotOnPath', () => {
  it('is the point lookahead metres past the nearest path point, or the end', () => {
    const path = Float64Array.of(0, 0, 1, 0, 1, 1, 1, 2);
    const out = { x: 0, y: 0 };
    expect(carrotOnPath(path, 4, 0.1, 0.1, 1.5, out)).toBe(true);
    expect(out).toEqual({ x: 1, y: 0.5 });
    carrotOnPath(path, 4, 1, 1.2, 5, out);
    expect(out).toEqual({ x: 1, y: 2 });
    expect(carrotOnPath(path, 0, 0, 0, 1, out)).toBe(false);
  });
});

describe('PathPlanner', () => {
  it('routes around what only touch found (a soft curtain the LiDAR sees through)', () => {
    const planner = new PathPlanner({ grid: { size: 16 }, lookahead: 1 });
    planner.setPose(-0.4, 0, 0);
    expect(planner.setGoal(6, 0, 'map', 6, 0, 0)).toBeUndefined();
    expect(planner.replan(0)).toBe('planned');
    expect(Math.abs(planner.carrot.y)).toBeLessThan(0.1); // straight ahead (cell centres)
    planner.contact(0, 0); // bump ahead: the segment at x ≈ -0.05 is marked
    expect(planner.replan(0.1)).toBe('planned');
    const pts = pathPoints(planner.astar);
    // The path leaves the straight line to pass the mark with the robot radius to spare.
    const crossing = pts.find((p) => Math.abs(p.x + 0.05) < 0.06)!;
    expect(Math.abs(crossing.y)).toBeGreaterThan(0.3 + 0.3 - 0.05);
    expect(planner.replan(61)).toBe('planned'); // the mark expired
    expect(Math.abs(planner.carrot.y)).toBeLessThan(0.2);
  });

  it('marks LiDAR returns above the floor and clears along floor returns; rejects goals outside the map or in an obstacle', () => {
    const planner = new PathPlanner({ grid: { size: 16 }, mapBounds: [-8, -5, 8, 5], lidarX: 0, lidarHeight: 0.5 });
    planner.setPose(0, 0, Math.PI / 2); // facing +y: lidar x → odom y
    // An obstacle return 2 m ahead at 0.2 m height; a floor return beyond it on another bearing.
    planner.insertScan(Float32Array.of(2, 3), Float32Array.of(0, 0.5), Float32Array.of(-0.3, -0.5), 2);
    expect(planner.grid.occupied(planner.grid.cellOf(0, 2), 0)).toBe(true);
    expect(planner.setGoal(0, 2, 'map', 0, 2, 0)).toMatch(/inside an obstacle/);
    expect(planner.setGoal(9, 0, 'map', 9, 0, 0)).toMatch(/outside the map/);
    expect(planner.hasGoal).toBe(false);
    // The obstacle moves away: two scans seeing the floor through its cell clear it.
    planner.insertScan(Float32Array.of(4), Float32Array.of(0), Float32Array.of(-0.5), 1);
    planner.insertScan(Float32Array.of(4), Float32Array.of(0), Float32Array.of(-0.5), 1);
    expect(planner.grid.occupied(planner.grid.cellOf(0, 2), 0)).toBe(false);
    expect(planner.setGoal(0, 2, 'map', 0, 2, 0)).toBeUndefined();
  });

  it('marks ahead on a confident camera obstacle-ahead score only', () => {
    const planner = new PathPlanner({ visionThreshold: 0.9, visionDistance: 1, visionMemory: 5, visionFrames: 1 });
    planner.setPose(0, 0, 0);
    expect(planner.vision(0.5, 0)).toBe('below_threshold');
    expect(planner.grid.occupied(planner.grid.cellOf(1.05, 0), 0)).toBe(false);
    expect(planner.vision(0.95, 0)).toBe('marked');
    expect(planner.grid.occupied(planner.grid.cellOf(1.05, 0), 1)).toBe(true);
    expect(planner.grid.occupied(planner.grid.cellOf(1.05, 0), 6)).toBe(false);
  });

  it('lets the camera mark only while the gate’s fresh vision weight is high enough', () => {
    const planner = new PathPlanner({ visionThreshold: 0.9, visionMinWeight: 0.5, gateTimeout: 0.5, visionFrames: 1 });
    planner.setPose(0, 0, 0);
    const ahead = planner.grid.cellOf(1.05, 0);
    expect(planner.vision(0.99, 0)).toBe('gated'); // no gate message yet
    planner.gate(0.25, 0); // fixed equal weights (ablation) or a camera the gate distrusts
    expect(planner.vision(0.99, 0.1)).toBe('gated');
    expect(planner.grid.occupied(ahead, 0.1)).toBe(false);
    planner.gate(0.7, 1);
    expect(planner.vision(0.99, 1.6)).toBe('gated'); // the weight went stale
    expect(planner.vision(0.99, 1.2)).toBe('marked');
    expect(planner.grid.occupied(ahead, 1.3)).toBe(true);
    planner.gate(Number.NaN, 2);
    expect(planner.visionTrusted(2)).toBe(false);
  });

  it('keep-out layer: floor marks are lethal, survive LiDAR ray clearing, expire, and the plan goes around them', () => {
    const planner = new PathPlanner({ grid: { size: 16 }, lidarX: 0, lidarHeight: 0.5, floorMarkMemory: 60, floorMarkRange: 4 });
    planner.setPose(0, 0, Math.PI / 2); // facing +y: base_link x → odom y
    // A painted band 2 m ahead, 1.6 m wide across the heading, 0.4 m deep, points every 5 cm; one point beyond range.
    const xs: number[] = [];
    const ys: number[] = [];
    for (let a = 1.8; a <= 2.2 + 1e-9; a += 0.05) {
      for (let b = -0.8; b <= 0.8 + 1e-9; b += 0.05) {
        xs.push(a);
        ys.push(b);
      }
    }
    xs.push(6);
    ys.push(0);
    // Three camera frames in a row see it (one or two are not enough: camera noise never repeats in place).
    expect(planner.floorMarks(Float32Array.from(xs), Float32Array.from(ys), xs.length, 0, -0.2)).toBe(0);
    expect(planner.floorMarks(Float32Array.from(xs), Float32Array.from(ys), xs.length, 0, -0.1)).toBe(0);
    expect(planner.floorMarks(Float32Array.from(xs), Float32Array.from(ys), xs.length, 0)).toBe(xs.length - 1);
    const painted = planner.grid.cellOf(0, 2.05);
    expect(planner.grid.occupied(painted, 1)).toBe(true);
    expect(planner.grid.occupied(planner.grid.cellOf(0, 6.05), 1)).toBe(false);
    // The LiDAR sees bare floor through the zone, scan after scan: the marks stay.
    for (let i = 0; i < 5; i++) planner.insertScan(Float32Array.of(4, 4.2), Float32Array.of(0, 0.3), Float32Array.of(-0.5, -0.5), 2);
    expect(planner.grid.occupied(painted, 1)).toBe(true);
    // A goal beyond the zone: the path goes around it, keeping the robot radius from every marked cell.
    expect(planner.setGoal(0, 4, 'odom', 0, 4, 1)).toBeUndefined();
    expect(planner.replan(1)).toBe('planned');
    const path = planner.astar.path;
    for (let i = 0; i < planner.astar.length; i++) {
      const x = path[2 * i]!;
      const y = path[2 * i + 1]!;
      const inside = Math.abs(x) <= 0.8 + 0.3 - 0.05 && y >= 1.8 - 0.3 + 0.05 && y <= 2.2 + 0.3 - 0.05;
      expect(inside, `path point (${x.toFixed(2)}, ${y.toFixed(2)}) is within the inflated zone`).toBe(false);
    }
    expect(planner.grid.occupied(painted, 61)).toBe(false);
  });

  it('keep-out layer ignores floor marks behind or at a LiDAR obstacle (a red box face projected onto the floor, a pedestrian’s feet)', () => {
    const planner = new PathPlanner({ lidarX: 0, lidarHeight: 0.5, floorMarkOcclusion: 0.15 });
    planner.setPose(0, 0, 0);
    // The LiDAR sees a box face 2 m ahead, |y| ≤ 0.4, and floor elsewhere.
    const lx: number[] = [];
    const ly: number[] = [];
    const lz: number[] = [];
    for (let y = -0.4; y <= 0.4 + 1e-9; y += 0.02) {
      lx.push(2);
      ly.push(y);
      lz.push(0);
    }
    planner.insertScan(Float32Array.from(lx), Float32Array.from(ly), Float32Array.from(lz), lx.length);
    // "Paint" behind the face (its projection), and real paint before it and beside it.
    // At the face's foot too. (Points at cell centres: float32 coordinates on a cell edge could fall either side.)
    const xs = Float32Array.of(2.65, 3.25, 1.55, 2.65, 1.95);
    const ys = Float32Array.of(0.05, 0.25, 0.05, 1.55, 0.05);
    for (const frame of [0, 0.1]) planner.floorMarks(xs, ys, 5, 0, frame);
    expect(planner.floorMarks(xs, ys, 5, 0, 0.2)).toBe(2);
    expect(planner.grid.markUntil[planner.grid.cellOf(1.95, 0.05)]).toBe(-Infinity);
    expect(planner.grid.occupied(planner.grid.cellOf(2.65, 0.05), 1)).toBe(false);
    expect(planner.grid.occupied(planner.grid.cellOf(3.25, 0.25), 1)).toBe(false);
    expect(planner.grid.occupied(planner.grid.cellOf(1.55, 0.05), 1)).toBe(true);
    expect(planner.grid.occupied(planner.grid.cellOf(2.65, 1.55), 1)).toBe(true);
  });

  it('keep-out layer: camera noise (scattered single-frame marks) marks nothing; frames too far apart do not add up', () => {
    const planner = new PathPlanner({ floorMarkFrames: 3, floorMarkWindow: 0.25 });
    planner.setPose(0, 0, 0);
    const random = seededRandom(7);
    // 20 frames (2 s of the simulator's camera noise fault) of 60 points each, uniformly over the floor 0.5–4 m
    // ahead, ±2 m (~1400 cells; the floor_marking_detector gave ~50–100 points a frame in that fault).
    const xs = new Float32Array(60);
    const ys = new Float32Array(60);
    const cells = new Set<number>();
    for (let f = 0; f < 20; f++) {
      for (let i = 0; i < xs.length; i++) {
        xs[i] = 0.5 + 3.5 * random();
        ys[i] = -2 + 4 * random();
        cells.add(planner.grid.cellOf(xs[i]!, ys[i]!));
      }
      planner.floorMarks(xs, ys, xs.length, f * 0.1, f * 0.1);
    }
    let marked = 0;
    for (let k = 0; k < planner.grid.markUntil.length; k++) if (planner.grid.markUntil[k]! > 2) marked++;
    expect(cells.size).toBeGreaterThan(600);
    expect(marked).toBeLessThan(cells.size / 100); // a stray cell or two, where one frame's single mark would leave ~800
    // The same paint seen 3 times, but 2 s apart each: not in a row.
    const one = Float32Array.of(1.05);
    const zero = Float32Array.of(-1.05);
    for (const t of [10, 12, 14]) planner.floorMarks(one, zero, 1, t, t);
    expect(planner.grid.occupied(planner.grid.cellOf(1.05, -1.05), 14)).toBe(false);
  });

  it('vision layer: needs vision_frames scores in a row, and a wall the LiDAR sees a few metres ahead explains the score', () => {
    const planner = new PathPlanner({ visionThreshold: 0.75, visionFrames: 2, visionFrameGap: 0.25, visionLidarRange: 5, lidarX: 0, lidarHeight: 0.5 });
    planner.setPose(0, 0, 0);
    expect(planner.vision(0.9, 0)).toBe('below_threshold'); // first of two
    expect(planner.vision(0.5, 0.1)).toBe('below_threshold'); // the run breaks
    expect(planner.vision(0.9, 0.2)).toBe('below_threshold');
    expect(planner.vision(0.9, 0.6)).toBe('below_threshold'); // too long after the last
    expect(planner.vision(0.9, 0.7)).toBe('marked');
    // A wall 4 m ahead in the LiDAR: the camera's score is about it, nothing is marked 1 m ahead.
    const other = new PathPlanner({ visionThreshold: 0.75, visionFrames: 1, visionLidarRange: 5, lidarX: 0, lidarHeight: 0.5 });
    other.setPose(0, 0, 0);
    const ys = Float32Array.from({ length: 41 }, (_, i) => -1 + i * 0.05);
    other.insertScan(new Float32Array(41).fill(4), ys, new Float32Array(41), 41);
    expect(other.vision(0.95, 0)).toBe('lidar_explains');
    expect(other.grid.occupied(other.grid.cellOf(1.05, 0.05), 0.1)).toBe(false);
  });
});
