// Rewrites the node table of ros/README.md from the node definitions.
//   npx tsx ros/scripts/gen-readme.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';
import { nodeTable, withNodeTable } from './nodeTable.js';

const file = fileURLToPath(new URL('../README.md', import.meta.url));
writeFileSync(file, withNodeTable(readFileSync(file, 'utf8'), nodeTable(createNodeRegistry())));
process.stderr.write('wrote ros/README.md node table\n');
