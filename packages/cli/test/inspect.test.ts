import path from 'node:path';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FileReport, McapReport, PcdReport, TactileCsvReport, WavReport } from '@sensorium/core';
import { command } from '../src/commands/inspect.js';
import { captureIo } from './io.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const REAL = path.resolve(repoRoot, '../shared/data/real');

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? allFiles(full) : [full];
  });
}

describe('sensorium inspect on every real recording', () => {
  it('matches the provenance notes in shared/data/real/README.md', async () => {
    const files = allFiles(REAL).filter((f) => !f.endsWith('README.md'));
    expect(files.length).toBe(5);
    const io = captureIo(repoRoot);
    const code = await command.run([...files, '--json', '--tactile-rate', '338', '--taxels', '9'], io);
    expect(io.err).not.toMatch(/sensorium inspect:/);
    expect(code).toBe(0);
    const reports = JSON.parse(io.out) as FileReport[];
    const byName = new Map(reports.map((r) => [path.basename(r.file), r]));

    const mcap = byName.get('ouster_os1-64_ros2.mcap') as McapReport;
    expect(mcap.profile).toBe('ros2');
    expect(mcap.compression).toEqual(['zstd']);
    const topics = Object.fromEntries(mcap.topics.map((t) => [t.topic, t]));
    expect(topics['/os1_cloud_node/points']).toMatchObject({ type: 'sensor_msgs/msg/PointCloud2', count: 2 });
    expect(topics['/os1_cloud_node/imu']).toMatchObject({ type: 'sensor_msgs/msg/Imu', count: 17 });
    expect(topics['/tf_static']).toMatchObject({ type: 'tf2_msgs/msg/TFMessage', count: 1, rateHz: 0 });
    for (const image of ['range', 'noise', 'intensity']) {
      expect(topics[`/img_node/${image}_image`]).toMatchObject({ type: 'sensor_msgs/msg/Image', count: 2 });
    }
    // An OS1 publishes clouds at 10 Hz (or 20) and its IMU at 100 Hz.
    expect(topics['/os1_cloud_node/points']?.rateHz).toBeGreaterThan(9);
    expect(topics['/os1_cloud_node/points']?.rateHz).toBeLessThan(21);
    // 17 samples with receive-time jitter: measured ≈115 Hz from log times.
    expect(topics['/os1_cloud_node/imu']?.rateHz).toBeGreaterThan(80);
    expect(topics['/os1_cloud_node/imu']?.rateHz).toBeLessThan(130);
    expect(mcap.messageCount).toBe(26);
    expect(mcap.durationSec).toBeGreaterThan(0);

    const vlp = byName.get('velodyne_vlp16.pcd') as PcdReport;
    expect(vlp).toMatchObject({ data: 'binary', points: 14831 });
    expect(vlp.fields.map((f) => `${f.name}:${f.type}${f.size}`)).toEqual([
      'x:F4', 'y:F4', 'z:F4', 'intensity:U1', 'return_type:U1', 'channel:U2', 'azimuth:F4', 'elevation:F4', 'distance:F4', 'time_stamp:U4',
    ]);
    expect(vlp.bounds).toBeDefined();
    // A VLP-16 has a 100 m range and a ±15° vertical field of view.
    for (const v of [...(vlp.bounds?.min ?? []), ...(vlp.bounds?.max ?? [])]) expect(Math.abs(v)).toBeLessThan(130);

    const mug = byName.get('pcl_table_scene_mug_stereo_textured.pcd') as PcdReport;
    expect(mug).toMatchObject({ data: 'binary_compressed', width: 640, height: 480, points: 307200, finitePoints: 307200 - 97920 });
    expect(mug.fields.map((f) => f.name)).toEqual(['x', 'y', 'z', 'rgba']);

    const wav = byName.get('speech_16k_mono.wav') as WavReport;
    expect(wav).toMatchObject({ format: 'S16LE', channels: 1, sampleRate: 16000, bitsPerSample: 16 });
    expect(wav.durationSec).toBeCloseTo(11.0, 1);

    const csv = byName.get('usense_texture003_excerpt.csv') as TactileCsvReport;
    expect(csv).toMatchObject({ frames: 72, columns: 11, taxels: 9, rateHz: 338 });
    expect(csv.durationSec).toBeCloseTo(72 / 338, 6);
  });

  it('prints text without --json, and exits 1 naming a corrupt or unknown file while still reporting the others', async () => {
    const io = captureIo(repoRoot);
    const wav = path.join(REAL, 'audio/speech_16k_mono.wav');
    const code = await command.run([wav, path.join(REAL, 'README.md')], io);
    expect(code).toBe(1);
    expect(io.out).toContain('S16LE, 1 ch, 16000 Hz');
    expect(io.err).toContain('README.md');
  });

  it('exits 2 on bad arguments', async () => {
    expect(await command.run([], captureIo(repoRoot))).toBe(2);
    expect(await command.run(['x.pcd', '--tactile-rate', '-3'], captureIo(repoRoot))).toBe(2);
  });
});
