/**
 * Runs scenarios in the simulator with the perception + fusion stack and prints what `metrics.gating`
 * reports (vision weight with nothing within 3 m, response to obstacle onsets, fault responses).
 *
 *   npx tsx packages/fusion/scripts/simGating.ts [--driver expert|learned] [--model models/fusion] [--json OUT] FILE...
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { loadScenario, runScenario } from '@sensorium/sim';
import { REPO_ROOT, stackGraph, stackRegistry } from './simStack.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    driver: { type: 'string', default: 'expert' },
    model: { type: 'string', default: 'models/fusion' },
    policy: { type: 'string', default: 'models/policy' },
    'fixed-weights': { type: 'boolean', default: false },
    ablate: { type: 'string' },
    json: { type: 'string' },
  },
});
const driver = args.driver === 'learned' ? 'learned' : 'expert';
const registry = stackRegistry();
const controller = stackGraph({
  driver,
  fusionParams: { model_dir: args.model, ...(args['fixed-weights'] ? { fixed_weights: true } : {}) },
  policyParams: { model_dir: args.policy },
});
const results = [];
for (const file of positionals) {
  const scenario = loadScenario(await readFile(file, 'utf8'), { file });
  const r = await runScenario(scenario, { controller, registry, resourceRoot: REPO_ROOT, ...(args.ablate === undefined ? {} : { ablate: args.ablate }) });
  const g = r.metrics.gating;
  const fmt = (x: number | null): string => (x === null || Number.isNaN(x) ? '-' : x.toFixed(2));
  console.log(
    `${r.passed ? 'PASS' : 'FAIL'} ${r.name.padEnd(26)} score ${r.metrics.drivingScore.toFixed(2)} coll ${r.metrics.collisions} ` +
      `msgs ${g.messages} clearVision ${fmt(g.clearVisionWeight)} (${g.clearMessages}) onsets ${g.onsetsAnswered}/${g.onsets} ` +
      g.faults.map((f) => `${f.sensor}:${f.kind} ${fmt(f.weightBefore)}→${fmt(f.weightAfter)} others ${fmt(f.othersBefore)}→${fmt(f.othersAfter)} fall ${fmt(f.fallSeconds)}s`).join(' ') +
      ` rt×${r.metrics.realtimeFactor.toFixed(2)}`,
  );
  results.push(r);
}
if (args.json !== undefined) await writeFile(path.resolve(args.json), JSON.stringify(results, null, 2) + '\n');
