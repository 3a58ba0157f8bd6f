import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';
import { nodeTable, withNodeTable } from '../../ros/scripts/nodeTable.js';

const readme = readFileSync(resolve(import.meta.dirname, '../../ros/README.md'), 'utf8');

describe('ros/README.md', () => {
  it('its node table is the one the node definitions give (npx tsx ros/scripts/gen-readme.ts)', () => {
    const registry = createNodeRegistry();
    expect(withNodeTable(readme, nodeTable(registry))).toBe(readme);
    for (const exec of registry.execs()) expect(readme).toContain(`| \`${exec}\` |`);
  });

  it('gives the robot steps for Humble and Jazzy and every robot.launch argument', () => {
    for (const text of ['source /opt/ros/humble/setup.bash', 'jazzy', 'npm_config_yes=true npm install', 'colcon build', 'ros2 launch sensorium_bringup robot.launch.py', 'npm run test:ros']) {
      expect(readme).toContain(text);
    }
    const launch = readFileSync(resolve(import.meta.dirname, '../../launch/robot.launch.yaml'), 'utf8');
    for (const [, name] of launch.matchAll(/- arg: \{name: (\w+)/g)) expect(readme).toContain(`| \`${name}\` |`);
  });
});
