/**
 * Runs scenarios with the full stack (launch/stack.launch.yaml) as the controller and prints one line per
 * scenario plus the expert's score for comparison. A measurement script for the closed-loop figures in
 * packages/control/README.md:
 *
 *   npx tsx test/closed-loop/runLibrary.ts [--models DIR] [--expert] [--json out.json] [-p node.param=value ...] [scenario.yaml ...]
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadScenario, runScenario, type ScenarioResult } from '@sensorium/sim';
import { loadStackGraph, REPO_ROOT, worldBounds } from '../../packages/cli/src/stack/stackGraph.js';
import { LatencyProbe, type LatencyReport } from '../../packages/cli/src/stack/LatencyProbe.js';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { models: { type: 'string' }, expert: { type: 'boolean', default: false }, json: { type: 'string' }, p: { type: 'string', multiple: true, default: [] } },
});
// -p node.param=value: parameter overrides on top of the launch file (experiments without editing it).
const overrides: Record<string, Record<string, unknown>> = {};
for (const kv of values.p ?? []) {
  const m = /^([^.]+)\.([^=]+)=(.*)$/.exec(kv);
  if (m === null) throw new Error(`-p node.param=value, not ${kv}`);
  const raw = m[3]!;
  (overrides[m[1]!] ??= {})[m[2]!] = raw === 'true' ? true : raw === 'false' ? false : Number.isFinite(Number(raw)) ? Number(raw) : raw;
}
const files = positionals.length > 0 ? positionals : readdirSync(path.join(REPO_ROOT, 'sim/scenarios')).filter((f) => f.endsWith('.yaml')).map((f) => path.join(REPO_ROOT, 'sim/scenarios', f));
const models = values.models;
const readResource = async (p: string): Promise<Uint8Array> => {
  const mapped = models !== undefined && p.startsWith('models/') ? path.join(models, p.slice('models/'.length)) : path.resolve(REPO_ROOT, p);
  return new Uint8Array(readFileSync(mapped));
};
const registry = createNodeRegistry();
const rows: { stack: ScenarioResult; latency: LatencyReport; expert?: ScenarioResult }[] = [];
for (const file of files) {
  const scenario = loadScenario(readFileSync(file, 'utf8'), { file });
  const bounds = worldBounds(scenario.world.size);
  const controller = loadStackGraph({ params: { ...overrides, policy: { ...overrides['policy'], map_bounds: bounds }, planner: { ...overrides['planner'], map_bounds: bounds } } });
  let probe: LatencyProbe | undefined;
  const stack = await runScenario(scenario, { controller, registry, readResource, onStart: ({ transport, clock }) => (probe = new LatencyProbe(transport, clock)) });
  const latency: LatencyReport = probe!.report();
  probe!.dispose();
  const expert = values.expert ? await runScenario(scenario, { controller: 'expert' }) : undefined;
  rows.push(expert === undefined ? { stack, latency } : { stack, latency, expert });
  const m = stack.metrics;
  const c = stack.counters['/safety_supervisor'] ?? {};
  const interventions = Object.entries(c).filter(([k]) => k.startsWith('intervention.')).map(([k, v]) => `${k.slice(13)}=${v}`).join(' ');
  console.log(
    `${stack.passed ? 'PASS' : 'FAIL'} ${scenario.name.padEnd(26)} score ${m.drivingScore.toFixed(2)}${expert ? ` (expert ${expert.metrics.drivingScore.toFixed(2)})` : ''} ` +
      `completion ${m.routeCompletion.toFixed(2)} collisions ${m.collisions} clearance ${m.minClearance?.toFixed(2)} t ${m.timeToGoal?.toFixed(1) ?? '-'} ` +
      `e2e p50/p99 ${latency.endToEndMs.p50.toFixed(0)}/${latency.endToEndMs.p99.toFixed(0)} ms (queue ${latency.queueMs.p50.toFixed(0)}/${latency.queueMs.p99.toFixed(0)} + compute ${latency.computeMs.p50.toFixed(0)}/${latency.computeMs.p99.toFixed(0)}) rtf ${m.realtimeFactor.toFixed(1)} | ${interventions} | ${stack.failures.join('; ')}`,
  );
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const stackMean = mean(rows.map((r) => r.stack.metrics.drivingScore));
console.log(`stack: ${rows.filter((r) => r.stack.passed).length}/${rows.length} passed, mean score ${stackMean.toFixed(3)}, collisions ${rows.reduce((a, r) => a + r.stack.metrics.collisions, 0)}`);
if (values.expert) console.log(`expert mean score ${mean(rows.map((r) => r.expert!.metrics.drivingScore)).toFixed(3)}`);
if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(rows, null, 2));
