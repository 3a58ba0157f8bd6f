// Writes ros/sensorium_bringup/scripts/<exec> (installed into lib/sensorium_bringup) for every registered node.
//   npx tsx ros/scripts/gen-launchers.ts
import { chmodSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';
import { launcherScript } from './launcherScript.js';

const dir = fileURLToPath(new URL('../sensorium_bringup/scripts/', import.meta.url));
const registry = createNodeRegistry();
for (const exec of registry.execs()) {
  const file = `${dir}${exec}`;
  writeFileSync(file, launcherScript(exec, registry.get(exec)?.description ?? ''));
  chmodSync(file, 0o755);
  process.stderr.write(`wrote ros/sensorium_bringup/scripts/${exec}\n`);
}
