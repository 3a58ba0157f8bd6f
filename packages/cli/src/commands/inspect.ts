import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, formatFileReport, inspectFile, type FileReport, type InspectOptions } from '@sensorium/core';
import type { CliCommand } from '../CliCommand.js';
import { numberOption } from '../numberOption.js';

const USAGE = `Usage: sensorium inspect FILE... [--json] [--tactile-rate HZ] [--taxels N]

Summarises recordings:
  .mcap   topics, types, message counts, rates (Hz), duration
  .pcd    fields, point count, bounds
  .wav    sample format, channels, rate, duration
  .csv    tactile: taxels, frames (and duration with --tactile-rate; the file stores no time)

  --json             reports as a JSON array on stdout
  --tactile-rate HZ  sampling rate of tactile CSVs
  --taxels N         leading CSV columns that are taxels (default: all)

Example:
  sensorium inspect ../shared/data/real/mcap/ouster_os1-64_ros2.mcap --json`;

export const command: CliCommand = {
  name: 'inspect',
  summary: 'summarise recordings (.mcap topics/rates, .pcd fields/bounds, .wav format, tactile .csv)',
  usage: USAGE,
  async run(args, io) {
    let files: string[];
    let json: boolean;
    const options: InspectOptions = {};
    try {
      const { values, positionals } = parseArgs({
        args: [...args],
        allowPositionals: true,
        options: { json: { type: 'boolean', default: false }, 'tactile-rate': { type: 'string' }, taxels: { type: 'string' } },
      });
      if (positionals.length === 0) throw new ConfigError('name at least one file', { context: { field: 'FILE', actual: 'none' } });
      files = positionals;
      json = values.json;
      const rate = numberOption(values['tactile-rate'], { field: '--tactile-rate', expected: 'a positive number', above: 0 });
      const taxels = numberOption(values.taxels, { field: '--taxels', expected: 'a positive integer', integer: true, min: 1 });
      if (rate !== undefined) options.tactileRateHz = rate;
      if (taxels !== undefined) options.taxelColumns = taxels;
    } catch (error) {
      io.stderr(`sensorium inspect: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const reports: FileReport[] = [];
    let failed = 0;
    for (const file of files) {
      if (files.length > 1) io.stderr(`inspecting ${file}\n`);
      try {
        reports.push(await inspectFile(resolve(io.cwd, file), options));
      } catch (error) {
        // One unreadable file does not hide the others; the exit code says something failed.
        failed += 1;
        io.stderr(`sensorium inspect: ${(error as Error).message}\n`);
      }
    }
    if (json) io.stdout(`${JSON.stringify(reports, null, 2)}\n`);
    else io.stdout(`${reports.map(formatFileReport).join('\n\n')}\n`);
    return failed > 0 ? 1 : 0;
  },
};
