import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLaunchFile } from '@sensorium/core';
import { LAUNCH_SCHEMA, normalizeActions, pythonActions, schemaProblems, xmlActions, yamlActions } from './launchFormats.js';

const launchDir = resolve(import.meta.dirname, '../../launch');
const stackExists = existsSync(join(launchDir, 'stack.launch.yaml'));

describe.each(['sim', 'robot'])('launch/%s.launch.{yaml,py,xml}', (name) => {
  const yaml = join(launchDir, `${name}.launch.yaml`);
  const xml = join(launchDir, `${name}.launch.xml`);
  const py = join(launchDir, `${name}.launch.py`);

  it('the .py compiles (python3 -m py_compile)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'sensorium-pycache-'));
    expect(() => execFileSync('python3', ['-m', 'py_compile', py], { env: { ...process.env, PYTHONPYCACHEPREFIX: cache }, stdio: 'pipe' })).not.toThrow();
  });

  it('YAML and XML use only tags and attributes ros2 launch accepts', () => {
    expect(schemaProblems(yamlActions(yaml))).toEqual([]);
    expect(schemaProblems(xmlActions(xml))).toEqual([]);
  });

  it('the three formats describe the same arguments, nodes, params and remaps', () => {
    const reference = normalizeActions(yamlActions(yaml));
    expect(reference.length).toBeGreaterThan(3);
    expect(normalizeActions(xmlActions(xml))).toEqual(reference);
    expect(normalizeActions(pythonActions(py))).toEqual(reference);
  });

  it('includes the stack', () => {
    expect(yamlActions(yaml)).toContainEqual({ include: { file: '$(dirname)/stack.launch.yaml' } });
  });
});

describe('the format checks can fail', () => {
  it('an unknown tag or attribute, or a missing required attribute, is reported', () => {
    expect(schemaProblems([{ node: { pkg: 'p', exec: 'e', executable: 'e' } }])).toEqual(['launch[0].node.executable: unknown attribute of <node>']);
    expect(schemaProblems([{ node: { pkg: 'p' } }])).toEqual(['launch[0].node: missing exec']);
    expect(schemaProblems([{ spawn: { name: 'x' } }])).toEqual(['launch[0].spawn: <spawn> is not allowed in <launch>']);
    expect(schemaProblems([{ node: { pkg: 'p', exec: 'e', remap: [{ from: 'a' }] } }])).toEqual(['launch[0].node.remap[0]: missing to']);
    expect(Object.keys(LAUNCH_SCHEMA)).toContain('set_remap');
  });

  it('a difference between formats is seen (XML "false" equals YAML false, "1.0" does not equal 2)', () => {
    const a = normalizeActions([{ node: { pkg: 'p', exec: 'e', param: [{ name: 'x', value: 'false' }, { name: 'y', value: '1.0' }] } }]);
    expect(a).toEqual(normalizeActions([{ node: { pkg: 'p', exec: 'e', param: [{ name: 'x', value: false }, { name: 'y', value: 1 }] } }]));
    expect(a).not.toEqual(normalizeActions([{ node: { pkg: 'p', exec: 'e', param: [{ name: 'x', value: false }, { name: 'y', value: 2 }] } }]));
  });
});

describe.skipIf(!stackExists)('launch files load as one graph (needs launch/stack.launch.yaml)', () => {
  it('sim.launch.yaml: the simulator with its scenario and use_sim_time false, every stack node on sim time', () => {
    const graph = loadLaunchFile(join(launchDir, 'sim.launch.yaml'), { args: { scenario: 'sim/scenarios/open-field.yaml' } });
    const execs = graph.nodes.map((n) => n.exec);
    expect(execs[0]).toBe('simulator');
    for (const exec of ['lidar_processor', 'camera_encoder', 'audio_processor', 'touch_processor', 'fusion']) expect(execs).toContain(exec);
    const sim = graph.nodes[0]!;
    const simValues = Object.assign({}, ...sim.params.filter((p) => p.kind === 'values').map((p) => (p as { values: object }).values));
    expect(simValues).toMatchObject({ scenario: 'sim/scenarios/open-field.yaml', seed: -1, use_sim_time: false });
    for (const node of graph.nodes.slice(1)) {
      const values = Object.assign({}, ...node.params.filter((p) => p.kind === 'values').map((p) => (p as { values: object }).values));
      expect(values['use_sim_time'], node.exec).toBe(true);
    }
  });

  it('robot.launch.yaml: driver topics remapped onto every stack node, overridable by launch arguments', () => {
    const graph = loadLaunchFile(join(launchDir, 'robot.launch.yaml'), { args: { lidar_topic: '/velodyne_points' } });
    expect(graph.nodes.length).toBeGreaterThan(4);
    expect(graph.nodes.map((n) => n.exec)).not.toContain('simulator');
    for (const node of graph.nodes) {
      expect(node.remaps).toContainEqual({ from: 'lidar/points', to: '/velodyne_points' });
      expect(node.remaps).toContainEqual({ from: 'camera/image_raw', to: '/camera/color/image_raw' });
    }
  });
});
