import { runNodeCommand } from '../../packages/cli/src/commands/node.js';

/** Runs `sensorium node ARGS` in-process and returns its exit code and output (the run is stopped at once). */
export async function runNode(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const stop = new AbortController();
  stop.abort();
  const code = await runNodeCommand(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd() }, { signal: stop.signal });
  return { code, stdout, stderr };
}
