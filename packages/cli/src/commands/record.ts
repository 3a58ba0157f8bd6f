import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  FileWritable,
  McapRecorder,
  SystemClock,
  coreMessageSerializer,
  loadLaunchFile,
  recordTransport,
  runGraph,
  type Clock,
  type Graph,
  type NodeRegistry,
  type Transport,
} from '@sensorium/core';
import type { CliCommand, CliIo } from '../CliCommand.js';
import { numberOption, topicListOption } from '../numberOption.js';
import { openTransport } from '../openTransport.js';
import { createNodeRegistry } from '../nodeRegistry.js';

const USAGE = `Usage: sensorium record --out FILE.mcap [--topics a,b] [--duration S] [--graph LAUNCH]

Records topics into a rosbag2-compatible MCAP (profile ros2, ros2msg schemas, cdr, zstd chunks).
  --out FILE.mcap    output file
  --topics a,b       only these topics (default: every topic that is published)
  --duration S       stop after S seconds (default: until Ctrl-C)
  --graph LAUNCH     run this launch file in this process (LocalTransport) and record what it publishes;
                     without it, records from ROS 2 (rclnodejs; ROS must be sourced)

Example:
  sensorium record --graph launch/sim.launch.yaml --out run.mcap --duration 10`;

/** Injection points for tests: a transport instead of ROS/local, a clock, and a stop signal instead of Ctrl-C. */
export interface RecordCommandHooks {
  transport?: Transport;
  clock?: Clock;
  signal?: AbortSignal;
  registry?: NodeRegistry;
}

interface RecordArgs {
  out: string;
  topics: string[] | undefined;
  duration: number | undefined;
  graph: string | undefined;
}

function parse(args: readonly string[]): RecordArgs {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { out: { type: 'string' }, topics: { type: 'string' }, duration: { type: 'string' }, graph: { type: 'string' } },
  });
  if (positionals.length > 0) throw new ConfigError('unexpected argument', { context: { field: 'args', actual: positionals.join(' ') } });
  if (values.out === undefined || !values.out.endsWith('.mcap')) {
    throw new ConfigError('--out FILE.mcap is required', { context: { field: '--out', expected: 'a path ending in .mcap', actual: values.out ?? 'none' } });
  }
  const duration = numberOption(values.duration, { field: '--duration', expected: 'seconds ≥ 0', min: 0 });
  const topics = topicListOption(values.topics);
  return { out: values.out, topics, duration, graph: values.graph };
}

export async function runRecord(args: readonly string[], io: CliIo, hooks: RecordCommandHooks = {}): Promise<number> {
  let parsed: RecordArgs;
  try {
    parsed = parse(args);
  } catch (error) {
    io.stderr(`sensorium record: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const clock = hooks.clock ?? new SystemClock();
  const transport =
    hooks.transport ??
    (await openTransport(io, {
      kind: parsed.graph !== undefined ? 'local' : 'ros2',
      nodeName: 'sensorium_record',
      command: 'sensorium record',
      withoutRos: '(or record a graph in this process: --graph LAUNCH)',
    }));
  if (transport === undefined) return 1;
  const out = resolve(io.cwd, parsed.out);
  const writable = await FileWritable.create(out);
  let graph: Graph | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let errors = 0;
  try {
    const recorder = await McapRecorder.create({ writable, serializer: coreMessageSerializer() });
    const recording = recordTransport(transport, recorder, {
      clock,
      ...(parsed.topics === undefined ? {} : { topics: parsed.topics }),
      onTopic: (topic, type) => io.stderr(`recording ${topic} (${type})\n`),
      onError: (error, topic) => {
        // Reported once per 100 so a broken topic cannot flood the terminal; the rest keeps recording.
        if (errors++ % 100 === 0) io.stderr(`sensorium record: ${topic}: ${(error as Error).message}\n`);
      },
    });
    if (parsed.graph !== undefined) {
      const description = loadLaunchFile(resolve(io.cwd, parsed.graph));
      graph = await runGraph(description, { registry: hooks.registry ?? createNodeRegistry(), transport, clock, resourceRoot: description.repoRoot ?? io.cwd });
      for (const failure of graph.failures) io.stderr(`sensorium record: ${failure.node} failed to ${failure.transition}\n`);
    }
    const started = Date.now();
    await new Promise<void>((done) => {
      if (hooks.signal?.aborted === true || parsed.duration === 0) return done();
      hooks.signal?.addEventListener('abort', () => done(), { once: true });
      if (hooks.signal === undefined) process.once('SIGINT', () => done());
      if (parsed.duration !== undefined) setTimeout(done, parsed.duration * 1000).unref();
      timer = setInterval(() => {
        const s = recorder.stats();
        io.stderr(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${s.messages} messages, ${recording.topics().length} topics, ${(Number(s.bytes) / 1e6).toFixed(1)} MB\n`);
      }, 1000);
    });
    recording.stop();
    if (graph !== undefined) await graph.shutdown();
    const stats = await recorder.close();
    io.stdout(`${out}: ${stats.messages} messages on ${stats.channels} topics, ${stats.dropped} dropped, ${(Number(stats.bytes) / 1e6).toFixed(2)} MB\n`);
    return 0;
  } finally {
    if (timer !== undefined) clearInterval(timer);
    await writable.close();
    if (hooks.transport === undefined) await transport.close();
  }
}

export const command: CliCommand = {
  name: 'record',
  summary: 'record topics (of ROS 2, or of a launch file run in-process) into rosbag2-compatible MCAP',
  usage: USAGE,
  run: (args, io) => runRecord(args, io),
};
