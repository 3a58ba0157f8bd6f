import { BACKEND_CHOICES, PRECISION_CHOICES, withInferenceParams } from '@sensorium/ml';
import { SCENARIO_USAGE, scenarioCommand } from '@sensorium/sim';
import type { CliCommand } from '../CliCommand.js';
import { createNodeRegistry } from '../nodeRegistry.js';
import { loadStackGraph } from '../stack/stackGraph.js';

const USAGE = `${SCENARIO_USAGE}
  --backend B          stack only: inference backend of every model node: ${BACKEND_CHOICES.join(' | ')} (default auto)
  --precision P        stack only: ${PRECISION_CHOICES.join(' | ')} on ONNX Runtime (default fp32)`;

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
  run(args, io) {
    if (args.includes('-h') || args.includes('--help')) {
      io.stdout(`${USAGE}\n`);
      return Promise.resolve(0);
    }
    const rest: string[] = [];
    const inference: Record<string, string> = {};
    for (let i = 0; i < args.length; i++) {
      const arg = args[i]!;
      const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
      const choices = flag === '--backend' ? BACKEND_CHOICES : flag === '--precision' ? PRECISION_CHOICES : undefined;
      if (choices === undefined) {
        rest.push(arg);
        continue;
      }
      const value = inline ?? args[++i];
      if (value === undefined || !(choices as readonly string[]).includes(value)) {
        io.stderr(`${flag} must be one of ${choices.join(', ')}\n\n${USAGE}\n`);
        return Promise.resolve(2);
      }
      inference[flag.slice(2)] = value;
    }
    const registry = createNodeRegistry();
    const stack = withInferenceParams(loadStackGraph(), inference, (exec) => Object.keys(registry.get(exec)?.parameters ?? {}));
    return scenarioCommand(rest, {
      stdout: io.stdout,
      stderr: io.stderr,
      cwd: io.cwd,
      registry,
      controllers: { stack },
      defaultController: 'stack',
    });
  },
};
