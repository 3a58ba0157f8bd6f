import type { CliCommand } from './CliCommand.js';
import { command as bench } from './commands/bench.js';
import { command as exportCommand } from './commands/export.js';
import { command as node } from './commands/node.js';
import { command as perceive } from './commands/perceive.js';
import { command as run } from './commands/run.js';
import { command as scenario } from './commands/scenario.js';
import { command as train } from './commands/train.js';
import { command as start } from './commands/start.js';
import { command as inspect } from './commands/inspect.js';
import { command as record } from './commands/record.js';
import { command as play } from './commands/play.js';

/**
 * Every sub-command, in `sensorium --help` order. Each lives in `commands/<name>.ts` and exports `command`.
 */
export const commands: readonly CliCommand[] = [start, run, scenario, node, perceive, bench, exportCommand, train, inspect, record, play];
