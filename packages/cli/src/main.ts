import type { CliCommand, CliIo } from './CliCommand.js';
import { commands } from './commands.js';

function topUsage(list: readonly CliCommand[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  const lines = list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `Usage: sensorium COMMAND [ARGS...]    (sensorium COMMAND --help for each)\n\nCommands:\n${lines.join('\n')}\n`;
}

/** Dispatches to a sub-command; never throws: an unexpected error is printed and exits 1. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(topUsage(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`sensorium: unknown command '${name}'\n\n${topUsage(commands)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    io.stderr(`sensorium ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
