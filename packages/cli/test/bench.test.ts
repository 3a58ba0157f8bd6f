import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BenchReport } from '../src/commands/bench.js';
import { formatBenchTable, goalMet } from '../src/commands/bench.js';
import { main } from '../src/index.js';
import { captureIo } from './io.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A bench directory with one entry that misses its goal and one that throws. */
function fakeBenchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sensorium-bench-'));
  writeFileSync(
    join(dir, 'a.bench.ts'),
    `export const entries = [
      { name: 'fake.missed', async run() { return [{ name: 'fake.missed', value: 3, unit: 'ms', baseline: { name: 'copy', value: 2 }, ratio: 1.5, goal: { max: 1 } }]; } },
      { name: 'fake.broken', async run() { throw new Error('no sensor attached'); } },
    ];\n`,
  );
  writeFileSync(join(dir, 'b.bench.ts'), `export const something = 1;\n`);
  return dir;
}

describe('sensorium bench', () => {
  it('runs a filtered real entry, prints the table and writes JSON with ratio = value / baseline', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sensorium-bench-')), 'bench.json');
    const io = captureIo(ROOT);
    expect(await main(['bench', '--filter', 'core.sync.approximate_4', '--quick', '--json', out], io)).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
    expect(report.errors).toEqual([]);
    expect(report.quick).toBe(true);
    expect(report.results.map((r) => r.name)).toEqual(['core.sync.approximate_4']);
    const [r] = report.results;
    expect(r!.value).toBeGreaterThan(0);
    expect(r!.ratio).toBeCloseTo(r!.value / r!.baseline.value, 6);
    expect(r!.met).toBe(goalMet(r!));
    expect(io.out).toMatch(/^name\s+value\s+unit\s+baseline\s+baseline value\s+ratio\s+goal\s+met\n/);
    expect(io.out).toContain('core.sync.approximate_4');
    expect(io.out).toContain('1 result(s)');
    expect(io.err).toContain('[1/1] core.sync.approximate_4');
  });

  it('reports a missed goal without failing, but exits 1 on an entry error or a bad bench file', async () => {
    const io = captureIo(ROOT);
    expect(await main(['bench', '--dir', fakeBenchDir(), '--json'], io)).toBe(1);
    const report = JSON.parse(io.out) as BenchReport;
    expect(report.results).toEqual([expect.objectContaining({ name: 'fake.missed', ratio: 1.5, met: false })]);
    expect(report.errors.map((e) => e.where)).toEqual(['b.bench.ts', 'a.bench.ts fake.broken']);
    expect(io.err).toContain('no sensor attached');
    expect(io.err).toContain('1 result(s), 0 goal(s) met, 1 missed, 2 error(s)');
    expect(io.err).toMatch(/fake\.missed .* ≤ 1\s+NO\n/);
  });

  it('exits 0 when a result misses its goal and nothing errs', async () => {
    const io = captureIo(ROOT);
    expect(await main(['bench', '--dir', fakeBenchDir(), '--filter', 'missed'], io)).toBe(1);
    // b.bench.ts exports no entries: that is an error whatever the filter. Without it, a miss is exit 0:
    const dir = fakeBenchDir();
    writeFileSync(join(dir, 'b.bench.ts'), 'export const entries = [];\n');
    const ok = captureIo(ROOT);
    expect(await main(['bench', '--dir', dir, '--filter', 'missed'], ok)).toBe(0);
    expect(ok.out).toContain('1 missed, 0 error(s)');
  });

  it('exits 1 when the filter matches nothing', async () => {
    const dir = fakeBenchDir();
    writeFileSync(join(dir, 'b.bench.ts'), 'export const entries = [];\n');
    const io = captureIo(ROOT);
    expect(await main(['bench', '--dir', dir, '--filter', 'nothing-matches'], io)).toBe(1);
    expect(io.err).toContain("no entry matches 'nothing-matches'");
  });

  it('formats goals and flags misses in the table', () => {
    const table = formatBenchTable([
      { name: 'a', value: 2, unit: 'ms', baseline: { name: 'b', value: 4 }, ratio: 0.5, goal: { max: 1 }, met: true },
      { name: 'c', value: 1e7, unit: 'msg/s', baseline: { name: 'd', value: 1e8 }, ratio: 0.1, goal: { min: 0.2 }, met: false },
    ]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/^a\s+2\s+ms\s+b\s+4\s+0\.5\s+≤ 1\s+yes$/);
    expect(lines[3]).toMatch(/^c\s+1\.00e\+7\s+msg\/s\s+d\s+1\.00e\+8\s+0\.1\s+≥ 0\.2\s+NO$/);
  });
});
