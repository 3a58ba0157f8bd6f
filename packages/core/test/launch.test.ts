import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadLaunchFile, substitute } from '../src/index.js';
import type { GraphNodeDescription } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const fixture = (name: string): string => path.join(here, 'support/launch', name);

describe('loadLaunchFile', () => {
  const graph = loadLaunchFile(fixture('main.launch.yaml'), { env: {} });
  const byName = (name: string | undefined): GraphNodeDescription | undefined => graph.nodes.find((n) => n.name === name);

  it('reads args with defaults, nodes, groups with pushed namespaces, and includes', () => {
    expect(graph.args).toMatchObject({ robot: 'robot1', gain: '3' });
    expect(graph.nodes.map((n) => [n.exec, n.name, n.namespace])).toEqual([
      ['doubler', 'first', '/robot1'],
      ['doubler', undefined, '/sub/robot1'],
      ['doubler', 'included', '/'],
    ]);
  });

  it('keeps params in launch order: file, then inline values parsed as YAML', () => {
    const first = byName('first');
    expect(first?.params[0]).toMatchObject({ kind: 'file', params: { file: fixture('params/doubler.yaml') } });
    expect(first?.params[1]).toEqual({ kind: 'values', values: { gain: 3 }, file: fixture('main.launch.yaml') });
    expect(first?.remaps).toEqual([{ from: 'in', to: '/chatter' }]);
    expect(first?.source).toEqual({ file: fixture('main.launch.yaml'), path: 'launch[3].node' });
  });

  it('reads ros_args remaps and params, and nested param groups', () => {
    const sub = graph.nodes[1];
    expect(sub?.remaps).toEqual([{ from: 'out', to: 'doubled' }]);
    expect(sub?.params).toEqual([{ kind: 'values', values: { gain: 1.5 }, file: fixture('main.launch.yaml') }]);
    expect(byName('included')?.params).toEqual([
      { kind: 'values', values: { 'limits.max_x': 100 }, file: fixture('child.launch.yaml') },
    ]);
  });

  it('lets command-line args override defaults and evaluates if', () => {
    const g = loadLaunchFile(fixture('main.launch.yaml'), { args: { robot: 'r2' }, env: { SENSORIUM_TEST_FLAG: 'true' } });
    expect(g.nodes.map((n) => n.namespace)).toEqual(['/r2', '/sub/r2', '/', '/']);
    expect(g.nodes.map((n) => n.name)).toContain('skipped');
  });

  it.each([
    ['bad-yaml.launch.yaml', /not valid YAML/, undefined],
    ['bad-action.launch.yaml', /unsupported launch action 'executable'/, 'launch[1].executable'],
  ])('rejects %s with a ConfigError naming the file and YAML path', (name, message, field) => {
    let error: unknown;
    try {
      loadLaunchFile(fixture(name));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as ConfigError).context.file).toBe(fixture(name));
    if (field !== undefined) expect((error as ConfigError).context.field).toBe(field);
  });

  it('requires args without defaults', () => {
    expect(() => loadLaunchFile(fixture('child.launch.yaml'))).toThrow(/launch argument 'child_name' is required/);
  });

  it('rejects a missing file', () => {
    expect(() => loadLaunchFile(fixture('missing.launch.yaml'))).toThrow(ConfigError);
  });
});

describe('loadLaunchFile scoping', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sensorium-launch-'));
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('scopes set-remap, set-parameter and namespaces to their group; honours unless', () => {
    const file = write(
      'scoped.launch.yaml',
      `launch:
  - arg: {name: sim, default: 'true'}
  - group:
      scoped: true
      children:
        - push_ros_namespace: {namespace: /abs}
        - set_remap: {from: in, to: /shared_in}
        - set_parameter: {name: gain, value: '4'}
        - node: {pkg: p, exec: doubler, name: a}
  - node: {pkg: p, exec: doubler, name: b}
  - node: {pkg: p, exec: doubler, name: c, unless: $(var sim)}
  - group:
      scoped: false
      children:
        - push-ros-namespace: {namespace: leaked}
  - node: {pkg: p, exec: doubler, name: d}
`,
    );
    const g = loadLaunchFile(file);
    expect(g.nodes.map((n) => [n.name, n.namespace, n.remaps.length, n.params.length])).toEqual([
      ['a', '/abs', 1, 1],
      ['b', '/', 0, 0],
      ['d', '/leaked', 0, 0],
    ]);
    expect(g.nodes[0]?.params[0]).toEqual({ kind: 'values', values: { gain: 4 }, file });
  });

  it('rejects include cycles and unknown node attributes', () => {
    const a = write('a.launch.yaml', 'launch:\n  - include: {file: $(dirname)/b.launch.yaml}\n');
    write('b.launch.yaml', 'launch:\n  - include: {file: $(dirname)/a.launch.yaml}\n');
    expect(() => loadLaunchFile(a)).toThrow(/cycle/);
    const bad = write('attr.launch.yaml', 'launch:\n  - node: {pkg: p, exec: e, paramz: []}\n');
    expect(() => loadLaunchFile(bad)).toThrow(/unknown node attribute 'paramz'/);
  });
});

describe('substitute', () => {
  const scope = {
    vars: { pkg: 'sensorium_bringup', name: 'lidar' },
    env: { HOME: '/home/robot' },
    file: '/repo/launch/x.launch.yaml',
    path: 'launch[0]',
    findPackageShare: (pkg: string) => {
      if (pkg !== 'sensorium_bringup') throw new ConfigError('unknown package');
      return repoRoot;
    },
  };
  it.each([
    ['plain text', 'plain text'],
    ['$(var name)', 'lidar'],
    ['a-$(var name)-b', 'a-lidar-b'],
    ['$(env HOME)', '/home/robot'],
    ['$(env MISSING fallback)', 'fallback'],
    ["$(env MISSING 'two words')", 'two words'],
    ['$(optenv MISSING)', ''],
    ['$(find-pkg-share $(var pkg))/launch', `${repoRoot}/launch`],
    ['$(dirname)/params/x.yaml', '/repo/launch/params/x.yaml'],
    ['$(filename)', 'x.launch.yaml'],
  ])('%s', (text, expected) => {
    expect(substitute(text, scope)).toBe(expected);
  });

  it.each(['$(var nope)', '$(env MISSING)', '$(eval 1+1)', '$(var name', '$(find-pkg-share other)'])('rejects %s', (text) => {
    expect(() => substitute(text, scope)).toThrow(ConfigError);
  });
});
