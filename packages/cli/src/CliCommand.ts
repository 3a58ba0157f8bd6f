/** Where a command writes and which directory relative paths resolve against (tests pass their own). */
export interface CliIo {
  // Function properties, not methods: commands pass them on unbound (`progress: io.stderr`).
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

/**
 * One `sensorium` sub-command, in its own file under `commands/`. `run` gets the arguments after the command
 * name and returns the exit code: 0 success, 1 the work failed (a scenario failed, a file is corrupt), 2 bad
 * arguments. Every command answers `--help` with `usage`.
 */
export interface CliCommand {
  name: string;
  /** One line for `sensorium --help`. */
  summary: string;
  usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}
