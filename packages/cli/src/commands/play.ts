import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  SystemClock,
  coreMessageDecoder,
  loadLaunchFile,
  openMcapFile,
  playRecording,
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

const USAGE = `Usage: sensorium play FILE.mcap [--rate R] [--loop] [--topics a,b] [--graph LAUNCH]

Publishes a recording's topics with their original timing (like ros2 bag play).
  --rate R        speed factor (default 1)
  --loop          start over at the end, until Ctrl-C
  --topics a,b    only these topics
  --graph LAUNCH  run this launch file in this process (LocalTransport), play into it and print its
                  diagnostics every second; without it, plays onto ROS 2 (rclnodejs; ROS must be sourced)

Example:
  sensorium play ../shared/data/real/mcap/ouster_os1-64_ros2.mcap --graph launch/stack.launch.yaml`;

/** Injection points for tests: transport, clock (a SimClock the test steps) and a stop signal. */
export interface PlayCommandHooks {
  transport?: Transport;
  clock?: Clock;
  signal?: AbortSignal;
  registry?: NodeRegistry;
}

export async function runPlay(args: readonly string[], io: CliIo, hooks: PlayCommandHooks = {}): Promise<number> {
  let file: string;
  let rate: number;
  let loop: boolean;
  let topics: string[] | undefined;
  let graphFile: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { rate: { type: 'string' }, loop: { type: 'boolean', default: false }, topics: { type: 'string' }, graph: { type: 'string' } },
    });
    if (positionals.length !== 1) throw new ConfigError('name exactly one .mcap file', { context: { field: 'FILE', actual: positionals.join(' ') || 'none' } });
    file = positionals[0] as string;
    rate = numberOption(values.rate, { field: '--rate', expected: 'a number > 0', above: 0 }) ?? 1;
    loop = values.loop;
    topics = topicListOption(values.topics);
    graphFile = values.graph;
  } catch (error) {
    io.stderr(`sensorium play: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { source, close } = await openMcapFile(resolve(io.cwd, file), { decoder: coreMessageDecoder() });
  const clock = hooks.clock ?? new SystemClock();
  const transport =
    hooks.transport ??
    (await openTransport(io, {
      kind: graphFile !== undefined ? 'local' : 'ros2',
      nodeName: 'sensorium_play',
      command: 'sensorium play',
      withoutRos: '(or play into a graph in this process: --graph LAUNCH)',
    }));
  if (transport === undefined) {
    await close();
    return 1;
  }
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  hooks.signal?.addEventListener('abort', onSigint, { once: true });
  if (hooks.signal === undefined) process.once('SIGINT', onSigint);
  let graph: Graph | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  try {
    if (graphFile !== undefined) {
      const description = loadLaunchFile(resolve(io.cwd, graphFile));
      graph = await runGraph(description, { registry: hooks.registry ?? createNodeRegistry(), transport, clock, resourceRoot: description.repoRoot ?? io.cwd });
      for (const failure of graph.failures) io.stderr(`sensorium play: ${failure.node} failed to ${failure.transition}\n`);
    }
    const { summary } = source;
    io.stderr(`playing ${file}: ${summary.messageCount} messages, ${(Number(summary.endTime - summary.startTime) / 1e9).toFixed(2)} s at ×${rate}${loop ? ', looping' : ''}\n`);
    let decodeErrors = 0;
    const diagnostics = (): void => {
      if (graph === undefined) return;
      for (const node of graph.diagnostics().nodes) io.stdout(`${JSON.stringify(node)}\n`);
    };
    if (graph !== undefined && hooks.clock === undefined) timer = setInterval(diagnostics, 1000);
    const stats = await playRecording(source, transport, {
      clock,
      rate,
      loop,
      signal: controller.signal,
      ...(topics === undefined ? {} : { topics }),
      onError: (error, message) => {
        if (decodeErrors++ % 100 === 0) io.stderr(`sensorium play: ${message.topic}: ${(error as Error).message}\n`);
      },
    });
    diagnostics();
    io.stdout(`published ${stats.published}, skipped ${stats.skipped}, ${stats.loops} pass(es)\n`);
    return 0;
  } finally {
    if (timer !== undefined) clearInterval(timer);
    process.off('SIGINT', onSigint);
    if (graph !== undefined) await graph.shutdown();
    await close();
    if (hooks.transport === undefined) await transport.close();
  }
}

export const command: CliCommand = {
  name: 'play',
  summary: 'publish an MCAP recording with its original timing (onto ROS 2, or into a launch file run in-process)',
  usage: USAGE,
  run: (args, io) => runPlay(args, io),
};
