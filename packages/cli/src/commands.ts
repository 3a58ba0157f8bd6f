import type { CliCommand } from './CliCommand.js';
import { command as node } from './commands/node.js';

/**
 * Every sub-command, in `sensorium --help` order. Each lives in `commands/<name>.ts` and exports `command`.
 */
export const commands: readonly CliCommand[] = [node];
