import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '../../errors/ValidationError.js';
import { readPointCloud2 } from '../../pointcloud/PointCloud2Reader.js';
import { readTactileCsv } from '../csv/readTactileCsv.js';
import { McapSource, type McapReadable } from '../mcap/McapSource.js';
import { readPcd } from '../pcd/readPcd.js';
import { readWav } from '../wav/readWav.js';
import type { FileReport, McapReport, PcdReport, TactileCsvReport, WavReport } from './FileReport.js';

export interface InspectOptions {
  /** Tactile CSVs store no time: their sampling rate, when known. */
  tactileRateHz?: number;
  /** Tactile CSVs: how many leading columns are taxels (default: all). */
  taxelColumns?: number;
}

/**
 * Summarises a recording by its extension: .mcap (topics, types, counts, rates, duration), .pcd (fields,
 * points, bounds), .wav (format, channels, rate, duration), .csv (tactile: taxels, frames, rate).
 * Corrupt files throw the reader's DecodeError (naming the file and offset); unknown extensions a ValidationError.
 */
export async function inspectFile(file: string, options: InspectOptions = {}): Promise<FileReport> {
  const extension = path.extname(file).toLowerCase();
  switch (extension) {
    case '.mcap':
      return inspectMcap(file);
    case '.pcd':
      return inspectPcd(file, await readFile(file));
    case '.wav':
      return inspectWav(file, await readFile(file));
    case '.csv':
      return inspectTactileCsv(file, await readFile(file), options);
    default:
      throw new ValidationError(`cannot inspect ${extension || 'extension-less'} files`, {
        context: { file, field: 'extension', expected: '.mcap | .pcd | .wav | .csv', actual: extension },
      });
  }
}

async function inspectMcap(file: string): Promise<McapReport> {
  const handle = await open(file, 'r');
  try {
    const readable: McapReadable = {
      size: async () => BigInt((await handle.stat()).size),
      read: async (offset, size) => {
        const buffer = new Uint8Array(Number(size));
        await handle.read(buffer, 0, buffer.length, Number(offset));
        return buffer;
      },
    };
    const source = await McapSource.open(readable, { file });
    const { summary } = source;
    // Per-topic spans need each message's log time; only times are read (no message is decoded).
    const spans = new Map<number, { first: bigint; last: bigint }>();
    for await (const message of source.messages()) {
      const span = spans.get(message.channel.id);
      if (span === undefined) spans.set(message.channel.id, { first: message.logTime, last: message.logTime });
      else span.last = message.logTime;
    }
    const topics = summary.channels.map((channel) => {
      const count = summary.messageCounts.get(channel.id) ?? 0;
      const span = spans.get(channel.id);
      const seconds = span === undefined ? 0 : Number(span.last - span.first) / 1e9;
      return { topic: channel.topic, type: channel.type, count, rateHz: count > 1 && seconds > 0 ? (count - 1) / seconds : 0 };
    });
    topics.sort((a, b) => a.topic.localeCompare(b.topic));
    return {
      kind: 'mcap',
      file,
      profile: summary.profile,
      compression: [...summary.compression],
      messageCount: summary.messageCount,
      durationSec: Number(summary.endTime - summary.startTime) / 1e9,
      startSec: Number(summary.startTime) / 1e9,
      topics,
    };
  } finally {
    await handle.close();
  }
}

function inspectPcd(file: string, bytes: Uint8Array): PcdReport {
  const { header, cloud } = readPcd(bytes, { file });
  const fields = header.fields
    .map((name, i) => ({ name, type: header.type[i] ?? '?', size: header.size[i] ?? 0, count: header.count[i] ?? 1 }))
    .filter((f) => f.name !== '_');
  const reader = readPointCloud2(cloud, { file });
  let finitePoints = 0;
  let bounds: PcdReport['bounds'];
  if (reader.hasField('x') && reader.hasField('y') && reader.hasField('z')) {
    const [x, y, z] = [reader.field('x'), reader.field('y'), reader.field('z')];
    const min: [number, number, number] = [Infinity, Infinity, Infinity];
    const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
    const n = cloud.width * cloud.height;
    for (let i = 0; i < n; i++) {
      const px = x.get(i);
      const py = y.get(i);
      const pz = z.get(i);
      if (!Number.isFinite(px) || !Number.isFinite(py) || !Number.isFinite(pz)) continue;
      finitePoints += 1;
      if (px < min[0]) min[0] = px;
      if (py < min[1]) min[1] = py;
      if (pz < min[2]) min[2] = pz;
      if (px > max[0]) max[0] = px;
      if (py > max[1]) max[1] = py;
      if (pz > max[2]) max[2] = pz;
    }
    if (finitePoints > 0) bounds = { min, max };
  }
  return { kind: 'pcd', file, data: header.data, width: header.width, height: header.height, points: header.points, fields, finitePoints, bounds };
}

function inspectWav(file: string, bytes: Uint8Array): WavReport {
  const wav = readWav(bytes, { file });
  return {
    kind: 'wav',
    file,
    format: wav.format.sampleFormat,
    channels: wav.format.channels,
    sampleRate: wav.format.sampleRate,
    bitsPerSample: wav.format.bitsPerSample,
    frames: wav.frameCount,
    durationSec: wav.durationSec,
  };
}

function inspectTactileCsv(file: string, bytes: Uint8Array, options: InspectOptions): TactileCsvReport {
  // The reader needs a rate for its timestamps; with none given, 1 Hz stands in and no rate is reported.
  const rateHz = options.tactileRateHz;
  const csv = readTactileCsv(bytes, { file, rateHz: rateHz ?? 1, ...(options.taxelColumns === undefined ? {} : { taxelColumns: options.taxelColumns }) });
  return {
    kind: 'tactile-csv',
    file,
    frames: csv.samples,
    columns: csv.columns,
    taxels: csv.taxels,
    rateHz,
    durationSec: rateHz === undefined ? undefined : csv.samples / rateHz,
  };
}
