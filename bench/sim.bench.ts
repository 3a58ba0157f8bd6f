import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BufferAttribute, BufferGeometry, FrontSide, Mesh, Ray } from 'three';
import { MeshBVH } from 'three-mesh-bvh';
import { loadScenario, runScenario, Simulator, simulatorParams, type SimulatorOutputs, type SimulatorParamValues } from '@sensorium/sim';
import type { BenchEntry, BenchResult } from './BenchEntry.js';

const SCENARIO = path.resolve(import.meta.dirname, '../sim/scenarios/static-obstacle-field.yaml');

function defaults(): SimulatorParamValues {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(simulatorParams)) out[k] = v.default;
  return out as SimulatorParamValues;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const noop = { publish() {} };
const outputs = new Proxy({} as SimulatorOutputs, { get: () => noop });

/**
 * One BVH over every static solid LiDAR sees — boundary walls included, which the simulator itself casts
 * analytically — so the baseline is bare raycastFirst on the whole scene.
 */
function fullSceneBvh(sim: Simulator): MeshBVH {
  const parts: Float32Array[] = [];
  for (const solid of sim.world.solids.slice(0, sim.world.staticCount)) {
    if (solid.material === 'glass' || solid.material === 'soft') continue;
    const mesh = sim.world.scene.getObjectByName(solid.id) as Mesh;
    const geometry = (mesh.geometry as BufferGeometry).clone().applyMatrix4(mesh.matrixWorld).toNonIndexed();
    parts.push(geometry.getAttribute('position').array as Float32Array);
  }
  const positions = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    positions.set(p, offset);
    offset += p.length;
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  return new MeshBVH(geometry, { targetLeafSize: 4 });
}

/**
 * The simulator's LiDAR scan (default 16 × 360 rays, floor, movers, materials, noise, PointCloud2 write)
 * against bare `MeshBVH.raycastFirst` over the same static BVH with the same rays from the same poses.
 */
const lidarRays: BenchEntry = {
  name: 'sim.lidar.rays_per_s',
  async run({ quick }) {
    const scenario = loadScenario(readFileSync(SCENARIO, 'utf8'), { file: SCENARIO });
    const sim = await Simulator.create({ scenario, params: defaults(), outputs, readResource: () => Promise.reject(new Error('none')) });
    const poses = [-6, -4, -2, 0, 2, 4].map((x, i) => ({ x, y: 0.5 * Math.sin(i), yaw: 0.3 * i }));
    const lidar = sim.lidar;
    const bvh = fullSceneBvh(sim);
    const o = lidar.options;
    // World-frame rays for the raw baseline, built outside the timed loop.
    const dirs: Float32Array[] = poses.map((p) => {
      const out = new Float32Array(lidar.width * lidar.height * 3);
      let k = 0;
      for (let ring = 0; ring < lidar.height; ring++) {
        const e = ((o.verticalFovMinDeg + ((o.verticalFovMaxDeg - o.verticalFovMinDeg) * ring) / Math.max(1, o.channels - 1)) * Math.PI) / 180;
        for (let col = 0; col < lidar.width; col++) {
          const a = -Math.PI + (2 * Math.PI * col) / lidar.width + p.yaw;
          out[k++] = Math.cos(e) * Math.cos(a);
          out[k++] = Math.cos(e) * Math.sin(a);
          out[k++] = Math.sin(e);
        }
      }
      return out;
    });
    const ray = new Ray();
    const reps = quick ? 3 : 7;
    const scansPerRep = quick ? 2 : 5;
    const ours: number[] = [];
    const raw: number[] = [];
    let sink = 0;
    for (let rep = 0; rep < reps; rep++) {
      let t0 = performance.now();
      const before = lidar.rays;
      for (let s = 0; s < scansPerRep; s++) for (const p of poses) sink += lidar.scan(p, { sec: 0, nanosec: 0 }, { extraNoiseStd: 0, blind: false }).width;
      ours.push(((lidar.rays - before) / (performance.now() - t0)) * 1000);
      t0 = performance.now();
      let n = 0;
      for (let s = 0; s < scansPerRep; s++) {
        poses.forEach((p, i) => {
          const d = dirs[i]!;
          const ox = p.x + Math.cos(p.yaw) * o.mountX;
          const oy = p.y + Math.sin(p.yaw) * o.mountX;
          for (let k = 0; k < d.length; k += 3) {
            ray.origin.set(ox, oy, o.mountZ);
            ray.direction.set(d[k]!, d[k + 1]!, d[k + 2]!);
            const hit = bvh.raycastFirst(ray, FrontSide, o.rangeMin, o.rangeMax);
            if (hit !== null) sink += hit.distance;
            n++;
          }
        });
      }
      raw.push((n / (performance.now() - t0)) * 1000);
    }
    sim.dispose();
    // Results feed `sink` so neither loop's work can be optimised away.
    if (!Number.isFinite(sink)) throw new Error('non-finite ray cast result');
    const value = median(ours);
    const baseline = median(raw);
    return [
      {
        name: 'sim.lidar.rays_per_s',
        value,
        unit: 'rays/s',
        baseline: { name: 'MeshBVH.raycastFirst (whole static scene, same rays and poses)', value: baseline },
        ratio: value / baseline,
        goal: { min: 0.8 },
        notes: `${lidar.height}×${lidar.width} rays per scan; ours adds floor, movers, materials, noise and the PointCloud2 write, casts floor and room walls analytically and bounds the BVH search by them`,
      } satisfies BenchResult,
    ];
  },
};

/** The default sensor suite with the expert driving a full scenario: sim seconds per wall second. */
const realtime: BenchEntry = {
  name: 'sim.realtime_factor',
  async run({ quick }) {
    const scenario = loadScenario(readFileSync(SCENARIO, 'utf8'), { file: SCENARIO });
    if (quick) scenario.duration = 8;
    const factors: number[] = [];
    const cpuFactors: number[] = [];
    for (let rep = 0; rep < (quick ? 1 : 3); rep++) {
      const cpu0 = process.cpuUsage();
      const result = await runScenario(scenario, {});
      const cpu = process.cpuUsage(cpu0);
      factors.push(result.metrics.realtimeFactor);
      cpuFactors.push(result.metrics.simSeconds / ((cpu.user + cpu.system) / 1e6));
    }
    const value = median(factors);
    return [
      {
        name: 'sim.realtime_factor',
        value,
        unit: '× real time',
        baseline: { name: 'real time', value: 1 },
        ratio: value,
        goal: { min: 5 },
        notes: `static-obstacle-field, expert, default suite (LiDAR 16×360 @10 Hz, camera 64×48 @10 Hz, audio 4×16 kHz, touch 50 Hz, IMU 100 Hz, physics 100 Hz); per CPU second (incl. setup): ${median(cpuFactors).toFixed(1)}×`,
      } satisfies BenchResult,
    ];
  },
};

export const entries: BenchEntry[] = [lidarRays, realtime];
