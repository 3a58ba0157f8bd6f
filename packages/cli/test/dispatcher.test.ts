import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands, main } from '../src/index.js';
import { captureIo } from './io.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('sensorium dispatcher', () => {
  it('registers each command once, with a name, summary and usage', () => {
    const names = commands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of ['run', 'scenario', 'perceive', 'bench']) expect(names).toContain(name);
    for (const c of commands) {
      expect(c.summary.length).toBeGreaterThan(0);
      expect(c.usage).toMatch(/^Usage: sensorium /);
    }
  });

  it('exits 2 on an unknown command, listing the commands on stderr', async () => {
    const io = captureIo(ROOT);
    expect(await main(['no-such-command'], io)).toBe(2);
    expect(io.err).toContain("unknown command 'no-such-command'");
    for (const c of commands) expect(io.err).toContain(c.name);
    expect(io.out).toBe('');
  });

  it('exits 2 with usage when no command is given, 0 for --help', async () => {
    const none = captureIo(ROOT);
    expect(await main([], none)).toBe(2);
    expect(none.out).toContain('Commands:');
    const help = captureIo(ROOT);
    expect(await main(['--help'], help)).toBe(0);
    for (const c of commands) expect(help.out).toContain(`${c.name}  `);
  });

  it.each(commands.map((c) => c.name))('%s --help prints its usage and exits 0', async (name) => {
    const io = captureIo(ROOT);
    expect(await main([name, '--help'], io)).toBe(0);
    expect(io.out).toBe(`${commands.find((c) => c.name === name)?.usage}\n`);
    expect(io.err).toBe('');
  });

  it('turns an error thrown by a command into exit 1 with its message', async () => {
    const io = captureIo(ROOT);
    expect(await main(['perceive', 'no/such/file.pcd'], io)).toBe(1);
    expect(io.err).toMatch(/^sensorium perceive: cannot read file \[file=no\/such\/file\.pcd/);
  });
});
