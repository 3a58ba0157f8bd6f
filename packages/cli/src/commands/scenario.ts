import { SCENARIO_USAGE, scenarioCommand } from '@sensorium/sim';
import type { CliCommand } from '../CliCommand.js';
import { createNodeRegistry } from '../nodeRegistry.js';

/** `sensorium scenario`: the simulator's own command (it parses its arguments), with every package's nodes as controllers. */
export const command: CliCommand = {
  name: 'scenario',
  summary: 'run simulator scenarios headless and score them (exit 1 if any fails)',
  usage: SCENARIO_USAGE,
  run(args, io) {
    return scenarioCommand(args, { stdout: io.stdout, stderr: io.stderr, cwd: io.cwd, registry: createNodeRegistry() });
  },
};
