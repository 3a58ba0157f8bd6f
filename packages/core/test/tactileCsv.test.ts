import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecodeError, readTactileCsv, tactileCsvToMessages, toSec } from '@sensorium/core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const usensePath = path.resolve(repoRoot, '../shared/data/real/tactile/usense_texture003_excerpt.csv');

describe('readTactileCsv — real uSense excerpt', () => {
  const bytes = new Uint8Array(readFileSync(usensePath));
  const text = new TextDecoder().decode(bytes);

  it('72 rows × 9 taxels from 11 CRLF columns, timestamps at 338 Hz', () => {
    expect(text.includes('\r\n')).toBe(true);
    const csv = readTactileCsv(text, { file: 'usense.csv', rateHz: 338, taxelColumns: 9 });
    expect(csv).toMatchObject({ samples: 72, taxels: 9, columns: 11, taxelColumns: [0, 1, 2, 3, 4, 5, 6, 7, 8] });
    expect(csv.pressures).toHaveLength(72 * 9);
    expect(csv.pressures[0]).toBeCloseTo(0.037138148860203224, 6);
    expect(csv.pressures[9 * 71 + 8]).toBeCloseTo(Number(text.trim().split('\r\n')[71]!.split(',')[8]), 6);
    expect(csv.timestamps[71]).toBeCloseTo(71 / 338, 12);
    // Contact onset on channel 1: from ~0.04 at rest to ~1.8 by the end of the excerpt.
    const channel1 = Array.from({ length: 72 }, (_, i) => csv.pressures[i * 9]!);
    expect(Math.max(...channel1.slice(0, 10))).toBeLessThan(0.1);
    expect(channel1[71]).toBeGreaterThan(1.5);
  });

  it('the same from bytes, with trailingColumns instead of taxelColumns', () => {
    const a = readTactileCsv(bytes, { rateHz: 338, trailingColumns: 2 });
    const b = readTactileCsv(text, { rateHz: 338, taxelColumns: 9 });
    expect(a.pressures).toEqual(b.pressures);
  });

  it('timeColumn: timestamps taken from a column (column 11 never decreases)', () => {
    const csv = readTactileCsv(text, { rateHz: 338, taxelColumns: 9, timeColumn: 10, startSec: 2 });
    const rows = text.trim().split('\r\n');
    rows.forEach((row, i) => expect(csv.timestamps[i]).toBeCloseTo(2 + Number(row.split(',')[10]), 12));
    for (let i = 1; i < 72; i++) expect(csv.timestamps[i]!).toBeGreaterThanOrEqual(csv.timestamps[i - 1]!);
  });

  it('tactileCsvToMessages: one TactileArray per row, zero-copy pressures, stamped from startStamp', () => {
    const csv = readTactileCsv(text, { rateHz: 338, taxelColumns: 9 });
    const msgs = tactileCsvToMessages(csv, { startStamp: { sec: 10, nanosec: 999_000_000 } });
    expect(msgs).toHaveLength(72);
    expect(msgs[0]!.header).toEqual({ stamp: { sec: 10, nanosec: 999_000_000 }, frame_id: 'skin_link' });
    expect(toSec(msgs[71]!.header.stamp)).toBeCloseTo(10.999 + 71 / 338, 8);
    expect(msgs[71]!.header.stamp.nanosec).toBeLessThan(1e9);
    expect(msgs[5]!.pressures.buffer).toBe(csv.pressures.buffer);
    expect(Array.from(msgs[5]!.pressures)).toEqual(Array.from(csv.pressures.subarray(45, 54)));
    expect(msgs[0]!.positions).toHaveLength(27);
    expect(Array.from(msgs[0]!.normals.subarray(0, 3))).toEqual([0, 0, 1]);
  });
});

describe('readTactileCsv — corrupt input is a DecodeError with context', () => {
  it.each<[string, string, Record<string, unknown>]>([
    ['empty', '\r\n\r\n', { field: 'row 1' }],
    ['a word', '1,2,3\n4,x,6\n', { field: 'row 2, column 2', offset: 6 }],
    ['an empty cell', '1,2,3\r\n4,,6\r\n', { field: 'row 2, column 2', offset: 7 }],
    ['a ragged row', '1,2,3\n4,5\n', { field: 'row 2', offset: 6 }],
    ['a header row', 'a,b,c\n1,2,3\n', { field: 'row 1, column 1', offset: 0 }],
    ['Infinity', '1,2,Infinity\n', { field: 'row 1, column 3' }],
  ])('%s', (_name, text, context) => {
    let error: unknown;
    try {
      readTactileCsv(text, { file: 'bad.csv', rateHz: 100 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).context).toMatchObject({ file: 'bad.csv', ...context });
  });

  it('taxel columns beyond the file are a DecodeError, bad options a RangeError', () => {
    expect(() => readTactileCsv('1,2\n', { rateHz: 100, taxelColumns: 3 })).toThrow(DecodeError);
    expect(() => readTactileCsv('1,2\n', { rateHz: 0 })).toThrow(RangeError);
  });
});

describe('readTactileCsv — fuzz (fast-check, fixed seed)', () => {
  const seed = readFileSync(usensePath, 'utf8').split('\r\n').slice(0, 6).join('\r\n');
  const exercise = (text: string): void => {
    try {
      const csv = readTactileCsv(text, { file: 'fuzz.csv', rateHz: 338, taxelColumns: 9 });
      tactileCsvToMessages(csv);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
  };

  it('random text: only DecodeError', () => {
    const csvish = fc
      .array(fc.array(fc.oneof(fc.double().map(String), fc.constantFrom('', ' ', 'nan', '1e309', '-0', '\r')), { maxLength: 12 }), { maxLength: 8 })
      .map((rows) => rows.map((r) => r.join(',')).join(fc.sample(fc.constantFrom('\n', '\r\n'), { numRuns: 1, seed: rows.length })[0]!));
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), csvish), exercise), { seed: 5, numRuns: 5000 });
  });

  it('mutated real rows (truncation, character edits): only DecodeError', () => {
    const mutated = fc
      .tuple(fc.array(fc.tuple(fc.nat(), fc.constantFrom(',', '\n', '\r', 'x', '', '-', '.', 'e', ' ')), { maxLength: 5 }), fc.option(fc.nat()))
      .map(([edits, cut]) => {
        let text = seed;
        for (const [at, ch] of edits) {
          const k = at % (text.length + 1);
          text = text.slice(0, k) + ch + text.slice(k + 1);
        }
        return cut === null ? text : text.slice(0, cut % (text.length + 1));
      });
    fc.assert(fc.property(mutated, exercise), { seed: 6, numRuns: 6000 });
  });
});
