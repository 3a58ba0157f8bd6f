/**
 * Runs one scenario with the full stack and prints a trace every `--every` sim seconds: ground-truth pose,
 * the policy's command, what the supervisor let through, the planner's carrot and status, the gate's vision
 * weight and the camera's obstacle-ahead score. A debugging aid for the closed-loop figures:
 *
 *   npx tsx test/closed-loop/traceScenario.ts sim/scenarios/narrow-doorway.yaml [--every 0.5] [-p planner.vision_threshold=0.9]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadScenario, runScenario } from '@sensorium/sim';
import { toSec } from '@sensorium/core';
import { loadStackGraph, worldBounds } from '../../packages/cli/src/stack/stackGraph.js';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { every: { type: 'string', default: '0.5' }, p: { type: 'string', multiple: true, default: [] } },
});
const file = positionals[0];
if (file === undefined) throw new Error('give a scenario file');
const scenario = loadScenario(readFileSync(file, 'utf8'), { file });
const bounds = worldBounds(scenario.world.size);
const params: Record<string, Record<string, unknown>> = { policy: { map_bounds: bounds }, planner: { map_bounds: bounds } };
for (const kv of values.p ?? []) {
  const m = /^([^.]+)\.([^=]+)=(.*)$/.exec(kv);
  if (m === null) throw new Error(`-p node.param=value, not ${kv}`);
  const raw = m[3]!;
  (params[m[1]!] ??= {})[m[2]!] = raw === 'true' ? true : raw === 'false' ? false : Number.isFinite(Number(raw)) ? Number(raw) : raw;
}
const every = Number(values.every);
const state = { x: 0, y: 0, yaw: 0, raw: [0, 0], out: [0, 0], carrot: [Number.NaN, Number.NaN], vision: Number.NaN, ahead: Number.NaN, events: [] as string[] };
let next = 0;
const result = await runScenario(scenario, {
  controller: loadStackGraph({ params }),
  registry: createNodeRegistry(),
  onStart: ({ transport, clock }) => {
    const best = { reliability: 'best_effort' as const };
    transport.subscribe('/sim/world', 'sensorium_msgs/msg/WorldState', best).subscribe((m) => {
      const r = m.objects.find((o) => o.id === 'robot');
      if (r === undefined) return;
      state.x = r.pose.position.x;
      state.y = r.pose.position.y;
      state.yaw = 2 * Math.atan2(r.pose.orientation.z, r.pose.orientation.w);
    });
    transport.subscribe('/cmd_vel_raw', 'geometry_msgs/msg/Twist', best).subscribe((m) => (state.raw = [m.linear.x, m.angular.z]));
    transport.subscribe('/planner/carrot', 'geometry_msgs/msg/PoseStamped', best).subscribe((m) => (state.carrot = [m.pose.position.x, m.pose.position.y]));
    transport.subscribe('/fusion/gating', 'sensorium_msgs/msg/ModalityWeights', best).subscribe((m) => (state.vision = m.weights[m.modalities.indexOf('vision')] ?? Number.NaN));
    transport.subscribe('/perception/vision/obstacle_ahead', 'sensorium_msgs/msg/FeatureTokens', best).subscribe((m) => (state.ahead = m.data[0] ?? Number.NaN));
    transport.subscribe('/safety/events', 'sensorium_msgs/msg/SafetyEvent', best).subscribe((m) => state.events.push(m.reason));
    transport.subscribe('/cmd_vel', 'geometry_msgs/msg/Twist', best).subscribe((m) => {
      state.out = [m.linear.x, m.angular.z];
      const t = clock.nowSec();
      if (t + 1e-9 < next) return;
      next = t + every;
      console.log(
        `t ${t.toFixed(1).padStart(5)} pose ${state.x.toFixed(2)},${state.y.toFixed(2)} yaw ${((state.yaw * 180) / Math.PI).toFixed(0).padStart(4)} ` +
          `raw ${state.raw[0]!.toFixed(2)}/${state.raw[1]!.toFixed(2)} out ${state.out[0]!.toFixed(2)}/${state.out[1]!.toFixed(2)} ` +
          `carrot ${state.carrot[0]!.toFixed(1)},${state.carrot[1]!.toFixed(1)} wv ${state.vision.toFixed(2)} ahead ${state.ahead.toFixed(2)} ${state.events.join(',')}`,
      );
      state.events.length = 0;
    });
    void toSec;
  },
});
const m = result.metrics;
console.log(`${result.passed ? 'PASS' : 'FAIL'} t ${m.timeToGoal?.toFixed(1)} clearance ${m.minClearance?.toFixed(2)} collisions ${m.collisions} infractions ${m.infractions} ${result.failures.join('; ')}`);
console.log(JSON.stringify(Object.fromEntries(Object.entries(result.counters).filter(([k]) => /planner|policy|safety/.test(k)))));
