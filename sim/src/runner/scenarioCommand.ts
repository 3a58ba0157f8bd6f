import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { SensoriumError, type GraphDescription } from '@sensorium/core';
import { loadScenario } from '../scenario/loadScenario.js';
import type { Scenario } from '../scenario/ScenarioSchema.js';
import type { NodeResolver } from './GraphNode.js';
import { runScenarios, type RunScenarioOptions } from './runScenario.js';
import type { ScenarioResult, ScenarioSummary } from './ScenarioResult.js';

export interface ScenarioCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Node registry for controllers other than `expert`. */
  registry?: NodeResolver;
  /** Directory relative paths are resolved against (default process.cwd()). */
  cwd?: string;
  /**
   * Named controller graphs (e.g. the CLI's `stack`: the learned perception → fusion → policy → safety
   * launch graph) that `--controller NAME` selects before falling back to a registry exec.
   */
  controllers?: Readonly<Record<string, GraphDescription>>;
  /** Controller when `--controller` is not given (default `expert`). */
  defaultController?: string;
  /** Called before each scenario's nodes start (taps, e.g. a wall-clock latency probe). */
  onStart?: RunScenarioOptions['onStart'];
  /** Called with each result before it is printed and written (e.g. to fill metrics.latencyMs from such a probe). */
  decorate?(result: ScenarioResult): void;
}

export const SCENARIO_USAGE = `Usage: sensorium scenario FILE|DIR... [--json OUT] [--seed N] [--controller NAME] [--ablate MODALITY] [--realtime]

Runs simulator scenarios headless and scores them. Exit code 0 iff every scenario passes its expect.

  --json OUT           write {summary, results} as JSON to OUT ('-' for stdout)
  --seed N             override every scenario's seed
  --controller NAME    stack (the learned stack; default in the sensorium CLI), expert, or the exec name
                       of a controller node in the registry
  --ablate MODALITY    never publish one modality: camera | lidar | audio | touch; or gating (fusion with fixed equal weights)
  --realtime           pace runs to wall-clock time (for watching in the viewer)
  -h, --help           this help`;

interface ParsedArgs {
  paths: string[];
  json?: string;
  seed?: number;
  controller: string;
  ablate?: string;
  realtime: boolean;
  help: boolean;
}

/**
 * `sensorium scenario`: loads every scenario (directories: their *.yaml, sorted), rejects bad files before
 * running anything, runs them one after another with a progress line each, prints a summary.
 * Returns the process exit code: 0 all passed, 1 some failed, 2 bad arguments or files.
 */
export async function scenarioCommand(args: readonly string[], io: ScenarioCommandIo): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(args, io.defaultController ?? 'expert');
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${SCENARIO_USAGE}\n`);
    return 2;
  }
  if (parsed.help) {
    io.stdout(`${SCENARIO_USAGE}\n`);
    return 0;
  }
  const cwd = io.cwd ?? process.cwd();
  let scenarios: Scenario[];
  try {
    const files = await expand(parsed.paths, cwd);
    if (files.length === 0) throw new SensoriumError('no scenario files found', { context: { file: parsed.paths.join(' '), expected: '*.yaml files or directories holding them' } });
    scenarios = await Promise.all(
      files.map(async (file) => loadScenario(await readFile(resolve(cwd, file), 'utf8').catch((cause: unknown) => { throw new SensoriumError('cannot read scenario', { context: { file }, cause }); }), { file })),
    );
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return 2;
  }
  const width = String(scenarios.length).length;
  let summary: ScenarioSummary;
  try {
    summary = await runScenarios(scenarios, {
      controller: io.controllers?.[parsed.controller] ?? parsed.controller,
      ...(io.registry === undefined ? {} : { registry: io.registry }),
      ...(parsed.seed === undefined ? {} : { seed: parsed.seed }),
      ...(parsed.ablate === undefined ? {} : { ablate: parsed.ablate }),
      realtime: parsed.realtime,
      resourceRoot: cwd,
      ...(io.onStart === undefined ? {} : { onStart: io.onStart }),
      onResult: (r, i) => {
        io.decorate?.(r);
        const m = r.metrics;
        io.stdout(
          `[${String(i + 1).padStart(width)}/${scenarios.length}] ${r.passed ? 'PASS' : 'FAIL'} ${r.name.padEnd(28)} ` +
            `score ${m.drivingScore.toFixed(2)}  route ${(100 * m.routeCompletion).toFixed(0).padStart(3)}%  ` +
            `collisions ${m.collisions}  clearance ${m.minClearance === null ? '  -  ' : `${m.minClearance.toFixed(2)} m`}  ` +
            `t ${m.timeToGoal === null ? '   -  ' : `${m.timeToGoal.toFixed(1).padStart(5)}s`}  ${m.realtimeFactor.toFixed(1)}× rt` +
            `${Number.isFinite(m.latencyMs.p99) && m.latencyMs.p99 > 0 ? `  latency p50/p99 ${m.latencyMs.p50.toFixed(0)}/${m.latencyMs.p99.toFixed(0)} ms` : ''}` +
            `${r.failures.length > 0 ? `\n      ${r.failures.join('\n      ')}` : ''}\n`,
        );
      },
    });
  } catch (error) {
    io.stderr(`error: ${(error as Error).message}\n`);
    return 2;
  }
  io.stdout(`${summary.passed}/${summary.total} scenarios passed in ${summary.wallSeconds.toFixed(1)} s\n`);
  if (parsed.json !== undefined) {
    const text = `${JSON.stringify({ summary: { total: summary.total, passed: summary.passed, failed: summary.failed, wallSeconds: summary.wallSeconds }, results: summary.results }, null, 2)}\n`;
    if (parsed.json === '-') io.stdout(text);
    else {
      try {
        await writeFile(resolve(cwd, parsed.json), text);
      } catch (error) {
        io.stderr(`error: cannot write ${parsed.json}: ${(error as Error).message}\n`);
        return 2;
      }
    }
  }
  return summary.failed === 0 ? 0 : 1;
}

function parseArgs(args: readonly string[], defaultController: string): ParsedArgs {
  const out: ParsedArgs = { paths: [], controller: defaultController, realtime: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--json':
        out.json = value();
        break;
      case '--seed': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 0) throw new Error(`--seed must be a non-negative integer`);
        out.seed = v;
        break;
      }
      case '--controller':
        out.controller = value();
        break;
      case '--ablate': {
        const v = value();
        if (!['camera', 'vision', 'lidar', 'audio', 'touch', 'gating'].includes(v)) throw new Error(`--ablate must be one of camera, vision, lidar, audio, touch, gating`);
        out.ablate = v;
        break;
      }
      case '--realtime':
        out.realtime = true;
        break;
      case '-h':
      case '--help':
        out.help = true;
        break;
      default:
        if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
        out.paths.push(a);
    }
  }
  if (out.paths.length === 0 && !out.help) throw new Error('give at least one scenario file or directory');
  return out;
}

async function expand(paths: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const full = resolve(cwd, p);
    const info = await stat(full).catch((cause: unknown) => {
      throw new SensoriumError('no such scenario file or directory', { context: { file: p }, cause });
    });
    if (info.isDirectory()) {
      const names = (await readdir(full)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
      files.push(...names.map((n) => relative(cwd, join(full, n))));
    } else files.push(p);
  }
  return files;
}
