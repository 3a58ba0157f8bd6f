import { PointFieldType, ValidationError, type PointCloud2 } from '@sensorium/core';
import { describe, expect, it } from 'vitest';
import { createRng, cropBox, EuclideanClusterer, extractXyz, GroundPlaneFitter, PointCloudPipeline, ransacPlane, sectorRanges, VoxelGrid } from '../src/index.js';

function randomCloud(n: number, seed: number, spread = 10): Float32Array {
  const rng = createRng(seed);
  const xyz = new Float32Array(n * 3);
  for (let i = 0; i < n * 3; i++) xyz[i] = (rng() - 0.5) * spread;
  return xyz;
}

function voxelReference(xyz: Float32Array, n: number, leaf: number): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const p = [xyz[i * 3]!, xyz[i * 3 + 1]!, xyz[i * 3 + 2]!];
    if (!p.every(Number.isFinite)) continue;
    const key = p.map((v) => Math.floor(v / leaf)).join(',');
    const s = m.get(key) ?? [0, 0, 0, 0];
    s[0]! += p[0]!; s[1]! += p[1]!; s[2]! += p[2]!; s[3]!++;
    m.set(key, s);
  }
  return m;
}

/** O(n²) union-find connected components: the definition, no grid. */
function clusterReference(xyz: Float32Array, n: number, tol: number, min: number, max: number): number[][] {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = Math.hypot(xyz[i * 3]! - xyz[j * 3]!, xyz[i * 3 + 1]! - xyz[j * 3 + 1]!, xyz[i * 3 + 2]! - xyz[j * 3 + 2]!);
      if (d <= tol) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xyz[i * 3]!)) continue;
    const g = groups.get(find(i)) ?? [];
    g.push(i);
    groups.set(find(i), g);
  }
  return [...groups.values()].filter((g) => g.length >= min && g.length <= max).map((g) => g.sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
}

describe('VoxelGrid', () => {
  it.each([1, 2, 3])('matches the brute-force centroid reference (seed %i), reusing buffers', (seed) => {
    const n = 5000;
    const xyz = randomCloud(n, seed);
    xyz[30] = NaN;
    const grid = new VoxelGrid(0.7);
    const out = new Float32Array(n * 3);
    grid.filter(randomCloud(n, 99), n, out); // a previous cloud must not leak into this one
    const count = grid.filter(xyz, n, out);
    const ref = voxelReference(xyz, n, 0.7);
    expect(count).toBe(ref.size);
    for (let v = 0; v < count; v++) {
      const c = [out[v * 3]!, out[v * 3 + 1]!, out[v * 3 + 2]!];
      const key = c.map((x) => Math.floor(x / 0.7)).join(',');
      const s = ref.get(key);
      expect(s).toBeDefined();
      for (let k = 0; k < 3; k++) expect(c[k]).toBeCloseTo(s![k]! / s![3]!, 4);
    }
  });
});

describe('EuclideanClusterer', () => {
  it.each([4, 5, 6])('matches O(n²) union-find components (seed %i)', (seed) => {
    const n = 1500;
    const xyz = randomCloud(n, seed, 12);
    xyz[3] = NaN;
    const clusterer = new EuclideanClusterer({ tolerance: 0.6, minPoints: 2, maxPoints: 400 });
    clusterer.extract(randomCloud(n, 77), n);
    const res = clusterer.extract(xyz, n);
    const got: number[][] = [];
    for (let c = 0; c < res.count; c++) got.push(Array.from(res.members.subarray(res.starts[c]!, res.starts[c + 1]!)).sort((a, b) => a - b));
    got.sort((a, b) => a[0]! - b[0]!);
    expect(got).toEqual(clusterReference(xyz, n, 0.6, 2, 400));
    expect(got.flat()).not.toContain(1);
  });

  it('skips masked points (ground)', () => {
    const xyz = new Float32Array([0, 0, 0, 0.1, 0, 0, 5, 5, 5]);
    const res = new EuclideanClusterer({ tolerance: 0.5, minPoints: 1, maxPoints: 10 }).extract(xyz, 3, new Uint8Array([1, 0, 0]));
    expect(res.count).toBe(2);
  });
});

describe('ransacPlane', () => {
  it('finds a tilted ground under clutter and respects the normal constraint', () => {
    const rng = createRng(3);
    const n = 4000;
    const xyz = new Float32Array(n * 3);
    const tilt = (3 * Math.PI) / 180;
    for (let i = 0; i < n; i++) {
      const x = (rng() - 0.5) * 20, y = (rng() - 0.5) * 20;
      const onGround = i % 3 !== 0;
      // a big vertical wall (more points than a plane should win by count alone if unconstrained)
      if (!onGround && i % 2 === 0) {
        xyz.set([5 + (rng() - 0.5) * 0.02, y, rng() * 3], i * 3);
      } else {
        xyz.set([x, y, onGround ? Math.tan(tilt) * x - 1.5 + (rng() - 0.5) * 0.04 : rng() * 2], i * 3);
      }
    }
    const mask = new Uint8Array(n);
    const plane = ransacPlane(xyz, n, { distanceThreshold: 0.05, maxIterations: 100, axis: [0, 0, 1], maxAngleRad: 0.2, seed: 1 }, mask);
    expect(plane).toBeDefined();
    const angle = Math.acos(plane!.normal[2]);
    expect(Math.abs(angle - tilt)).toBeLessThan(0.5 * (Math.PI / 180));
    expect(plane!.inliers).toBeGreaterThan(n * 0.6);
    // the wall is never accepted with a 0.2 rad constraint
    const wallOnly = ransacPlane(xyz.filter((_, k) => xyz[k - (k % 3)]! > 4.9), Math.floor(xyz.filter((_, k) => xyz[k - (k % 3)]! > 4.9).length / 3), { distanceThreshold: 0.05, maxIterations: 100, axis: [0, 0, 1], maxAngleRad: 0.2, seed: 1 }, new Uint8Array(n));
    if (wallOnly !== undefined) expect(Math.abs(wallOnly.normal[2])).toBeGreaterThan(Math.cos(0.2));
  });

  it('returns undefined for fewer than 3 points', () => {
    expect(ransacPlane(new Float32Array(6), 2, { distanceThreshold: 0.1, maxIterations: 10, seed: 1 }, new Uint8Array(2))).toBeUndefined();
  });
});

describe('GroundPlaneFitter', () => {
  /** A sparse floor 0.8 m below the sensor tilted 3° about x, a dense band of clutter at sensor height, a few multipath points under the floor. */
  function clutteredRoom(seed: number): { xyz: Float32Array; n: number; tilt: [number, number, number] } {
    const rng = createRng(seed);
    const pts: number[] = [];
    const t = (3 * Math.PI) / 180;
    const tilt: [number, number, number] = [0, -Math.sin(t), Math.cos(t)];
    // floor: normal tilt, tilt · p = -0.8, in two patches 2–3 m away (what shows between desks)
    for (const cx of [-2.5, 2]) {
      for (let i = 0; i < 300; i++) {
        const x = cx + (rng() - 0.5) * 0.6, y = 1.4 + rng() * 0.9;
        pts.push(x, y, (-0.8 - tilt[1] * y) / tilt[2] + (rng() - 0.5) * 0.02);
      }
    }
    // clutter: 8000 points on vertical surfaces 0.6–1.5 m around, z in ±0.3 (a horizontal slab holds most of them)
    for (let i = 0; i < 8000; i++) {
      const a = rng() * 2 * Math.PI, r = 0.6 + rng() * 0.9;
      pts.push(r * Math.cos(a), r * Math.sin(a), (rng() - 0.5) * 0.6);
    }
    for (let i = 0; i < 20; i++) pts.push((rng() - 0.5) * 8, (rng() - 0.5) * 8, -1.2 - rng());
    return { xyz: Float32Array.from(pts), n: pts.length / 3, tilt };
  }

  it('lowest: finds the sparse floor under a dense clutter band, for every seed; largest: the band', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { xyz, n, tilt } = clutteredRoom(seed);
      const fitter = new GroundPlaneFitter();
      const mask = new Uint8Array(n);
      const options = { distanceThreshold: 0.15, maxIterations: 100, maxAngleRad: (10 * Math.PI) / 180, seed };
      const floor = fitter.fit(xyz, n, options, mask)!;
      expect(fitter.lastStrategy).toBe('lowest');
      const dot = floor.normal[0] * tilt[0] + floor.normal[1] * tilt[1] + floor.normal[2] * tilt[2];
      expect((Math.acos(Math.min(1, dot)) * 180) / Math.PI).toBeLessThan(1);
      expect(floor.d).toBeCloseTo(0.8, 1);
      expect(floor.inliers).toBeGreaterThanOrEqual(600);
      const band = fitter.fit(xyz, n, { ...options, strategy: 'largest' }, mask)!;
      expect(Math.abs(band.d)).toBeLessThan(0.3);
      expect(band.inliers).toBeGreaterThan(3000);
    }
  });

  it('falls back to the best-supported plane when no height band has the support (and handles tiny clouds)', () => {
    const fitter = new GroundPlaneFitter();
    const xyz = Float32Array.from([0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0.01]);
    const plane = fitter.fit(xyz, 4, { distanceThreshold: 0.05, maxIterations: 50, seed: 1, lowestMinPoints: 10 }, new Uint8Array(4));
    expect(fitter.lastStrategy).toBe('largest');
    expect(plane!.inliers).toBe(4);
    expect(fitter.fit(new Float32Array(6), 2, { distanceThreshold: 0.05, maxIterations: 5, seed: 1 }, new Uint8Array(2))).toBeUndefined();
  });
});

describe('cropBox and sectorRanges', () => {
  it('drops NaN, Inf and out-of-box points', () => {
    const xyz = new Float32Array([0, 0, 0, NaN, 0, 0, Infinity, 0, 0, 1e30, 0, 0, 1, 1, 1]);
    const out = new Float32Array(15);
    expect(cropBox(xyz, 5, { min: [-2, -2, -2], max: [2, 2, 2] }, out)).toBe(2);
  });
  it('keeps the minimum horizontal range per sector', () => {
    const xyz = new Float32Array([2, 0, 0, 1, 0, 0, 0, 3, 0, -4, 0.001, 0]);
    const r = sectorRanges(xyz, 4, undefined, { sectors: 4, rangeMax: 10 }, new Float32Array(4));
    // sector 0 centred ahead, counter-clockwise: ahead, left, behind, right
    expect(Array.from(r)).toEqual([1, 3, 4, Infinity]);
  });
});

function cloudMessage(points: number[][], layout: 'f32' | 'f64-be'): PointCloud2 {
  const f64 = layout === 'f64-be';
  const step = f64 ? 32 : 16;
  const data = new Uint8Array(points.length * step);
  const view = new DataView(data.buffer);
  points.forEach((p, i) => p.forEach((v, k) => (f64 ? view.setFloat64(i * step + k * 8, v, false) : view.setFloat32(i * step + k * 4, v, true))));
  const dt = f64 ? PointFieldType.FLOAT64 : PointFieldType.FLOAT32;
  return {
    header: { stamp: { sec: 0, nanosec: 0 }, frame_id: 'lidar_link' },
    height: 1, width: points.length, is_bigendian: f64, point_step: step, row_step: step * points.length, data, is_dense: false,
    fields: ['x', 'y', 'z'].map((name, k) => ({ name, offset: k * (f64 ? 8 : 4), datatype: dt, count: 1 })),
  };
}

describe('extractXyz', () => {
  it.each(['f32', 'f64-be'] as const)('reads %s layouts', (layout) => {
    const { xyz, count } = extractXyz(cloudMessage([[1, 2, 3], [4, 5, 6]], layout));
    expect(count).toBe(2);
    expect(Array.from(xyz.subarray(0, 6))).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('rejects a cloud without z and a truncated data block with ValidationError', () => {
    const noZ = { ...cloudMessage([[1, 2, 3]], 'f32'), fields: cloudMessage([[1, 2, 3]], 'f32').fields.slice(0, 2) };
    expect(() => extractXyz(noZ)).toThrow(ValidationError);
    const short = { ...cloudMessage([[1, 2, 3]], 'f32'), width: 5, row_step: 80 };
    expect(() => extractXyz(short)).toThrow(/data length/);
  });
});

describe('PointCloudPipeline', () => {
  it('finds boxes on a floor, nearest first, and copes with empty and all-NaN clouds', () => {
    const rng = createRng(8);
    const pts: number[] = [];
    for (let i = 0; i < 20000; i++) pts.push((rng() - 0.5) * 30, (rng() - 0.5) * 30, -1 + (rng() - 0.5) * 0.02);
    const box = (cx: number, cy: number): void => {
      for (let i = 0; i < 800; i++) pts.push(cx + (rng() - 0.5) * 0.5, cy + (rng() - 0.5) * 0.5, -1 + rng() * 1);
    };
    box(3, 0);
    box(-6, 4);
    const xyz = Float32Array.from(pts);
    const pipeline = new PointCloudPipeline();
    const res = pipeline.process(xyz, xyz.length / 3);
    expect(res.ground!.normal[2]).toBeGreaterThan(Math.cos((2 * Math.PI) / 180));
    expect(res.obstacles).toHaveLength(2);
    expect(res.obstacles[0]!.center[0]).toBeCloseTo(3, 0);
    expect(res.obstacles[0]!.nearestDistance).toBeCloseTo(2.75, 0);
    expect(res.sectorRanges[0]).toBeCloseTo(2.75, 0); // sector 0 = straight ahead
    expect(pipeline.process(new Float32Array(0), 0).obstacles).toEqual([]);
    // absurd coordinates with a crop box that lets them through: skipped, never a cluster
    const wide = new PointCloudPipeline({ crop: { min: [-1e38, -1e38, -1e38], max: [1e38, 1e38, 1e38] }, cluster: { minPoints: 1 } });
    const absurd = Float32Array.of(1e30, 0, 0, -1e30, 5e29, 0, 3e37, 3e37, 3e37, 1, 1, 0);
    const r3 = wide.process(absurd, 4);
    expect(r3.voxels).toBe(1);
    expect(r3.obstacles.every((o) => o.center.every((v) => Math.abs(v) < 10))).toBe(true);
    const nan = new Float32Array(300).fill(NaN);
    const r2 = pipeline.process(nan, 100);
    expect(r2.voxels).toBe(0);
    expect(r2.obstacles).toEqual([]);
  });
});

describe('structures (walls) vs obstacles', () => {
  /** A 6 × 8 m walled room around the sensor (walls 1.2 m high, one joined cluster), a floor, and a 0.4 m box 2 m ahead. */
  function room(seed: number): Float32Array {
    const rng = createRng(seed);
    const pts: number[] = [];
    for (let i = 0; i < 20000; i++) pts.push(-2.9 + rng() * 5.8, -3.9 + rng() * 7.8, -0.5 + (rng() - 0.5) * 0.02);
    const wall = (x0: number, y0: number, x1: number, y1: number): void => {
      for (let i = 0; i < 3000; i++) {
        const t = rng();
        pts.push(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, -0.45 + rng() * 1.2);
      }
    };
    wall(-3, -4, 3, -4); wall(3, -4, 3, 4); wall(3, 4, -3, 4); wall(-3, 4, -3, -4);
    for (let i = 0; i < 400; i++) pts.push(2 + rng() * 0.4, -0.2 + rng() * 0.4, -0.45 + rng() * 0.4);
    return Float32Array.from(pts);
  }

  it('the room outline is one structure cluster, reported in ≤ 1 m segments; the box stays an obstacle', () => {
    const xyz = room(1);
    const res = new PointCloudPipeline().process(xyz, xyz.length / 3);
    const kinds = res.obstacles.map((o) => o.kind).sort();
    expect(kinds).toEqual(['obstacle', 'structure']);
    const box = res.obstacles.find((o) => o.kind === 'obstacle')!;
    expect(box.center[0]).toBeCloseTo(2.2, 0);
    expect(Math.max(box.size[0], box.size[1])).toBeLessThan(0.6);
    const outline = res.obstacles.find((o) => o.kind === 'structure')!;
    expect(outline.size[0]).toBeGreaterThan(5.5);
    // 28 m of wall in 1 m cells: about 28 segments (corners share cells), each at most one cell (plus a voxel) across
    expect(res.structures.length).toBeGreaterThanOrEqual(24);
    expect(res.structures.length).toBeLessThanOrEqual(40);
    for (const s of res.structures) {
      expect(s.kind).toBe('structure');
      expect(Math.max(s.size[0], s.size[1])).toBeLessThanOrEqual(1.1);
    }
    // the nearest segment is the nearest wall (3 m to the side walls at x = ±3), as the outline's nearest point says
    expect(res.structures[0]!.nearestDistance).toBeCloseTo(outline.nearestDistance, 5);
    expect(outline.nearestDistance).toBeCloseTo(2.95, 0);
    // every structure voxel lands in exactly one segment
    expect(res.structures.reduce((n, s) => n + s.points, 0)).toBeLessThanOrEqual(outline.points);
    expect(res.structures.reduce((n, s) => n + s.points, 0)).toBeGreaterThan(outline.points * 0.97);
  });

  it('a long wall that does not enclose the sensor is a structure by size; a small cluster around the sensor is one too', () => {
    const rng = createRng(3);
    const pts: number[] = [];
    for (let i = 0; i < 5000; i++) pts.push((rng() - 0.5) * 12, (rng() - 0.5) * 12, -0.5);
    for (let i = 0; i < 1200; i++) pts.push(4, -3 + 6 * rng(), -0.3 + rng());
    for (let i = 0; i < 600; i++) {
      const a = rng() * 2 * Math.PI;
      pts.push(0.8 * Math.cos(a), 0.8 * Math.sin(a), -0.3 + rng());
    }
    const xyz = Float32Array.from(pts);
    const res = new PointCloudPipeline({ structures: { maxObstacleSize: 3 } }).process(xyz, xyz.length / 3);
    expect(res.obstacles.map((o) => o.kind)).toEqual(['structure', 'structure']);
    expect(res.structures.length).toBeGreaterThanOrEqual(6 + 4);
  });
});
