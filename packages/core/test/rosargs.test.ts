import { describe, expect, it } from 'vitest';
import { ConfigError, parseRosArgs } from '../src/index.js';

describe('parseRosArgs', () => {
  it.each<[string, string[], Record<string, unknown>]>([
    ['remap', ['--ros-args', '-r', 'chatter:=talk'], { remaps: [{ from: 'chatter', to: 'talk' }] }],
    ['long remap', ['--ros-args', '--remap', 'a:=/b'], { remaps: [{ from: 'a', to: '/b' }] }],
    ['node-specific remap', ['--ros-args', '-r', 'talker:chatter:=talk'], { remaps: [{ node: 'talker', from: 'chatter', to: 'talk' }] }],
    ['node rename', ['--ros-args', '-r', '__node:=x'], { remaps: [{ from: '__node', to: 'x' }] }],
    ['namespace', ['--ros-args', '-r', '__ns:=/y'], { remaps: [{ from: '__ns', to: '/y' }] }],
    ['node-specific namespace', ['--ros-args', '-r', 'n:__ns:=/y'], { remaps: [{ node: 'n', from: '__ns', to: '/y' }] }],
    ['integer param', ['--ros-args', '-p', 'n:=5'], { params: [{ name: 'n', value: 5 }] }],
    ['double param', ['--ros-args', '-p', 'v:=0.25'], { params: [{ name: 'v', value: 0.25 }] }],
    ['bool param', ['--ros-args', '-p', 'b:=true'], { params: [{ name: 'b', value: true }] }],
    ['string param', ['--ros-args', '-p', 's:=hello world'], { params: [{ name: 's', value: 'hello world' }] }],
    ['quoted number stays a string', ['--ros-args', '-p', 's:="5"'], { params: [{ name: 's', value: '5' }] }],
    ['array param', ['--ros-args', '-p', 'a:=[1.0, 2.5]'], { params: [{ name: 'a', value: [1, 2.5] }] }],
    ['empty string param', ['--ros-args', '-p', 's:='], { params: [{ name: 's', value: '' }] }],
    ['node-specific param', ['--ros-args', '-p', 'cam:fps:=30'], { params: [{ node: 'cam', name: 'fps', value: 30 }] }],
    ['params file', ['--ros-args', '--params-file', 'p.yaml'], { paramsFiles: ['p.yaml'] }],
    ['enclave', ['--ros-args', '-e', '/secure'], { enclave: '/secure' }],
    ['log level', ['--ros-args', '--log-level', 'DEBUG'], { logLevels: [{ level: 'debug' }] }],
    ['logger log level', ['--ros-args', '--log-level', 'rcl:=warn'], { logLevels: [{ logger: 'rcl', level: 'warn' }] }],
    ['log flags', ['--ros-args', '--disable-rosout-logs'], { logFlags: { rosout: false, stdout: undefined, 'external-lib': undefined } }],
    ['program args around sections', ['run', '--ros-args', '-r', 'a:=b', '--', 'x.yaml', '--ros-args', '-p', 'n:=1'], {
      args: ['run', 'x.yaml'],
      remaps: [{ from: 'a', to: 'b' }],
      params: [{ name: 'n', value: 1 }],
    }],
    ['no ROS args', ['--verbose', '-r'], { args: ['--verbose', '-r'], remaps: [] }],
  ])('%s', (_name, argv, expected) => {
    expect(parseRosArgs(argv)).toMatchObject(expected);
  });

  it.each([
    ['unknown flag', ['--ros-args', '--bogus']],
    ['missing value', ['--ros-args', '-r']],
    ['value cut by --', ['--ros-args', '-p', '--']],
    ['rule without :=', ['--ros-args', '-r', 'a=b']],
    ['empty remap target', ['--ros-args', '-r', 'a:=']],
    ['empty node prefix', ['--ros-args', '-r', ':a:=b']],
  ])('rejects %s with a ConfigError', (_name, argv) => {
    expect(() => parseRosArgs(argv)).toThrow(ConfigError);
  });
});
