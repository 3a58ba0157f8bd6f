import { loadScenario, Simulator, simulatorParams, type SimulatorOutputs, type SimulatorParamValues } from '@sensorium/sim';

export type Captured = { [K in keyof SimulatorOutputs]: unknown[] };

/** Default simulator parameters with overrides. */
export function params(overrides: Partial<Record<keyof typeof simulatorParams, unknown>> = {}): SimulatorParamValues {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(simulatorParams)) out[k] = v.default;
  return { ...out, ...overrides } as SimulatorParamValues;
}

/** A Simulator on a YAML scenario whose outputs are captured per output name. */
export async function makeSim(yaml: string, overrides: Parameters<typeof params>[0] = {}): Promise<{ sim: Simulator; captured: Captured; counts: Map<string, number> }> {
  const captured = {} as Captured;
  const outputs = new Proxy({} as SimulatorOutputs, {
    get: (_t, name: string) => {
      const list = ((captured as Record<string, unknown[]>)[name] ??= []);
      return { publish: (m: unknown) => list.push(m) };
    },
  });
  const counts = new Map<string, number>();
  const sim = await Simulator.create({
    scenario: loadScenario(yaml),
    params: params(overrides),
    outputs,
    readResource: () => Promise.reject(new Error('no resources in tests')),
    count: (name) => counts.set(name, (counts.get(name) ?? 0) + 1),
  });
  return { sim, captured: new Proxy(captured, { get: (t, k: string) => ((t as Record<string, unknown[]>)[k] ??= []) }), counts };
}

/** A world with one thing in it, robot at the origin facing +x. */
export function scenarioWith(worldYaml: string, extra = ''): string {
  return `name: test
duration: 5
world:
  size: [30, 30]
  open: true
${worldYaml}
robot:
  start: {position: [0, 0], yaw: 0}
goal: {position: [10, 0]}
${extra}`;
}
