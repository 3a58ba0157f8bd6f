import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ParameterError,
  bool,
  double,
  doubleArray,
  integer,
  loadParamsFile,
  nodePatternMatches,
  paramsForNode,
  string,
  stringArray,
  validateParams,
} from '../src/index.js';

const specs = {
  voxel_size: double(0.1, { min: 0.01, max: 2, description: 'voxel edge, m' }),
  min_points: integer(5, { min: 1, max: 100_000, description: 'smallest cluster' }),
  enabled: bool(true, { description: 'on' }),
  mode: string('fast', { choices: ['fast', 'exact'], description: 'mode' }),
  box: doubleArray([0, 0, 0], { length: 3, description: 'crop box' }),
  frames: stringArray([], { description: 'frames' }),
};

function errorOf(f: () => unknown): ParameterError {
  try {
    f();
  } catch (e) {
    if (e instanceof ParameterError) return e;
    throw e;
  }
  throw new Error('expected a ParameterError');
}

describe('validateParams', () => {
  it('starts from defaults and applies layers in order', () => {
    const values = validateParams(specs, [{ values: { voxel_size: 0.2 } }, { values: { voxel_size: 0.3, mode: 'exact' } }], {
      node: '/n',
    });
    expect(values).toEqual({ voxel_size: 0.3, min_points: 5, enabled: true, mode: 'exact', box: [0, 0, 0], frames: [] });
  });

  it.each([
    ['integer for a double', { voxel_size: 1 }, { voxel_size: 1 }],
    ['BigInt for an integer', { min_points: 7n }, { min_points: 7 }],
    ['BigInt elements in a double array', { box: [1n, 2, 3.5] }, { box: [1, 2, 3.5] }],
    ['Float64Array for a double array', { box: new Float64Array([1, 2, 3]) }, { box: [1, 2, 3] }],
    ['use_sim_time (well known)', { use_sim_time: true }, {}],
  ])('accepts %s', (_name, values, expected) => {
    expect(validateParams(specs, [{ values }], { node: '/n' })).toMatchObject(expected);
  });

  it.each([
    ['above max', { voxel_size: 5 }, '0.01 ≤ value ≤ 2'],
    ['below min', { min_points: 0 }, '1 ≤ value ≤ 100000'],
    ['a fraction for an integer', { min_points: 2.5 }, 'an integer'],
    ['a string for a number', { voxel_size: '0.1' }, 'a number'],
    ['not a choice', { mode: 'slow' }, 'one of fast | exact'],
    ['wrong array length', { box: [1, 2] }, 'length 3'],
    ['a number in a string array', { frames: ['a', 1] }, 'an array of strings'],
    ['a string for a bool', { enabled: 'yes' }, 'true or false'],
  ])('rejects %s naming node, parameter, file and the allowed range', (_name, values, expected) => {
    const error = errorOf(() => validateParams(specs, [{ values, file: 'params/x.yaml' }], { node: '/perception/lidar' }));
    expect(error.context.node).toBe('/perception/lidar');
    expect(error.context.parameter).toBe(Object.keys(values)[0]);
    expect(error.context.file).toBe('params/x.yaml');
    expect(error.context.expected).toContain(expected);
    expect(error.message).toContain('params/x.yaml');
  });

  it('rejects an unknown parameter listing the known ones', () => {
    const error = errorOf(() => validateParams(specs, [{ values: { voxel: 1 } }], { node: '/n' }));
    expect(error.message).toContain("'voxel'");
    expect(error.context.expected).toContain('voxel_size');
  });
});

const PARAMS = `
/**:
  ros__parameters:
    use_sim_time: true
    common: 1
/perception/lidar_processor:
  ros__parameters:
    voxel_size: 0.2
    crop:
      box: [1.0, 2.0, 3.0]
      enabled: false
lidar_processor:
  ros__parameters:
    voxel_size: 0.5
/*/camera:
  ros__parameters:
    fps: 10
perception:
  audio:
    ros__parameters:
      rate: 16000
/perception/lidar_processor_late:
  ros__parameters: {}
`;

describe('loadParamsFile', () => {
  const file = loadParamsFile({ text: PARAMS, file: 'params/test.yaml' });

  it('reads node entries, prefixing / and flattening nested keys with .', () => {
    expect(file.entries.map((e) => e.node)).toEqual([
      '/**',
      '/perception/lidar_processor',
      '/lidar_processor',
      '/*/camera',
      '/perception/audio',
      '/perception/lidar_processor_late',
    ]);
    expect(file.entries[1]?.params).toEqual({ voxel_size: 0.2, 'crop.box': [1, 2, 3], 'crop.enabled': false });
  });

  it('matches nodes as rclcpp does: /** everywhere, bare names only in the root namespace', () => {
    expect(paramsForNode(file, '/perception/lidar_processor')).toEqual({
      use_sim_time: true,
      common: 1,
      voxel_size: 0.2,
      'crop.box': [1, 2, 3],
      'crop.enabled': false,
    });
    expect(paramsForNode(file, '/lidar_processor')).toMatchObject({ voxel_size: 0.5, common: 1 });
    expect(paramsForNode(file, '/robot/camera')).toMatchObject({ fps: 10 });
    expect(paramsForNode(file, '/a/b/camera')).not.toHaveProperty('fps');
    expect(paramsForNode(file, '/perception/audio')).toMatchObject({ rate: 16000 });
  });

  it.each([
    ['/**', '/a', true],
    ['/**', '/a/b/c', true],
    ['/*', '/a', true],
    ['/*', '/a/b', false],
    ['/**/node', '/x/y/node', true],
    ['/**/node', '/node', true],
    ['/ns/*', '/ns/n', true],
    ['/ns/node', '/ns/node', true],
    ['/ns/node', '/ns/nod', false],
  ])('pattern %s vs %s → %s', (pattern, fqn, expected) => {
    expect(nodePatternMatches(pattern, fqn)).toBe(expected);
  });

  it.each([
    ['invalid YAML', 'a: [1, 2', /not valid YAML/],
    ['parameters without a node', 'ros__parameters:\n  a: 1\n', /under a node name/],
    ['a scalar node entry', 'node: 3\n', /ros__parameters/],
    ['mixed-type array', 'n:\n  ros__parameters:\n    a: [1, "x"]\n', /one type/],
  ])('rejects %s with a ConfigError naming the file', (_name, text, message) => {
    let error: unknown;
    try {
      loadParamsFile({ text, file: 'bad.yaml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as ConfigError).context.file).toBe('bad.yaml');
  });

  it('names the YAML path of a bad value', () => {
    try {
      loadParamsFile({ text: 'n:\n  ros__parameters:\n    group:\n      a: [1, "x"]\n', file: 'bad.yaml' });
    } catch (e) {
      expect((e as ConfigError).context.field).toBe('n.ros__parameters.group.a');
    }
    expect.assertions(1);
  });

  it('reads a file from disk and reports a missing one', () => {
    expect(() => loadParamsFile('/nonexistent/params.yaml')).toThrow(ConfigError);
  });
});
