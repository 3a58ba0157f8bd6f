import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, SensoriumError } from '@sensorium/core';
import { formatPerceiveReport, perceiveFile } from '@sensorium/perception';
import type { PerceiveOptions } from '@sensorium/perception';
import type { CliCommand } from '../CliCommand.js';
import { numberOption } from '../numberOption.js';

const USAGE = `Usage: sensorium perceive FILE [--json] [--rate HZ] [--taxels N]

Runs the perception pipeline that matches a recording, offline:
  .pcd    ground plane, obstacle clusters, nearest obstacle
  .wav    onset events with times (and bearings for a 4-channel array)
  .csv    tactile samples (--rate HZ required; --taxels N leading columns) → contacts and bumps
  .mcap   every PointCloud2, AudioDataStamped and TactileArray message through the live nodes

  --json      the report as JSON on stdout

Example:
  sensorium perceive ../shared/data/real/pcd/scan.pcd --json`;

export const command: CliCommand = {
  name: 'perceive',
  summary: 'run perception on a recording (.pcd, .wav, tactile .csv, .mcap) and report what it found',
  usage: USAGE,
  async run(args, io) {
    let file: string;
    let json: boolean;
    const options: PerceiveOptions = {};
    try {
      const { values, positionals } = parseArgs({
        args: [...args],
        allowPositionals: true,
        options: { json: { type: 'boolean', default: false }, rate: { type: 'string' }, taxels: { type: 'string' } },
      });
      if (positionals.length !== 1) throw new ConfigError('name exactly one file', { context: { field: 'FILE', actual: positionals.join(' ') || 'none' } });
      file = positionals[0] as string;
      json = values.json;
      const rate = numberOption(values.rate, { field: '--rate', expected: 'a positive number', above: 0 });
      const taxels = numberOption(values.taxels, { field: '--taxels', expected: 'a positive integer', integer: true, min: 1 });
      if (rate !== undefined) options.rateHz = rate;
      if (taxels !== undefined) options.taxelColumns = taxels;
    } catch (error) {
      io.stderr(`sensorium perceive: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    let bytes: Uint8Array;
    try {
      bytes = await readFile(resolve(io.cwd, file));
    } catch (cause) {
      throw new SensoriumError('cannot read file', { context: { file, actual: (cause as Error).message }, cause });
    }
    io.stderr(`perceiving ${basename(file)} (${(bytes.byteLength / 1e6).toFixed(1)} MB)…\n`);
    const report = await perceiveFile({ name: file, bytes }, options);
    io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatPerceiveReport(report)}\n`);
    return 0;
  },
};
