import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readPcd, readWav } from '@sensorium/core';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import { captureIo } from './io.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const REAL = fileURLToPath(new URL('../../../../shared/data/real/', import.meta.url));

describe('sensorium perceive (real recordings)', () => {
  it('reports the Velodyne VLP-16 scan: every point, a ground plane, obstacles', async () => {
    const file = `${REAL}pcd/velodyne_vlp16.pcd`;
    const io = captureIo(ROOT);
    expect(await main(['perceive', file, '--json'], io)).toBe(0);
    const report = JSON.parse(io.out) as { kind: string; points: number; ground: { normal: number[] } | null; clusters: unknown[]; nearest: { distance: number } | null };
    const { cloud } = readPcd(readFileSync(file), { file });
    expect(report.kind).toBe('pointcloud');
    expect(report.points).toBe(cloud.width * cloud.height);
    expect(report.ground).not.toBeNull();
    // The sensor is mounted level: the ground normal is close to +z.
    expect(Math.abs(report.ground!.normal[2]!)).toBeGreaterThan(0.95);
    expect(report.clusters.length).toBeGreaterThan(0);
    expect(report.nearest!.distance).toBeGreaterThan(0);
  });

  it('reports the speech WAV with its real format and duration, as text without --json', async () => {
    const file = `${REAL}audio/speech_16k_mono.wav`;
    const wav = readWav(readFileSync(file), { file });
    const io = captureIo(ROOT);
    expect(await main(['perceive', file], io)).toBe(0);
    expect(io.out).toContain(String(wav.info.sample_rate));
    expect(io.err).toContain('perceiving speech_16k_mono.wav');
    const json = captureIo(ROOT);
    expect(await main(['perceive', file, '--json'], json)).toBe(0);
    const report = JSON.parse(json.out) as { kind: string; sampleRate: number; channels: number; durationSec: number };
    expect(report).toMatchObject({ kind: 'audio', sampleRate: wav.info.sample_rate, channels: wav.info.channels });
    expect(report.durationSec).toBeCloseTo(wav.durationSec, 6);
  });

  it('needs --rate for tactile CSV and rejects bad arguments with exit 2', async () => {
    const csv = captureIo(ROOT);
    expect(await main(['perceive', `${REAL}tactile/usense_texture003_excerpt.csv`], csv)).toBe(1);
    expect(csv.err).toContain('--rate');
    for (const args of [[], ['a.pcd', 'b.pcd'], ['a.csv', '--rate', '0'], ['a.csv', '--taxels', '1.5']]) {
      const io = captureIo(ROOT);
      expect(await main(['perceive', ...args], io)).toBe(2);
      expect(io.err).toContain('Usage: sensorium perceive');
    }
  });
});
