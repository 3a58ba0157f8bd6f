// Regenerates packages/core/src/definitions/sensoriumDefinitions.ts from ros/sensorium_msgs/msg/*.msg.
// Run from the repository root: node packages/core/scripts/gen-sensorium-definitions.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = path.join(root, 'ros/sensorium_msgs/msg');
let out =
  '// GENERATED from ros/sensorium_msgs/msg/*.msg (verbatim). Do not edit by hand: test/definitions.test.ts\n' +
  '// fails when this file and the .msg files differ. Regenerate with:\n' +
  '//   node packages/core/scripts/gen-sensorium-definitions.mjs\n' +
  'export const SENSORIUM_DEFINITIONS: Readonly<Record<string, string>> = {\n';
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.msg')).sort()) {
  const name = `sensorium_msgs/msg/${file.slice(0, -4)}`;
  out += `  ${JSON.stringify(name)}:\n    ${JSON.stringify(fs.readFileSync(path.join(dir, file), 'utf8'))},\n`;
}
out += '};\n';
fs.writeFileSync(path.join(root, 'packages/core/src/definitions/sensoriumDefinitions.ts'), out);
