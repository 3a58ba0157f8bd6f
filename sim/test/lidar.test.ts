import { describe, expect, it } from 'vitest';
import { PointCloud2Reader, type PointCloud2 } from '@sensorium/core';
import { MOUNTS } from '@sensorium/sim';
import { makeSim, scenarioWith } from './helpers.js';

// One horizontal ring at 0.5° steps: column k looks at azimuth −180° + k·0.5°, so the forward ray is column 360.
const flatLidar = { lidar_channels: 1, lidar_vfov_min: 0, lidar_vfov_max: 0, lidar_azimuth_resolution: 0.5, lidar_noise: 0 };
const FORWARD = 360;

function pointAt(cloud: PointCloud2, index: number): { x: number; y: number; z: number; intensity: number; ring: number } {
  const view = new DataView(cloud.data.buffer, cloud.data.byteOffset, cloud.data.byteLength);
  const o = index * cloud.point_step;
  return { x: view.getFloat32(o, true), y: view.getFloat32(o + 4, true), z: view.getFloat32(o + 8, true), intensity: view.getFloat32(o + 12, true), ring: view.getUint16(o + 16, true) };
}

async function scanOnce(world: string, overrides: Record<string, unknown> = {}): Promise<PointCloud2> {
  const { sim } = await makeSim(scenarioWith(world), { ...flatLidar, ...overrides });
  const cloud = sim.lidar.scan({ x: 0, y: 0, yaw: 0 }, { sec: 0, nanosec: 0 }, { extraNoiseStd: 0, blind: false });
  sim.dispose();
  return cloud;
}

describe('LiDAR against analytic geometry', () => {
  it('has the layout DESIGN.md fixes', async () => {
    const cloud = await scanOnce('  obstacles: []');
    expect(cloud.fields.map((f) => [f.name, f.offset, f.datatype])).toEqual([
      ['x', 0, 7],
      ['y', 4, 7],
      ['z', 8, 7],
      ['intensity', 12, 7],
      ['ring', 16, 4],
    ]);
    expect(cloud.point_step).toBe(20);
    expect(cloud.row_step).toBe(20 * cloud.width);
    expect(cloud.data.byteLength).toBe(cloud.row_step * cloud.height);
    expect(cloud.header.frame_id).toBe('lidar_link');
    // core's zero-copy reader accepts it and agrees with the raw bytes.
    const reader = new PointCloud2Reader(cloud);
    expect(reader.pointCount).toBe(cloud.width);
    expect(reader.field('ring').get(5)).toBe(0);
    expect(Number.isNaN(reader.field('x').get(FORWARD))).toBe(true);
  });

  it.each([3, 5.5, 9])('measures a box face %s m ahead exactly (no noise)', async (distance) => {
    // Box centred at distance + 0.5 with 1 m depth: its near face is `distance` from the origin.
    const cloud = await scanOnce(`  obstacles:\n    - {type: box, position: [${distance + 0.5}, 0], size: [1, 2, 1]}`);
    const p = pointAt(cloud, FORWARD);
    expect(p.x).toBeCloseTo(distance - MOUNTS.lidar.x, 4);
    expect(Math.abs(p.y)).toBeLessThan(1e-4);
    // A ray at azimuth θ hits the plane x = d at range (d − mount) / cos θ.
    for (const k of [FORWARD - 10, FORWARD + 12]) {
      const q = pointAt(cloud, k);
      const theta = -Math.PI + (2 * Math.PI * k) / cloud.width;
      expect(Math.hypot(q.x, q.y)).toBeCloseTo((distance - MOUNTS.lidar.x) / Math.cos(theta), 3);
    }
  });

  it('measures a cylinder at its analytic distance', async () => {
    const cloud = await scanOnce('  obstacles:\n    - {type: cylinder, position: [0, 4], radius: 0.5, height: 2}');
    // Left (+y) is azimuth +90°, column 540; the sensor sits MOUNTS.lidar.x ahead of the cylinder's axis line,
    // so the ray meets the surface at y = 4 − √(r² − x²). The mesh has 24 facets: ≤ r(1 − cos 7.5°) ≈ 4 mm inside.
    const p = pointAt(cloud, 540);
    expect(p.y).toBeGreaterThan(4 - Math.sqrt(0.25 - MOUNTS.lidar.x ** 2) - 1e-4);
    expect(p.y).toBeLessThan(4 - Math.sqrt(0.25 - MOUNTS.lidar.x ** 2) + 0.005);
  });

  it('sees through glass to the wall behind it', async () => {
    const cloud = await scanOnce(`  obstacles:
    - {type: wall, from: [3, -2], to: [3, 2], thickness: 0.05, material: glass}
    - {type: box, position: [6.5, 0], size: [1, 3, 1]}`);
    expect(pointAt(cloud, FORWARD).x).toBeCloseTo(6 - MOUNTS.lidar.x, 3);
  });

  it('gets few returns from an absorbing surface and many from a default one', async () => {
    const count = (cloud: PointCloud2) => {
      let n = 0;
      for (let k = FORWARD - 20; k <= FORWARD + 20; k++) if (!Number.isNaN(pointAt(cloud, k).x)) n++;
      return n;
    };
    const black = await scanOnce('  obstacles:\n    - {type: box, position: [3, 0], size: [1, 4, 1], material: absorbing}');
    const grey = await scanOnce('  obstacles:\n    - {type: box, position: [3, 0], size: [1, 4, 1]}');
    expect(count(grey)).toBe(41);
    expect(count(black)).toBeLessThan(41 * 0.35);
    const intensity = (cloud: PointCloud2) => pointAt(cloud, FORWARD).intensity;
    expect(intensity(grey)).toBeGreaterThan(50);
  });

  it('reports NaN where nothing is in range and the floor where rays look down', async () => {
    const cloud = await scanOnce('  obstacles: []', { lidar_channels: 2, lidar_vfov_min: -20, lidar_vfov_max: 0 });
    // Ring 1 (0°) sees nothing in an open world; ring 0 (−20°) hits the floor at 0.45 / tan 20°.
    const level = pointAt(cloud, cloud.width + FORWARD);
    expect(Number.isNaN(level.x)).toBe(true);
    expect(level.ring).toBe(1);
    const down = pointAt(cloud, FORWARD);
    expect(down.x).toBeCloseTo(MOUNTS.lidar.z / Math.tan((20 * Math.PI) / 180), 3);
    expect(down.z).toBeCloseTo(-MOUNTS.lidar.z, 3);
  });

  it('adds Gaussian range noise of the configured size', async () => {
    const cloud = await scanOnce('  obstacles:\n    - {type: wall, from: [4, -20], to: [4, 20], thickness: 0.1}', { lidar_noise: 0.05 });
    const errors: number[] = [];
    for (let k = FORWARD - 60; k <= FORWARD + 60; k++) {
      const p = pointAt(cloud, k);
      const theta = -Math.PI + (2 * Math.PI * k) / cloud.width;
      errors.push(Math.hypot(p.x, p.y) - (3.95 - MOUNTS.lidar.x) / Math.cos(theta));
    }
    const std = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
    expect(std).toBeGreaterThan(0.03);
    expect(std).toBeLessThan(0.08);
  });
});

describe('LiDAR against brute-force three.js ray casting', () => {
  it('agrees with Raycaster over every mesh (room walls, boxes, cylinders) from seeded random poses', async () => {
    const { Raycaster, Vector3, DoubleSide, Mesh } = await import('three');
    const { sim } = await makeSim(
      `name: room
duration: 5
world:
  size: [12, 9]
  obstacles:
    - {type: box, position: [2, 1], size: [1, 0.6, 0.8], yaw: 0.7}
    - {type: cylinder, position: [-2, -1.5], radius: 0.5, height: 0.6}
    - {type: wall, from: [0, -4.5], to: [0, -1], height: 1.0, thickness: 0.2}
    - {type: wall, from: [3, 2], to: [5, 4], height: 0.3, thickness: 0.1, material: glass}
robot:
  start: {position: [-4, 0]}
goal: {position: [4, 0]}
`,
      { lidar_channels: 4, lidar_vfov_min: -10, lidar_vfov_max: 10, lidar_azimuth_resolution: 4, lidar_noise: 0, lidar_range_max: 50 },
    );
    const meshes = sim.world.scene.children.filter((o): o is InstanceType<typeof Mesh> => o instanceof Mesh && o.userData['material'] !== 'glass');
    for (const m of meshes) (m.material as { side: number }).side = DoubleSide;
    const raycaster = new Raycaster();
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    let compared = 0;
    for (let trial = 0; trial < 8; trial++) {
      const pose = { x: -5 + random() * 10, y: -3.5 + random() * 7, yaw: (random() - 0.5) * 2 * Math.PI };
      if (sim.world.solids.some((s) => Math.hypot(s.x - pose.x, s.y - pose.y) < 1.2 && s.kind !== 'wall')) continue;
      const cloud = sim.lidar.scan(pose, { sec: 0, nanosec: 0 }, { extraNoiseStd: 0, blind: false });
      const origin = new Vector3(pose.x + Math.cos(pose.yaw) * MOUNTS.lidar.x, pose.y + Math.sin(pose.yaw) * MOUNTS.lidar.x, MOUNTS.lidar.z);
      for (let i = 0; i < cloud.width * cloud.height; i++) {
        const p = pointAt(cloud, i);
        const ring = Math.floor(i / cloud.width);
        const col = i % cloud.width;
        const e = ((-10 + (20 * ring) / 3) * Math.PI) / 180;
        const a = -Math.PI + (2 * Math.PI * col) / cloud.width + pose.yaw;
        const dir = new Vector3(Math.cos(e) * Math.cos(a), Math.cos(e) * Math.sin(a), Math.sin(e));
        raycaster.set(origin, dir);
        raycaster.far = 50;
        let expected = raycaster.intersectObjects(meshes, false)[0]?.distance ?? Infinity;
        if (dir.z < 0) expected = Math.min(expected, -origin.z / dir.z);
        const range = Math.hypot(p.x, p.y, p.z);
        if (!Number.isFinite(expected) || expected > 50) expect(Number.isNaN(range)).toBe(true);
        else expect(range).toBeCloseTo(expected, 4);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
    sim.dispose();
  });
});
