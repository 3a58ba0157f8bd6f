// Writes launch/params/<exec>.yaml for every registered node from its definition's parameter specs.
//   npx tsx ros/scripts/gen-params.ts           write the files
//   npx tsx ros/scripts/gen-params.ts --check   exit 1 naming every file that differs (CI)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';
import { nodeOrigin } from './nodeOrigin.js';
import { paramsYaml } from './paramsYaml.js';

const paramsDir = fileURLToPath(new URL('../../launch/params/', import.meta.url));
const check = process.argv.includes('--check');
const registry = createNodeRegistry();
let stale = 0;
for (const exec of registry.execs()) {
  const definition = registry.get(exec);
  if (definition === undefined) continue;
  const file = `${paramsDir}${exec}.yaml`;
  const text = paramsYaml(definition, nodeOrigin(exec));
  const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (current === text) continue;
  if (check) {
    stale++;
    process.stderr.write(`launch/params/${exec}.yaml differs from the ${exec} definition\n`);
  } else {
    writeFileSync(file, text);
    process.stderr.write(`wrote launch/params/${exec}.yaml\n`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
