/**
 * Records FusionSamples in the simulator: the scenario library and randomised variants (obstacles moved
 * ±0.5 m, colours, materials, lighting; see cameraVariant) run with the perception + fusion nodes of
 * launch/stack.launch.yaml and the expert driving (its speed and clearance varied per run), through
 * `SimRecorder`. Saved as JSON lines for trainSimGate.ts, so one recording serves many trainings.
 *
 *   npx tsx packages/fusion/scripts/recordSimSamples.ts --from 0 --to 3 --out /tmp/sim-samples.jsonl [FILE...]
 *
 * Even variants run the LiDAR point encoder always on (its tokens present), odd ones let the fusion gate
 * switch it, so the data has both.
 */
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { FusionModel, SimRecorder, type FusionSample } from '@sensorium/fusion';
import { initBackend } from '@sensorium/ml';
import { loadScenario, runScenario, type Scenario } from '@sensorium/sim';
import type { GraphDescription, GraphNodeDescription } from '@sensorium/core';
import { cameraVariant, mulberry } from './cameraFrames.js';
import { REPO_ROOT, stackGraph, stackRegistry } from './simStack.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: '1' },
    out: { type: 'string', default: '/tmp/sim-samples.jsonl' },
    'max-seconds': { type: 'string', default: '30' },
    model: { type: 'string', default: 'models/fusion' },
  },
});

await initBackend({ prefer: ['wasm'], log: () => {} });
const files = positionals.length > 0 ? positionals : (await readdir(path.join(REPO_ROOT, 'sim/scenarios'))).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(REPO_ROOT, 'sim/scenarios', f));
const scenarios: Scenario[] = [];
for (const f of files) scenarios.push(loadScenario(await readFile(f, 'utf8'), { file: f }));
const registry = stackRegistry();
const out = path.resolve(args.out);
await writeFile(out, '', { flag: 'a' });
// The recorder only uses the model's configuration (token sizes) to prepare inputs as the node does.
const model = new FusionModel({ seed: 1 });

function withParams(graph: GraphDescription, exec: string, values: Record<string, unknown>): GraphDescription {
  const nodes = graph.nodes.map((n): GraphNodeDescription => (n.exec === exec ? { ...n, params: [...n.params, { kind: 'values', values, file: 'recordSimSamples' }] } : n));
  return { ...graph, nodes };
}

for (let v = Number(args.from); v < Number(args.to); v++) {
  for (const base of scenarios) {
    const scenario = { ...cameraVariant(base, v, { move: 0.5 }), duration: Math.min(base.duration, Number(args['max-seconds'])) } as Scenario;
    const rand = mulberry(v * 31 + base.seed * 7 + base.name.length);
    let controller = stackGraph({ driver: 'expert', fusionParams: { model_dir: args.model } });
    if (v % 2 === 0) controller = withParams(controller, 'lidar_processor', { point_encoder_always_on: true });
    if (v > 0) controller = withParams(controller, 'expert_controller', { max_speed: 0.5 + 0.4 * rand(), inflation: 0.45 + 0.25 * rand() });
    const recorder = new SimRecorder(model, { lighting: scenario.world.lighting, faults: scenario.faults });
    let detach: { unsubscribe(): void } | undefined;
    const t0 = performance.now();
    try {
      const r = await runScenario(scenario, { controller, registry, resourceRoot: REPO_ROOT, onStart: ({ transport, clock }) => (detach = recorder.attach(transport, () => clock.now())) });
      process.stderr.write(`v${v} ${scenario.name}: ${recorder.samples.length} samples, ${r.passed ? 'passed' : 'failed'}, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    } catch (error) {
      process.stderr.write(`v${v} ${scenario.name} failed: ${(error as Error).message}\n`);
    } finally {
      detach?.unsubscribe();
    }
    const lines = recorder.samples.map((s) => JSON.stringify({ scenario: scenario.name, variant: v, ...serialise(s) }));
    if (lines.length > 0) await appendFile(out, lines.join('\n') + '\n');
  }
}
model.dispose();

function serialise(s: FusionSample): Record<string, unknown> {
  return {
    tokens: s.tokens.map((b) => (b === undefined ? null : { count: b.count, data: Array.from(b.data, (x) => Math.round(x * 1e4) / 1e4) })),
    available: Array.from(s.available),
    cues: Array.from(s.cues),
    goal: s.goal,
    perceived: { ...s.perceived, nearestDistanceM: Number.isFinite(s.perceived.nearestDistanceM) ? s.perceived.nearestDistanceM : null },
    expert: s.expert,
    obstacleAhead: s.obstacleAhead,
    obstacleDistanceM: s.obstacleDistanceM,
    gateTarget: Array.from(s.gateTarget),
    pointEncoderTarget: s.pointEncoderTarget,
  };
}
