/**
 * INT8 vs float on recorded simulator inputs: the fusion model + policy head from DIR/{fusion,policy} and
 * DIR/{fusion-int8,policy-int8} on the same held-out FusionSamples, action difference (m/s, rad/s and in
 * % of the command range) and gate-weight difference, and file sizes.
 *
 *   npx tsx packages/fusion/scripts/int8Sim.ts --dir models --data /tmp/sim-A.jsonl --variant 7
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '@sensorium/ml';
import { loadFusionModel, loadPolicyHead, policyFeatureDim, POLICY_MAX_ANGULAR, POLICY_MAX_LINEAR, writePolicyFeatures } from '@sensorium/fusion';
import type { FusionModel, ModelReader, PolicyHead } from '@sensorium/fusion';
import { readSamples } from './simSamples.js';
import { REPO_ROOT } from './simStack.js';

const { values: args } = parseArgs({ options: { dir: { type: 'string', default: 'models' }, data: { type: 'string', default: '/tmp/sim-A.jsonl' }, variant: { type: 'string', default: '7' } } });
await initBackend({ prefer: ['wasm'], log: () => {} });
const reader: ModelReader = { read: (p) => Promise.resolve(new Uint8Array(readFileSync(path.resolve(REPO_ROOT, p)))) };
const load = async (suffix: string): Promise<{ model: FusionModel; policy: PolicyHead }> => ({
  model: await loadFusionModel(reader, path.join(args.dir, `fusion${suffix}`)),
  policy: await loadPolicyHead(reader, path.join(args.dir, `policy${suffix}`)),
});
const float = await load('');
const int8 = await load('-int8');
const set = readSamples([args.data]).filter((r) => r.variant === Number(args.variant));
const features = new Float32Array(policyFeatureDim(float.model.config.embeddingDim));
const act = (m: { model: FusionModel; policy: PolicyHead }, s: (typeof set)[number]['sample']): { linear: number; angular: number; weights: Float32Array } => {
  const o = m.model.step({ tokens: s.tokens, available: s.available, cues: s.cues });
  const weights = o.weights.slice();
  writePolicyFeatures(
    features,
    { embedding: o.embedding, weights: o.weights, nearest_obstacle_distance: s.perceived.nearestDistanceM, nearest_obstacle_bearing: s.perceived.nearestBearing, obstacle_ahead_score: o.obstaclePresence, obstacle_count: s.perceived.count, contact: s.perceived.contact },
    s.goal,
  );
  return { ...m.policy.act(features), weights };
};
let lin = 0;
let ang = 0;
let maxNorm = 0;
let gate = 0;
for (const { sample } of set) {
  const a = act(float, sample);
  const b = act(int8, sample);
  const dl = Math.abs(a.linear - b.linear);
  const da = Math.abs(a.angular - b.angular);
  lin += dl;
  ang += da;
  maxNorm = Math.max(maxNorm, dl / POLICY_MAX_LINEAR, da / POLICY_MAX_ANGULAR);
  for (let m = 0; m < 4; m++) gate = Math.max(gate, Math.abs((a.weights[m] ?? 0) - (b.weights[m] ?? 0)));
}
const n = Math.max(1, set.length);
const size = (d: string): number => ['model.json', 'weights.bin'].reduce((s, f) => s + statSync(path.resolve(REPO_ROOT, args.dir, d, f)).size, 0);
const floatBytes = size('fusion') + size('policy');
const int8Bytes = size('fusion-int8') + size('policy-int8');
console.log(
  JSON.stringify(
    {
      samples: set.length,
      meanAbsLinear: lin / n,
      meanAbsAngular: ang / n,
      meanPercentOfRange: (100 * (lin / n / (2 * POLICY_MAX_LINEAR) + ang / n / (2 * POLICY_MAX_ANGULAR))) / 2,
      maxNormalised: maxNorm,
      maxGateWeightDiff: gate,
      floatBytes,
      int8Bytes,
      ratio: int8Bytes / floatBytes,
    },
    null,
    1,
  ),
);
