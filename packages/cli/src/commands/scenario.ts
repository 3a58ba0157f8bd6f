import { BACKEND_CHOICES, PRECISION_CHOICES, withInferenceParams } from '@sensorium/ml';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { SCENARIO_USAGE, loadScenario, runScenario, scenarioCommand } from '@sensorium/sim';
import type { CliCommand } from '../CliCommand.js';
import { createNodeRegistry } from '../nodeRegistry.js';
import { REPO_ROOT, loadStackGraph } from '../stack/stackGraph.js';
import { LatencyProbe } from '../stack/LatencyProbe.js';

const USAGE = `${SCENARIO_USAGE}
  --backend B          stack only: inference backend of every model node: ${BACKEND_CHOICES.join(' | ')} (default auto)
  --precision P        stack only: ${PRECISION_CHOICES.join(' | ')} on ONNX Runtime (default fp32)
  --no-warmup          stack only: skip the unscored 3 s warm-up run before the first scenario

With the stack, metrics.latencyMs (and the latency column) is the end-to-end sensor stamp → cmd_vel latency
p50/p99 a robot would see: queueing in sim time plus the wall time of the stages on the path (LatencyProbe);
metrics.latency has the parts. Goal p99 ≤ 100 ms. A robot warms up before it drives: the stack first runs
3 s of open-field unscored, so the first scenario's p99 is not the process's JIT and WASM compilation.`;

/**
 * `sensorium scenario`: the simulator's own command (it parses its arguments), with every package's nodes as
 * controllers. The default controller is `stack` — the learned stack of launch/stack.launch.yaml — as on a robot;
 * `--controller expert` runs the simulator's privileged planner instead. `--backend` / `--precision` set the
 * stack's inference parameters on every node that runs a model (backend parity, int8 runs).
 */
export const command: CliCommand = {
  name: 'scenario',
  summary: 'run simulator scenarios headless with the learned stack (or --controller expert) and score them',
  usage: USAGE,
  async run(args, io) {
    if (args.includes('-h') || args.includes('--help')) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const rest: string[] = [];
    const inference: Record<string, string> = {};
    let warmup = true;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      if (arg === '--no-warmup') {
        warmup = false;
        continue;
      }
      const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
      const choices = flag === '--backend' ? BACKEND_CHOICES : flag === '--precision' ? PRECISION_CHOICES : undefined;
      if (choices === undefined) {
        rest.push(arg);
        continue;
      }
      const value = inline ?? args[++i];
      if (value === undefined || !(choices as readonly string[]).includes(value)) {
        io.stderr(`${flag} must be one of ${choices.join(', ')}\n\n${USAGE}\n`);
        return 2;
      }
      inference[flag.slice(2)] = value;
    }
    const registry = createNodeRegistry();
    const stack = withInferenceParams(loadStackGraph(), inference, (exec) => Object.keys(registry.get(exec)?.parameters ?? {}));
    const stackChosen = !rest.includes('--controller') || rest[rest.indexOf('--controller') + 1] === 'stack';
    if (warmup && stackChosen && !rest.includes('-h') && !rest.includes('--help')) {
      const file = path.join(REPO_ROOT, 'sim/scenarios/open-field.yaml');
      const scenario = loadScenario(await readFile(file, 'utf8'), { file });
      io.stderr('warming up the stack (3 s of open-field, unscored)\n');
      await runScenario({ ...scenario, duration: 3 }, { controller: stack, registry, resourceRoot: io.cwd ?? process.cwd() });
    }
    // Computing takes no simulated time, so the sim's own latency figure is 0: measure it as runLibrary does.
    let probe: LatencyProbe | undefined;
    return scenarioCommand(rest, {
      onStart: ({ transport, clock }) => {
        probe?.dispose();
        probe = new LatencyProbe(transport, clock);
      },
      decorate: (result) => {
        if (probe === undefined) return;
        const report = probe.report();
        probe.dispose();
        probe = undefined;
        if (report.samples === 0) return; // no fusion/percept → cmd_vel chain (e.g. --controller expert)
        result.metrics.latencyMs = { ...report.endToEndMs };
        (result.metrics as typeof result.metrics & { latency?: typeof report }).latency = report;
      },
      stdout: io.stdout,
      stderr: io.stderr,
      cwd: io.cwd,
      registry,
      controllers: { stack },
      defaultController: 'stack',
    });
  },
};
