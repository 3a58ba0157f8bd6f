import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FusionModel, PolicyHead, saveFusionModel, savePolicyHead } from '@sensorium/fusion';
import { initBackend } from '@sensorium/ml';
import { command } from '../src/commands/start.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), cwd: process.cwd() } };
}

describe('sensorium start', () => {
  // Seeded, untrained fusion/policy weights: this checks the command's wiring, not the driving (test/closed-loop does that).
  let models: string;
  beforeAll(async () => {
    await initBackend({ log: () => undefined });
    models = mkdtempSync(path.join(tmpdir(), 'start-models-'));
    const fusion = new FusionModel({ seed: 4 });
    const policy = new PolicyHead(fusion.config.embeddingDim, [128, 64], { seed: 5 });
    for (const [dir, files] of [['fusion', saveFusionModel(fusion)], ['policy', savePolicyHead(policy)]] as const) {
      mkdirSync(path.join(models, dir));
      for (const [name, bytes] of files) writeFileSync(path.join(models, dir, name), bytes);
    }
    // The stack's camera_encoder loads models/camera (ViT + obstacle head) too: the shipped one.
    cpSync(path.resolve(import.meta.dirname, '../../../models/camera'), path.join(models, 'camera'), { recursive: true });
    fusion.dispose();
    policy.dispose();
  });

  it('--headless --duration 3 runs the stack for 3 s of sim time and exits 0 with a summary', async () => {
    const t = io();
    const code = await command.run(['--headless', '--duration', '3', '--models', models], t.io);
    const stdout = t.out.join('');
    expect(code, t.err.join('')).toBe(0);
    expect(stdout).toContain('scenario static-obstacle-field');
    expect(stdout.match(/^t +\d+\.\d s \| static-obstacle-field \| v /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(stdout).toMatch(/summary: 1 scenario run\(s\), 3 s simulated/);
    expect(stdout).toMatch(/collisions 0/);
  });

  it('--json prints the summary as JSON', async () => {
    const t = io();
    const code = await command.run(['--headless', '--duration', '1', '--json', '--scenario', 'open-field', '--models', models], t.io);
    expect(code).toBe(0);
    const summary = JSON.parse(t.out.join(''));
    expect(summary.simSeconds).toBe(1);
    expect(summary.scenarios[0].name).toBe('open-field');
  });

  it('rejects bad arguments and unknown scenarios with exit code 2', async () => {
    expect(await command.run(['--duration', 'abc'], io().io)).toBe(2);
    expect(await command.run(['--scenario', 'no-such-scenario', '--headless'], io().io)).toBe(2);
    const help = io();
    expect(await command.run(['--help'], help.io)).toBe(0);
    expect(help.out.join('')).toContain('scenario/control');
  });
});
