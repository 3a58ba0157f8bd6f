#!/usr/bin/env node
// The packages ship TypeScript sources (exports point at src/*.ts); tsx's loader lets Node run them without a
// build step, so `npm start` works on a fresh clone right after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
