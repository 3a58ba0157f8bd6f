import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, ScenarioError } from '@sensorium/sim';

const valid = `name: ok
duration: 10
world:
  size: [10, 8]
  obstacles:
    - {type: box, position: [1, 0], size: [0.5, 0.5, 1]}
robot:
  start: {position: [-3, 0]}
goal: {position: [3, 0]}
`;

describe('loadScenario', () => {
  it('fills defaults', () => {
    const s = loadScenario(valid, { file: 'ok.yaml' });
    expect(s.seed).toBe(0);
    expect(s.world.lighting).toBe(1);
    expect(s.world.obstacles[0]).toMatchObject({ type: 'box', yaw: 0, material: 'default' });
    expect(s.expect).toMatchObject({ reach_goal: true, max_collisions: 0, gating: [] });
    expect(s.file).toBe('ok.yaml');
  });

  it.each([
    ['a missing key', valid.replace('duration: 10\n', ''), 'duration', 'number'],
    ['a wrong type', valid.replace('duration: 10', 'duration: soon'), 'duration', 'number'],
    ['a bad obstacle type', valid.replace('type: box', 'type: pyramid'), 'world.obstacles[0].type', '"box" | "cylinder" | "wall"'],
    ['a short size', valid.replace('size: [0.5, 0.5, 1]', 'size: [0.5, 0.5]'), 'world.obstacles[0].size', undefined],
    ['an unknown key', valid.replace('name: ok', 'name: ok\ncolour: red'), '<root>', 'no unknown keys (found colour)'],
    ['a bad material', valid.replace('size: [0.5, 0.5, 1]}', 'size: [0.5, 0.5, 1], material: mirror}'), 'world.obstacles[0].material', '"default" | "glass" | "absorbing" | "soft"'],
    ['a bad fault kind', `${valid}faults:\n  - {at: 1, sensor: lidar, kind: melt, duration: 1}\n`, 'faults[0].kind', '"dropout" | "freeze" | "noise" | "dark"'],
    ['a negative duration', valid.replace('duration: 10', 'duration: -1'), 'duration', 'value > 0'],
    ['a bad colour', valid.replace('size: [0.5, 0.5, 1]}', 'size: [0.5, 0.5, 1], color: red}'), 'world.obstacles[0].color', undefined],
    ['a wav sound without file', valid.replace('robot:', '  sounds:\n    - {position: [0, 0], signal: wav}\nrobot:'), 'world.sounds[0].file', undefined],
  ])('rejects %s with file, YAML path and expectation', (_label, text, field, expected) => {
    let error: unknown;
    try {
      loadScenario(text, { file: 'bad.yaml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    const e = error as ScenarioError;
    expect(e.code).toBe('SCENARIO_ERROR');
    expect(e.context.field).toBe(field);
    expect(e.context.file).toMatch(/^bad\.yaml(:\d+)?$/);
    if (expected !== undefined) expect(e.context.expected).toBe(expected);
    expect(e.message).toContain(field);
  });

  it('names the line of the offending key', () => {
    const text = valid.replace('type: box', 'type: pyramid');
    try {
      loadScenario(text, { file: 'bad.yaml' });
      expect.unreachable();
    } catch (e) {
      expect((e as ScenarioError).context.file).toBe('bad.yaml:6');
    }
  });

  it('rejects YAML syntax errors', () => {
    expect(() => loadScenario('name: [unclosed\n', { file: 'broken.yaml' })).toThrow(ScenarioError);
  });

  it('loads every scenario in the library', () => {
    const dir = path.resolve(import.meta.dirname, '../scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(14);
    for (const f of files) expect(() => loadScenario(readFileSync(path.join(dir, f), 'utf8'), { file: f })).not.toThrow();
  });
});
