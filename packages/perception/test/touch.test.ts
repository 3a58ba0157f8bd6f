import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTactileCsv } from '@sensorium/core';
import { describe, expect, it } from 'vitest';
import { TouchProcessor } from '../src/index.js';

const REAL = path.resolve(import.meta.dirname, '../../..', '../shared/data/real');

describe('TouchProcessor', () => {
  it('finds the contact onset of the uSense excerpt (channel 1 leaves its baseline near row 35)', () => {
    const csv = readTactileCsv(fs.readFileSync(path.join(REAL, 'tactile/usense_texture003_excerpt.csv')), { file: 'usense', rateHz: 338, taxelColumns: 9 });
    const touch = new TouchProcessor();
    const bumps: number[] = [];
    const contactRows: number[] = [];
    for (let r = 0; r < csv.samples; r++) {
      const res = touch.process(csv.pressures.subarray(r * csv.taxels, (r + 1) * csv.taxels), new Float32Array(0), 1 / 338);
      if (res.bump) bumps.push(r);
      if (res.taxels.includes(0)) contactRows.push(r);
    }
    expect(bumps[0]).toBeGreaterThanOrEqual(33);
    expect(bumps[0]).toBeLessThanOrEqual(40);
    // once pressed, channel 1 stays in contact to the end
    expect(contactRows.at(-1)).toBe(csv.samples - 1);
    expect(contactRows.length).toBeGreaterThan(30);
  });

  it('computes the pressure-weighted centroid, bearing and bump in the same tick', () => {
    const touch = new TouchProcessor({ baselineTauSec: 0 });
    const positions = new Float32Array([0.2, 0, 0, 0, 0.2, 0, -0.2, 0, 0, 0, -0.2, 0]);
    expect(touch.process(new Float32Array(4), positions, 0.02).bump).toBe(false);
    const res = touch.process(new Float32Array([3, 1, 0, 0]), positions, 0.02);
    expect(res.bump).toBe(true);
    expect(Array.from(res.taxels)).toEqual([0, 1]);
    expect(res.totalPressure).toBeCloseTo(4);
    expect(res.centroid[0]).toBeCloseTo(0.15);
    expect(res.centroid[1]).toBeCloseTo(0.05);
    expect(res.bearing).toBeCloseTo(Math.atan2(0.05, 0.15));
    expect(res.token.length).toBe(16);
    expect(res.token[0]).toBe(1);
    // steady contact is not a new bump
    expect(touch.process(new Float32Array([3, 1, 0, 0]), positions, 0.02).bump).toBe(false);
  });

  it('ignores NaN taxels and handles an empty skin', () => {
    const touch = new TouchProcessor({ baselineTauSec: 0 });
    const res = touch.process(new Float32Array([NaN, 5]), new Float32Array([1, 0, 0, 0, 1, 0]), 0.02);
    expect(Array.from(res.taxels)).toEqual([1]);
    const empty = touch.process(new Float32Array(0), new Float32Array(0), 0.02);
    expect(empty.taxels.length).toBe(0);
    expect(Number.isNaN(empty.bearing)).toBe(true);
  });
});
