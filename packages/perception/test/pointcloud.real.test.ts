import * as fs from 'node:fs';
import * as path from 'node:path';
import { bytesReadable, McapSource, readPcd, type PointCloud2 } from '@sensorium/core';
import { describe, expect, it } from 'vitest';
import { extractXyz, PointCloudPipeline } from '../src/index.js';

const REAL = path.resolve(import.meta.dirname, '../../..', '../shared/data/real');
const deg = (rad: number): number => (rad * 180) / Math.PI;
const angleToAxis = (n: readonly number[], axis: readonly number[]): number => deg(Math.acos(Math.min(1, Math.abs(n[0]! * axis[0]! + n[1]! * axis[1]! + n[2]! * axis[2]!))));

async function ousterClouds(): Promise<PointCloud2[]> {
  const source = await McapSource.open(bytesReadable(fs.readFileSync(path.join(REAL, 'mcap/ouster_os1-64_ros2.mcap'))), { file: 'ouster_os1-64_ros2.mcap' });
  const clouds: PointCloud2[] = [];
  for await (const m of source.messages({ topics: ['/os1_cloud_node/points'] })) clouds.push(m.message as PointCloud2);
  return clouds;
}

describe('ground on real LiDAR recordings', () => {
  it('VLP-16 PCD: ground normal within 5° of vertical for every seed', () => {
    const { cloud } = readPcd(fs.readFileSync(path.join(REAL, 'pcd/velodyne_vlp16.pcd')), { file: 'velodyne_vlp16.pcd' });
    const { xyz, count } = extractXyz(cloud);
    for (const seed of [1, 2, 3]) {
      const res = new PointCloudPipeline({ ground: { seed } }).process(xyz, count);
      expect(angleToAxis(res.ground!.normal, [0, 0, 1])).toBeLessThan(5);
      expect(res.ground!.inliers).toBeGreaterThan(count * 0.3);
    }
  });

  it('Ouster OS1-64 MCAP: ground found on both scans, no-return (0,0,0) points dropped', async () => {
    const clouds = await ousterClouds();
    expect(clouds).toHaveLength(2);
    for (const cloud of clouds) {
      const { xyz, count } = extractXyz(cloud);
      const res = new PointCloudPipeline({ ground: { seed: 1 } }).process(xyz, count);
      // ~85k of the 131k points are (0,0,0) = no return; none may survive the min-range filter
      expect(res.croppedPoints).toBeLessThan(50_000);
      // This scan's ground is ~5° off the sensor's z (the recording's IMU reads the sensor 5° off gravity);
      // the fitted plane lands at 4–6° depending on the RANSAC seed.
      expect(angleToAxis(res.ground!.normal, [0, 0, 1])).toBeLessThan(7);
      expect(res.ground!.inliers).toBeGreaterThan(10_000);
      expect(res.obstacles.length).toBeGreaterThan(0);
    }
  });

  it('PCL table scene: the table plane (PCL tutorial: 0.016, -0.838, -0.546) after its 0–1.5 m pass-through', () => {
    const { cloud } = readPcd(fs.readFileSync(path.join(REAL, 'pcd/pcl_table_scene_mug_stereo_textured.pcd')), { file: 'table_scene' });
    const { xyz, count } = extractXyz(cloud);
    const pipeline = new PointCloudPipeline({
      crop: { min: [-10, -10, 0], max: [10, 10, 1.5] },
      minRange: 0,
      voxelSize: 0.01,
      // camera frame: y down, so 'up' (the side objects stand on) is -y
      ground: { distanceThreshold: 0.01, maxIterations: 200, axis: [0, -1, 0], maxAngleRad: Math.PI / 2, maxRange: 100, seed: 1 },
      cluster: { tolerance: 0.02, minPoints: 100 },
    });
    const res = pipeline.process(xyz, count);
    expect(angleToAxis(res.ground!.normal, [0.0161854, -0.837724, -0.545855])).toBeLessThan(3);
    // NaN points (97,920 of them) never reach a cluster: every obstacle coordinate is finite
    for (const o of res.obstacles) expect([...o.center, ...o.size].every(Number.isFinite)).toBe(true);
    expect(res.obstacles.length).toBeGreaterThan(0);
  });
});
