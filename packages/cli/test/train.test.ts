import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from '../src/commands/train.js';
import { captureIo } from './io.js';

/** CI smoke training: a few steps on SyntheticWorld data into a temp dir (the simulator part is off). */
describe('sensorium train', () => {
  it('trains a few steps, checkpoints and writes loadable float and int8 models', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sensorium-train-'));
    writeFileSync(join(dir, 'train.json'), JSON.stringify({ scenarios: [], synthetic_episodes: 3, epochs: 1, batch_size: 16, rl_iterations: 1, rl_episodes: 2, rl_environment: 'synthetic', eval_episodes: 2, checkpoint_every: 2, seed: 7 }));
    const io = captureIo(dir);
    const code = await command.run(['--config', 'train.json', '--out', 'out', '--steps', '3'], io);
    expect(code, io.err).toBe(0);
    expect(io.out).toMatch(/trained 3 supervised steps \+ 1 REINFORCE/);
    for (const f of ['fusion/model.json', 'fusion/weights.bin', 'policy/model.json', 'fusion-int8/weights.bin', 'policy-int8/model.json', 'train-metrics.json']) {
      expect(existsSync(join(dir, 'out', f)), f).toBe(true);
    }
    const checkpoint = JSON.parse(readFileSync(join(dir, 'out', 'checkpoint.json'), 'utf8')) as { step: number; weights: unknown[] };
    expect(checkpoint.step).toBe(3);
    expect(checkpoint.weights.length).toBeGreaterThan(10);
    const metrics = JSON.parse(readFileSync(join(dir, 'out', 'train-metrics.json'), 'utf8')) as { supervised: { finalLosses: Record<string, number> } };
    expect(Number.isFinite(metrics.supervised.finalLosses['total'])).toBe(true);
    expect(readFileSync(join(dir, 'out', 'fusion-int8', 'weights.bin')).length).toBeLessThan(readFileSync(join(dir, 'out', 'fusion', 'weights.bin')).length / 3);
  }, 120_000);

  it('rejects an unknown config key naming the file and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sensorium-train-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ epoch: 3 }));
    const io = captureIo(dir);
    expect(await command.run(['--config', 'bad.json'], io)).toBe(2);
    expect(io.err).toMatch(/unknown training config key/);
    expect(io.err).toMatch(/epoch/);
  });
});
