import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isMap, isScalar, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { LocalTransport, NodeRuntime, ParameterError, SimClock, loadParamsFile, paramsForNode } from '@sensorium/core';
import type { Logger } from '@sensorium/core';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';
import { nodeOrigin } from '../../ros/scripts/nodeOrigin.js';
import { isEmptyArray, paramsYaml } from '../../ros/scripts/paramsYaml.js';
import { runNode } from './runNode.js';

const repo = resolve(import.meta.dirname, '../..');
const paramsFile = (exec: string): string => join(repo, 'launch/params', `${exec}.yaml`);
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const registry = createNodeRegistry();
const REQUIRED = ['camera_encoder', 'lidar_processor', 'audio_processor', 'touch_processor', 'fusion', 'policy', 'safety_supervisor', 'simulator'];

describe('launch/params', () => {
  for (const exec of REQUIRED) {
    it.skipIf(!registry.has(exec))(`${exec}: the file exists, holds what the generator writes, and loads into the node with its defaults`, () => {
      const definition = registry.get(exec)!;
      const file = paramsFile(exec);
      expect(existsSync(file), `${file} (run npx tsx ros/scripts/gen-params.ts)`).toBe(true);
      // Comments (descriptions) may lag a wording change; keys and values may not.
      const values = (text: string): string[] => text.split('\n').filter((line) => !/^\s*#/.test(line));
      expect(values(readFileSync(file, 'utf8')), 'regenerate with npx tsx ros/scripts/gen-params.ts').toEqual(values(paramsYaml(definition, nodeOrigin(exec))));
      const loaded = loadParamsFile(file);
      for (const fqn of [`/${exec}`, `/robot1/${exec}`]) {
        const values = paramsForNode(loaded, fqn);
        const written = Object.entries(definition.parameters).filter(([, spec]) => !isEmptyArray(spec));
        expect(Object.keys(values).sort()).toEqual(written.map(([k]) => k).sort());
        const node = new NodeRuntime(definition, { transport: new LocalTransport(), clock: new SimClock(), logger: quiet, params: [{ values, file }] });
        const defaults = Object.fromEntries(Object.entries(definition.parameters).map(([k, spec]) => [k, spec.default]));
        expect(node.params).toEqual(defaults);
      }
      // The file is for this node only: another node composed in the same process gets nothing from it.
      expect(paramsForNode(loaded, '/some_other_node')).toEqual({});
    });
  }

  it('every registered node has a params file', () => {
    for (const exec of registry.execs()) expect(existsSync(paramsFile(exec)), exec).toBe(true);
  });

  it('writes doubles with a decimal point, so rclcpp types them as double, not integer', () => {
    let checked = 0;
    for (const exec of registry.execs()) {
      const specs = registry.get(exec)!.parameters;
      const doc = parseDocument(readFileSync(paramsFile(exec), 'utf8'), { keepSourceTokens: true });
      const node = doc.contents;
      if (!isMap(node)) throw new Error(`${exec}: not a map`);
      const params = (node.items[0]?.value as { get(k: string, keep: true): unknown }).get('ros__parameters', true);
      if (!isMap(params)) throw new Error(`${exec}: no ros__parameters`);
      for (const pair of params.items) {
        const key = String((pair.key as { value: unknown }).value);
        const spec = specs[key]!;
        const sources: string[] = [];
        if (isScalar(pair.value)) sources.push(String(pair.value.source ?? (pair.value as { srcToken?: { source: string } }).srcToken?.source));
        else if (pair.value !== null && 'items' in (pair.value as object)) {
          for (const item of (pair.value as { items: { srcToken?: { source: string } }[] }).items) sources.push(item.srcToken?.source ?? '');
        }
        if (spec.type === 'double' || spec.type === 'double_array') {
          if (spec.type === 'double') expect(sources, `${exec}.${key}`).toHaveLength(1);
          for (const s of sources) expect(s, `${exec}.${key}`).toMatch(/[.eE]|inf|nan/);
          checked++;
        }
        if (spec.type === 'integer') for (const s of sources) expect(s, `${exec}.${key}`).toMatch(/^-?\d+$/);
      }
    }
    expect(checked).toBeGreaterThan(20);
  });
});

describe('a bad params file is rejected naming the file and the key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sensorium-params-'));

  it('an unknown key', async () => {
    const file = join(dir, 'unknown.yaml');
    writeFileSync(file, `${readFileSync(paramsFile('lidar_processor'), 'utf8')}    voxel_sise: 0.2\n`);
    const error = await runNode(['lidar_processor', '--describe', '--ros-args', '--params-file', file]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).context).toMatchObject({ file, parameter: 'voxel_sise', node: '/lidar_processor' });
    expect((error as Error).message).toContain('voxel_sise');
    expect((error as Error).message).toContain(file);
  });

  it('an out-of-range value', async () => {
    const file = join(dir, 'range.yaml');
    writeFileSync(file, readFileSync(paramsFile('fusion'), 'utf8').replace('rate_hz: 10.0', 'rate_hz: 500.0'));
    const error = await runNode(['fusion', '--describe', '--ros-args', '--params-file', file]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParameterError);
    expect((error as ParameterError).context).toMatchObject({ file, parameter: 'rate_hz', expected: '1 ≤ value ≤ 100' });
  });

  it('a value of the wrong type', async () => {
    const file = join(dir, 'type.yaml');
    writeFileSync(file, readFileSync(paramsFile('touch_processor'), 'utf8').replace('bump_rate: 50.0', 'bump_rate: fast'));
    const error = await runNode(['touch_processor', '--describe', '--ros-args', '--params-file', file]).catch((e: unknown) => e);
    expect((error as ParameterError).context).toMatchObject({ file, parameter: 'bump_rate' });
  });
});
