import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES } from '@sensorium/core';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';
import { launcherScript } from '../../ros/scripts/launcherScript.js';

const repo = resolve(import.meta.dirname, '../..');
const ros = join(repo, 'ros');
const registry = createNodeRegistry();
const REQUIRED = ['camera_encoder', 'lidar_processor', 'audio_processor', 'touch_processor', 'fusion', 'policy', 'safety_supervisor', 'simulator'];

/** Tags package format 3 (REP 149) allows directly under <package>. */
const FORMAT3_TAGS = new Set([
  'name', 'version', 'description', 'maintainer', 'license', 'url', 'author', 'depend', 'build_depend', 'build_export_depend',
  'buildtool_depend', 'buildtool_export_depend', 'exec_depend', 'test_depend', 'doc_depend', 'conflict', 'replace', 'export',
  'group_depend', 'member_of_group',
]);

interface Manifest {
  format: string;
  tags: string[];
  get(tag: string): string[];
  text: string;
}

function manifest(pkg: string): Manifest {
  const text = readFileSync(join(ros, pkg, 'package.xml'), 'utf8');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`${pkg}/package.xml: ${valid.err.msg} (line ${valid.err.line})`);
  const tree = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', preserveOrder: true, commentPropName: '#comment' }).parse(text) as Record<string, unknown>[];
  const root = tree.find((n) => 'package' in n) as { package: Record<string, unknown>[]; ':@'?: Record<string, string> };
  const children = root.package.filter((c) => !('#comment' in c) && !('#text' in c));
  const textOf = (c: Record<string, unknown>, tag: string): string => {
    const inner = c[tag] as Record<string, unknown>[];
    return inner.map((i) => String(i['#text'] ?? '')).join('').trim();
  };
  const tags = children.map((c) => Object.keys(c).find((k) => k !== ':@')!);
  return {
    format: root[':@']?.['@format'] ?? '',
    tags,
    text,
    get: (tag) => children.filter((c) => tag in c).map((c) => textOf(c, tag)),
  };
}

function packageOf(type: string): string {
  return type.split('/')[0]!;
}

describe.each(['sensorium_msgs', 'sensorium_bringup'])('ros/%s/package.xml', (pkg) => {
  it('is well-formed package format 3 with name, version, description, maintainer, license and ament_cmake', () => {
    const m = manifest(pkg);
    expect(m.format).toBe('3');
    expect(m.get('name')).toEqual([pkg]);
    expect(m.get('version')[0]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(m.get('description')[0]!.length).toBeGreaterThan(20);
    expect(m.get('maintainer')).toHaveLength(1);
    expect(m.text).toMatch(/<maintainer email="[^"@]+@[^"]+">/);
    expect(m.get('license')).toHaveLength(1);
    expect(m.get('buildtool_depend')).toContain('ament_cmake');
    expect(m.text).toContain('<build_type>ament_cmake</build_type>');
    for (const tag of m.tags) expect(FORMAT3_TAGS.has(tag), `<${tag}>`).toBe(true);
    // Format 3 order: name, version, description come first.
    expect(m.tags.slice(0, 3)).toEqual(['name', 'version', 'description']);
  });
});

describe('sensorium_msgs', () => {
  const m = manifest('sensorium_msgs');
  const msgDir = join(ros, 'sensorium_msgs/msg');
  const used = new Set<string>();
  for (const file of readdirSync(msgDir)) {
    for (const match of readFileSync(join(msgDir, file), 'utf8').matchAll(/^\s*([a-z][a-z0-9_]*)\/([A-Z]\w*)/gm)) used.add(match[1]!);
  }
  used.delete('sensorium_msgs');

  it('depends on every package its .msg files use, and generates them with rosidl', () => {
    expect(used.size).toBeGreaterThan(0);
    const deps = new Set([...m.get('depend'), ...m.get('build_depend')]);
    for (const pkg of used) expect(deps.has(pkg), pkg).toBe(true);
    expect(m.get('buildtool_depend')).toContain('rosidl_default_generators');
    expect(m.get('exec_depend')).toContain('rosidl_default_runtime');
    expect(m.get('member_of_group')).toEqual(['rosidl_interface_packages']);
    const cmake = readFileSync(join(ros, 'sensorium_msgs/CMakeLists.txt'), 'utf8');
    expect(cmake).toContain('rosidl_generate_interfaces(');
    const dependencies = /DEPENDENCIES([^)]*)\)/.exec(cmake)?.[1]?.trim().split(/\s+/) ?? [];
    for (const pkg of used) expect(dependencies, pkg).toContain(pkg);
  });
});

describe('sensorium_bringup', () => {
  const m = manifest('sensorium_bringup');
  const scripts = join(ros, 'sensorium_bringup/scripts');

  it('exec-depends on every message package the nodes and core use, the launch frontends and Node.js', () => {
    const used = new Set<string>(MESSAGE_TYPES.map(packageOf));
    for (const exec of registry.execs()) {
      const d = registry.get(exec)!;
      for (const port of [...d.inputs, ...d.outputs]) used.add(packageOf(port.type));
    }
    const deps = new Set([...m.get('exec_depend'), ...m.get('depend')]);
    for (const pkg of [...used, 'launch', 'launch_ros', 'launch_xml', 'launch_yaml', 'nodejs']) expect(deps.has(pkg), pkg).toBe(true);
  });

  it('has an executable launcher for every node exec, as the generator writes it', () => {
    for (const exec of new Set([...REQUIRED, ...registry.execs()])) {
      const file = join(scripts, exec);
      expect(existsSync(file), `${file} (npx tsx ros/scripts/gen-launchers.ts)`).toBe(true);
      expect(statSync(file).mode & 0o111, exec).toBe(0o111);
      const definition = registry.get(exec);
      if (definition !== undefined) expect(readFileSync(file, 'utf8')).toBe(launcherScript(exec, definition.description));
    }
    expect(statSync(join(scripts, 'sensorium_launcher')).mode & 0o111).toBe(0o111);
    const sh = spawnSync('sh', ['-n', join(scripts, 'sensorium_launcher')]);
    expect(sh.status, String(sh.stderr)).toBe(0);
  });

  it('a launcher run from the source tree starts the node command with its ROS arguments', () => {
    const out = execFileSync(join(scripts, 'touch_processor'), ['--describe', '--json', '--ros-args', '-r', '__ns:=/robot', '-p', 'bump_rate:=20.0'], {
      encoding: 'utf8',
      env: { ...process.env, SENSORIUM_HOME: '' },
    });
    const [node] = JSON.parse(out) as { node: string; params: Record<string, unknown> }[];
    expect(node).toMatchObject({ node: '/robot/touch_processor', params: { bump_rate: 20 } });
  });

  it('SENSORIUM_HOME pointing elsewhere is a clear error', () => {
    const run = spawnSync(join(scripts, 'fusion'), ['--describe'], { encoding: 'utf8', env: { ...process.env, SENSORIUM_HOME: tmpdir() } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('does not hold packages/cli/bin/sensorium.js');
  });

  it('CMake installs the launchers into lib/sensorium_bringup and the launch files and params into share (ament_cmake stand-in)', () => {
    const work = mkdtempSync(join(tmpdir(), 'sensorium-bringup-'));
    const prefix = join(work, 'install');
    const cmake = (args: string[]): void => {
      const r = spawnSync('cmake', args, { encoding: 'utf8', cwd: work });
      expect(r.status, `cmake ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    };
    cmake(['-S', join(ros, 'sensorium_bringup'), '-B', join(work, 'build'), `-Dament_cmake_DIR=${join(import.meta.dirname, 'cmake-stubs')}`, `-DCMAKE_INSTALL_PREFIX=${prefix}`]);
    cmake(['--install', join(work, 'build')]);
    for (const exec of registry.execs()) expect(existsSync(join(prefix, 'lib/sensorium_bringup', exec)), exec).toBe(true);
    for (const file of ['sim.launch.py', 'sim.launch.xml', 'sim.launch.yaml', 'robot.launch.py', 'robot.launch.xml', 'robot.launch.yaml', 'stack.launch.yaml', 'params/fusion.yaml', 'params/policy.yaml']) {
      expect(existsSync(join(prefix, 'share/sensorium_bringup/launch', file)), file).toBe(true);
    }
    expect(readFileSync(join(prefix, 'share/sensorium_bringup/sensorium_home'), 'utf8').trim()).toBe(repo);
    // The installed launcher is outside the repository: it finds it through share/sensorium_bringup/sensorium_home.
    const out = execFileSync(join(prefix, 'lib/sensorium_bringup/lidar_processor'), ['--describe', '--json', '--ros-args', '--params-file', join(prefix, 'share/sensorium_bringup/launch/params/lidar_processor.yaml')], {
      encoding: 'utf8',
      env: { ...process.env, SENSORIUM_HOME: '' },
    });
    expect((JSON.parse(out) as { node: string }[])[0]!.node).toBe('/lidar_processor');
  });
});
