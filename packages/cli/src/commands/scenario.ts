import { SCENARIO_USAGE, scenarioCommand } from '@sensorium/sim';
import type { CliCommand } from '../CliCommand.js';
import { createNodeRegistry } from '../nodeRegistry.js';
import { loadStackGraph } from '../stack/stackGraph.js';

/**
 * `sensorium scenario`: the simulator's own command (it parses its arguments), with every package's nodes as
 * controllers. The default controller is `stack` — the learned stack of launch/stack.launch.yaml — as on a robot;
 * `--controller expert` runs the simulator's privileged planner instead.
 */
export const command: CliCommand = {
  name: 'scenario',
  summary: 'run simulator scenarios headless with the learned stack (or --controller expert) and score them',
  usage: SCENARIO_USAGE,
  run(args, io) {
    return scenarioCommand(args, {
      stdout: io.stdout,
      stderr: io.stderr,
      cwd: io.cwd,
      registry: createNodeRegistry(),
      controllers: { stack: loadStackGraph() },
      defaultController: 'stack',
    });
  },
};
