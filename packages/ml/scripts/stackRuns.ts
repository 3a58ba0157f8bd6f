// Runs the learned stack (launch/stack.launch.yaml) in the simulator with chosen inference parameters and
// records what it commanded: shared by the backend-parity and int8 scripts, the parity test and the bench.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { GraphDescription, NodeRegistry, SimClock, Transport, Twist } from '@sensorium/core';
import { loadScenario, runScenario, type Scenario, type ScenarioResult } from '@sensorium/sim';
import { createNodeRegistry } from '../../cli/src/nodeRegistry.js';
import { LatencyProbe, type LatencyReport } from '../../cli/src/stack/LatencyProbe.js';
import { loadStackGraph, REPO_ROOT, worldBounds } from '../../cli/src/stack/stackGraph.js';
import { withInferenceParams } from '../src/index.js';

export { REPO_ROOT };

/** The library's scenario files (sorted), or the named ones. */
export function scenarioFiles(names: readonly string[] = []): string[] {
  const dir = path.join(REPO_ROOT, 'sim/scenarios');
  if (names.length > 0) return names.map((n) => (n.endsWith('.yaml') ? path.resolve(n) : path.join(dir, `${n}.yaml`)));
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));
}

export function loadScenarioFile(file: string, options: { duration?: number } = {}): Scenario {
  const s = loadScenario(readFileSync(file, 'utf8'), { file });
  return options.duration === undefined ? s : { ...s, duration: Math.min(s.duration, options.duration) };
}

export interface StackRun {
  result: ScenarioResult;
  /** Every cmd_vel the safety supervisor published, in order: [sim s, linear m/s, angular rad/s]. */
  commands: [number, number, number][];
  latency: LatencyReport;
  /** `inference_backend` gauge per model node. */
  backends: Record<string, string>;
  /** Last `/diagnostics` stage timings: `NODE STAGE p50|p99` → ms. */
  stages: Record<string, number>;
}

/** The stack graph for `scenario` (policy map bounds from its world) with inference parameters on every model node. */
export function stackFor(scenario: Scenario, inference: Readonly<Record<string, string | number>>, registry: NodeRegistry = createNodeRegistry()): GraphDescription {
  const stack = loadStackGraph({ params: { policy: { map_bounds: worldBounds(scenario.world.size) } } });
  return withInferenceParams(stack, inference, (exec) => Object.keys(registry.get(exec)?.parameters ?? {}));
}

export const readRepoResource = (p: string): Promise<Uint8Array> => Promise.resolve(new Uint8Array(readFileSync(path.resolve(REPO_ROOT, p))));

/** One scenario with the stack, inference parameters (`backend`, `precision`, …) set on every model node. */
export async function runStack(
  scenario: Scenario,
  inference: Readonly<Record<string, string | number>>,
  options: { onStart?: (context: { transport: Transport; clock: SimClock }) => void } = {},
): Promise<StackRun> {
  const registry = createNodeRegistry();
  const controller = stackFor(scenario, inference, registry);
  const commands: [number, number, number][] = [];
  const backends: Record<string, string> = {};
  const stages: Record<string, number> = {};
  let probe: LatencyProbe | undefined;
  const result = await runScenario(scenario, {
    controller,
    registry,
    readResource: readRepoResource,
    onStart: ({ transport, clock }) => {
      options.onStart?.({ transport, clock });
      probe = new LatencyProbe(transport, clock);
      transport.subscribe('/cmd_vel', 'geometry_msgs/msg/Twist', { reliability: 'best_effort' }).subscribe((m: Twist) => commands.push([clock.nowSec(), m.linear.x, m.angular.z]));
      transport.subscribe('/diagnostics', 'diagnostic_msgs/msg/DiagnosticArray', { reliability: 'best_effort' }).subscribe((m) => {
        for (const status of m.status) {
          for (const kv of status.values) {
            if (kv.key === 'gauge inference_backend') backends[status.name] = kv.value;
            if (kv.key.startsWith('stage ') && kv.key.includes('processing_ms')) stages[`${status.name} ${kv.key.slice(6, kv.key.indexOf(' processing_ms'))} ${kv.key.slice(-3)}`] = Number(kv.value);
          }
        }
      });
    },
  });
  const latency = probe!.report();
  probe!.dispose();
  return { result, commands, latency, backends, stages };
}

/**
 * Largest |Δ| between two command sequences paired by index, and the sim time at which they first differ
 * by more than 1e-3 (closed loop, a float-rounding difference can tip a discrete decision — a switch's
 * hysteresis, a supervisor threshold — after which the two robots drive apart).
 */
export function commandDifference(a: StackRun, b: StackRun): { linear: number; angular: number; count: [number, number]; divergedAt: number | null } {
  let linear = 0;
  let angular = 0;
  let divergedAt: number | null = null;
  const n = Math.min(a.commands.length, b.commands.length);
  for (let i = 0; i < n; i++) {
    const dl = Math.abs(a.commands[i]![1] - b.commands[i]![1]);
    const da = Math.abs(a.commands[i]![2] - b.commands[i]![2]);
    linear = Math.max(linear, dl);
    angular = Math.max(angular, da);
    if (divergedAt === null && Math.max(dl, da) > 1e-3) divergedAt = a.commands[i]![0];
  }
  return { linear, angular, count: [a.commands.length, b.commands.length], divergedAt };
}
