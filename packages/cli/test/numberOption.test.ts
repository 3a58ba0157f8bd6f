import { ConfigError } from '@sensorium/core';
import { describe, expect, it } from 'vitest';
import { numberOption, topicListOption } from '../src/numberOption.js';

describe('numberOption', () => {
  const port = { field: '--port', expected: 'an integer 0–65535', integer: true, min: 0, max: 65535 };

  it('is undefined when the option is absent and the number when it fits the rule', () => {
    expect(numberOption(undefined, port)).toBeUndefined();
    expect(numberOption('0', port)).toBe(0);
    expect(numberOption('8080', port)).toBe(8080);
    expect(numberOption('0.5', { field: '--rate', expected: 'a number > 0', above: 0 })).toBe(0.5);
  });

  it.each(['', ' ', 'x', '1.5', '-1', '65536', 'NaN', 'Infinity'])('rejects %j for --port naming the option, expectation and value', (value) => {
    let error: unknown;
    try {
      numberOption(value, port);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).context).toMatchObject({ field: '--port', expected: 'an integer 0–65535', actual: value });
  });

  it('keeps an exclusive lower bound exclusive', () => {
    expect(() => numberOption('0', { field: '--rate', expected: 'a number > 0', above: 0 })).toThrow(ConfigError);
  });
});

describe('topicListOption', () => {
  it('splits, trims, drops empties and makes names absolute', () => {
    expect(topicListOption(undefined)).toBeUndefined();
    expect(topicListOption('lidar/points, /camera/image_raw,,')).toEqual(['/lidar/points', '/camera/image_raw']);
  });
});
