import { DecodeError } from '../../errors/DecodeError.js';

export interface ReadTactileCsvOptions {
  /** File name for error messages. */
  file?: string;
  /** Sampling rate; timestamps are startSec + row / rateHz. Required unless `timeColumn` is given. */
  rateHz?: number;
  /** Seconds of the first row. Default 0. */
  startSec?: number;
  /**
   * Which columns are taxels: a count of leading columns, or explicit 0-based indices. Default: all
   * columns except the last `trailingColumns`.
   */
  taxelColumns?: number | readonly number[];
  /** With the default `taxelColumns`: how many trailing columns are not taxels. Default 0. */
  trailingColumns?: number;
  /** 0-based column holding each row's time in seconds; overrides `rateHz` for the timestamps. */
  timeColumn?: number;
  /** Field separator. Default ','. */
  delimiter?: string;
}

export interface TactileCsv {
  /** Rows (samples). */
  samples: number;
  taxels: number;
  columns: number;
  /** Which input columns the taxels came from. */
  taxelColumns: number[];
  /** samples × taxels, row-major: pressures of sample i are pressures.subarray(i × taxels, (i + 1) × taxels). */
  pressures: Float32Array;
  /** Seconds, one per sample. */
  timestamps: Float64Array;
}

const utf8 = new TextDecoder('utf-8');

/**
 * Reads a tactile recording stored as CSV: one row per sample, no header, numeric columns, LF or CRLF.
 * Pure: takes the text (or bytes). Non-numeric or missing taxel values, ragged rows and an empty file
 * throw DecodeError naming the file, row, column and character offset.
 *
 * @example
 * // uSense fingertip: 9 taxel columns then 2 others, sampled at 338 Hz.
 * const csv = readTactileCsv(text, { file, rateHz: 338, taxelColumns: 9 });
 * const firstSample = csv.pressures.subarray(0, csv.taxels);
 */
export function readTactileCsv(text: string | Uint8Array, options: ReadTactileCsvOptions): TactileCsv {
  const file = options.file;
  const fail = (message: string, field: string, offset: number, expected: string, actual?: string): never => {
    throw new DecodeError(message, {
      context: { ...(file === undefined ? {} : { file }), field, offset, expected, ...(actual === undefined ? {} : { actual: actual.slice(0, 40) }) },
    });
  };
  const source = typeof text === 'string' ? text : utf8.decode(text);
  const delimiter = options.delimiter ?? ',';
  if (options.timeColumn === undefined && !(options.rateHz !== undefined && options.rateHz > 0 && Number.isFinite(options.rateHz))) {
    throw new RangeError(`readTactileCsv: rateHz must be a positive number (or give timeColumn), got ${options.rateHz}`);
  }

  // Rows with their character offsets, blank lines skipped.
  const rows: string[][] = [];
  const rowOffsets: number[] = [];
  let pos = 0;
  while (pos <= source.length) {
    let end = source.indexOf('\n', pos);
    if (end < 0) end = source.length;
    const line = source.slice(pos, end).replace(/\r$/, '');
    if (line.trim() !== '') {
      rows.push(line.split(delimiter));
      rowOffsets.push(pos);
    }
    pos = end + 1;
  }
  if (rows.length === 0) fail('tactile CSV has no rows', 'row 1', 0, 'at least one row of numbers');
  const columns = (rows[0] as string[]).length;

  let taxelColumns: number[];
  if (Array.isArray(options.taxelColumns)) {
    taxelColumns = [...(options.taxelColumns as readonly number[])];
  } else {
    const count = (options.taxelColumns as number | undefined) ?? columns - (options.trailingColumns ?? 0);
    taxelColumns = Array.from({ length: Math.max(0, count) }, (_, k) => k);
  }
  if (taxelColumns.length === 0 || taxelColumns.some((c) => !Number.isInteger(c) || c < 0 || c >= columns)) {
    fail('tactile CSV has fewer columns than the taxel columns asked for', 'row 1', 0, `taxel columns ${taxelColumns.join(',') || '(none)'} within ${columns} columns`, String(columns));
  }
  const timeColumn = options.timeColumn;
  if (timeColumn !== undefined && (!Number.isInteger(timeColumn) || timeColumn < 0 || timeColumn >= columns)) {
    fail('tactile CSV time column is out of range', 'row 1', 0, `a column index < ${columns}`, String(timeColumn));
  }

  const taxels = taxelColumns.length;
  const pressures = new Float32Array(rows.length * taxels);
  const timestamps = new Float64Array(rows.length);
  const startSec = options.startSec ?? 0;
  const parse = (cells: string[], column: number, row: number): number => {
    const cell = (cells[column] as string).trim();
    const v = cell === '' ? NaN : Number(cell);
    if (!Number.isFinite(v)) fail(`tactile CSV value is not a number`, `row ${row + 1}, column ${column + 1}`, rowOffsets[row] as number, 'a finite number', cell);
    return v;
  };
  rows.forEach((cells, r) => {
    if (cells.length !== columns) {
      fail('tactile CSV rows have different numbers of columns', `row ${r + 1}`, rowOffsets[r] as number, `${columns} columns`, String(cells.length));
    }
    for (let k = 0; k < taxels; k++) pressures[r * taxels + k] = parse(cells, taxelColumns[k] as number, r);
    timestamps[r] = timeColumn === undefined ? startSec + r / (options.rateHz as number) : startSec + parse(cells, timeColumn, r);
  });
  return { samples: rows.length, taxels, columns, taxelColumns, pressures, timestamps };
}
