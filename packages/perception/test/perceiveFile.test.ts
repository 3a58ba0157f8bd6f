import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidationError } from '@sensorium/core';
import { describe, expect, it } from 'vitest';
import { formatPerceiveReport, perceiveFile, planeToPose, poseToPlane } from '../src/index.js';

const REAL = path.resolve(import.meta.dirname, '../../..', '../shared/data/real');
const load = (rel: string): { name: string; bytes: Uint8Array } => ({ name: path.basename(rel), bytes: fs.readFileSync(path.join(REAL, rel)) });

describe('perceiveFile', () => {
  it('.pcd → ground, clusters, nearest obstacle', async () => {
    const r = await perceiveFile(load('pcd/velodyne_vlp16.pcd'));
    if (r.kind !== 'pointcloud') throw new Error(r.kind);
    expect(r.points).toBe(14831);
    expect(r.ground!.normal[2]).toBeGreaterThan(Math.cos((5 * Math.PI) / 180));
    expect(r.clusters.length).toBeGreaterThan(0);
    // nearest = the nearest cluster of kind obstacle; the room outline (7 × 14 m) is a structure
    expect(r.nearest!.distance).toBe(r.clusters.find((c) => c.kind === 'obstacle')!.nearestDistance);
    expect(r.clusters.some((c) => c.kind === 'structure' && c.size[1] > 10)).toBe(true);
    expect(r.structureSegments).toBeGreaterThan(20);
    expect(formatPerceiveReport(r)).toMatch(/nearest obstacle: \d/);
    expect(JSON.parse(JSON.stringify(r)).kind).toBe('pointcloud');
  });

  it('.mcap → both Ouster scans through lidar_processor', async () => {
    const r = await perceiveFile(load('mcap/ouster_os1-64_ros2.mcap'));
    if (r.kind !== 'mcap') throw new Error(r.kind);
    expect(r.clouds).toHaveLength(2);
    expect(r.clouds[0]!.topic).toBe('/os1_cloud_node/points');
    expect(r.clouds[0]!.obstacles).toBeGreaterThan(0);
    for (const c of r.clouds) {
      // the floor 0.6–0.8 m below the sensor, through perception/lidar/ground of the live node
      expect(c.ground!.offset).toBeGreaterThan(0.5);
      expect(c.ground!.offset).toBeLessThan(0.9);
      expect(c.ground!.normal[2]).toBeGreaterThan(Math.cos((5 * Math.PI) / 180));
      expect(c.ground!.inliers).toBeGreaterThan(400);
      expect(c.nearest!.distance).toBeGreaterThan(0.3);
    }
    expect(formatPerceiveReport(r)).toMatch(/ground: normal \(/);
    expect(r.drops).toEqual([]);
  });

  it('a plane survives planeToPose → poseToPlane (the ground topic carries it as a pose)', () => {
    for (const normal of [[0, 0, 1], [0.1, -0.05, 0.99], [0, -1, 0], [0, 0, -1]] as const) {
      const l = Math.hypot(...normal);
      const n: [number, number, number] = [normal[0] / l, normal[1] / l, normal[2] / l];
      const back = poseToPlane(planeToPose({ normal: n, d: 0.7 }));
      for (let k = 0; k < 3; k++) expect(back.normal[k]).toBeCloseTo(n[k]!, 9);
      expect(back.d).toBeCloseTo(0.7, 9);
    }
  });

  it('.wav → events with times', async () => {
    const r = await perceiveFile(load('audio/speech_16k_mono.wav'));
    if (r.kind !== 'audio') throw new Error(r.kind);
    expect(r.events.some((e) => Math.abs(e.timeSec - 3.29) < 0.06)).toBe(true);
    expect(r.events.every((e) => e.bearing === null)).toBe(true);
  });

  it('.csv (with a rate) → contacts with times', async () => {
    const r = await perceiveFile(load('tactile/usense_texture003_excerpt.csv'), { rateHz: 338, taxelColumns: 9 });
    if (r.kind !== 'tactile') throw new Error(r.kind);
    expect(r.contacts[0]!.startSec).toBeGreaterThan(33 / 338);
    expect(r.contacts[0]!.startSec).toBeLessThan(41 / 338);
    await expect(perceiveFile(load('tactile/usense_texture003_excerpt.csv'))).rejects.toThrow(/--rate/);
  });

  it('rejects unknown extensions and corrupt files with typed errors', async () => {
    await expect(perceiveFile({ name: 'x.txt', bytes: new Uint8Array(3) })).rejects.toBeInstanceOf(ValidationError);
    await expect(perceiveFile({ name: 'x.pcd', bytes: new TextEncoder().encode('garbage') })).rejects.toThrow(/x\.pcd/);
    await expect(perceiveFile({ name: 'x.wav', bytes: new Uint8Array(4) })).rejects.toThrow(/x\.wav/);
  });
});
