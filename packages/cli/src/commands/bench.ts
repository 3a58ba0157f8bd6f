import { readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from '@sensorium/core';
import type { BenchEntry, BenchResult } from '../BenchEntry.js';
import type { CliCommand, CliIo } from '../CliCommand.js';

/** `bench/` at the repository root. */
const BENCH_DIR = fileURLToPath(new URL('../../../../bench/', import.meta.url));

const USAGE = `Usage: sensorium bench [--filter SUBSTR] [--quick] [--json [FILE]] [--dir DIR]

Runs the benchmark suite (every bench/*.bench.ts), each entry measured against a baseline in the same run, and
prints name, value, unit, baseline, ratio (value / baseline), goal and whether it is met. Exits non-zero only
when an entry fails to run, never on a missed goal.

  --filter SUBSTR   only entries whose name contains SUBSTR
  --quick           fewer repetitions and smaller inputs (noisier figures)
  --json [FILE]     write the results as JSON to FILE (no FILE or '-': to stdout, the table goes to stderr)
  --dir DIR         another bench directory (default: the repository's bench/)

Example:
  sensorium bench --filter core. --json bench-results.json`;

export interface BenchReport {
  quick: boolean;
  filter: string | null;
  node: string;
  results: Array<BenchResult & { met: boolean }>;
  errors: Array<{ where: string; message: string }>;
}

/** Whether a result meets its goal (`max`: ratio at most; `min`: ratio at least). */
export function goalMet(result: BenchResult): boolean {
  return 'max' in result.goal ? result.ratio <= result.goal.max : result.ratio >= result.goal.min;
}

function isEntry(value: unknown): value is BenchEntry {
  return typeof value === 'object' && value !== null && typeof (value as BenchEntry).name === 'string' && typeof (value as BenchEntry).run === 'function';
}

/** Imports every `*.bench.ts` in `dir` (sorted) and runs the entries matching `filter`, one after another. */
export async function runBench(options: { dir: string; filter?: string; quick: boolean; progress(line: string): void }): Promise<BenchReport> {
  const report: BenchReport = { quick: options.quick, filter: options.filter ?? null, node: process.version, results: [], errors: [] };
  const files = (await readdir(options.dir)).filter((f) => f.endsWith('.bench.ts')).sort();
  const entries: Array<{ file: string; entry: BenchEntry }> = [];
  for (const file of files) {
    try {
      const module = (await import(pathToFileURL(join(options.dir, file)).href)) as { entries?: unknown };
      if (!Array.isArray(module.entries) || !module.entries.every(isEntry)) {
        throw new ConfigError('a bench file must export `entries: BenchEntry[]`', { context: { file, field: 'entries', expected: 'BenchEntry[] (bench/BenchEntry.ts)' } });
      }
      for (const entry of module.entries) if (options.filter === undefined || entry.name.includes(options.filter)) entries.push({ file, entry });
    } catch (error) {
      report.errors.push({ where: file, message: (error as Error).message });
    }
  }
  for (const [i, { file, entry }] of entries.entries()) {
    options.progress(`[${i + 1}/${entries.length}] ${entry.name} (${file})…`);
    const started = performance.now();
    try {
      const results = await entry.run({ quick: options.quick });
      for (const result of results) report.results.push({ ...result, met: goalMet(result) });
      options.progress(`[${i + 1}/${entries.length}] ${entry.name}: ${results.length} result(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      report.errors.push({ where: `${file} ${entry.name}`, message: (error as Error).message });
      options.progress(`[${i + 1}/${entries.length}] ${entry.name}: error: ${(error as Error).message}`);
    }
  }
  return report;
}

function figure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-3)) return value.toExponential(2);
  return value.toPrecision(4).replace(/\.?0+$/, '') || '0';
}

/** The results as an aligned plain-text table. */
export function formatBenchTable(results: BenchReport['results']): string {
  const header = ['name', 'value', 'unit', 'baseline', 'baseline value', 'ratio', 'goal', 'met'];
  const rows = results.map((r) => [
    r.name,
    figure(r.value),
    r.unit,
    r.baseline.name,
    figure(r.baseline.value),
    figure(r.ratio),
    'max' in r.goal ? `≤ ${figure(r.goal.max)}` : `≥ ${figure(r.goal.min)}`,
    r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => cell.padEnd(widths[c] as number)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** `--json` may stand alone (stdout): give it the value '-' before parseArgs sees it. */
function normaliseJsonFlag(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    out.push(arg);
    const next = args[i + 1];
    if (arg === '--json' && (next === undefined || next.startsWith('--'))) out.push('-');
  }
  return out;
}

export const command: CliCommand = {
  name: 'bench',
  summary: 'run the benchmark suite (bench/*.bench.ts) and report ratios against same-run baselines',
  usage: USAGE,
  async run(args: readonly string[], io: CliIo) {
    let values: { filter?: string; quick: boolean; json?: string; dir?: string };
    try {
      const parsed = parseArgs({
        args: normaliseJsonFlag(args),
        allowPositionals: false,
        options: { filter: { type: 'string' }, quick: { type: 'boolean', default: false }, json: { type: 'string' }, dir: { type: 'string' } },
      });
      values = parsed.values;
    } catch (error) {
      io.stderr(`sensorium bench: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const jsonToStdout = values.json === '-';
    // With JSON on stdout, keep stdout pure JSON: the table goes to stderr.
    const table = jsonToStdout ? io.stderr : io.stdout;
    const report = await runBench({
      dir: values.dir === undefined ? BENCH_DIR : resolve(io.cwd, values.dir),
      quick: values.quick,
      ...(values.filter === undefined ? {} : { filter: values.filter }),
      progress: (line) => io.stderr(`${line}\n`),
    });
    if (report.results.length > 0) table(`${formatBenchTable(report.results)}\n`);
    const missed = report.results.filter((r) => !r.met).length;
    table(`${report.results.length} result(s), ${report.results.length - missed} goal(s) met, ${missed} missed, ${report.errors.length} error(s)\n`);
    for (const e of report.errors) io.stderr(`error in ${e.where}: ${e.message}\n`);
    if (values.json !== undefined) {
      const text = `${JSON.stringify(report, null, 2)}\n`;
      if (jsonToStdout) io.stdout(text);
      else await writeFile(resolve(io.cwd, values.json), text);
    }
    if (report.results.length === 0 && report.errors.length === 0) {
      io.stderr(`sensorium bench: no entry matches${values.filter === undefined ? '' : ` '${values.filter}'`}\n`);
      return 1;
    }
    return report.errors.length > 0 ? 1 : 0;
  },
};
