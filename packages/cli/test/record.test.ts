import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalTransport, NodeRegistry, SimClock, inspectFile, openMcapFile, type McapReport } from '@sensorium/core';
import { doublerNode } from '../../core/test/support/doublerNode.js';
import { runRecord } from '../src/commands/record.js';
import { captureIo } from './io.js';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('sensorium record', () => {
  it('records the published topics of a transport into an MCAP that inspect and McapSource read back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sensorium-record-'));
    const transport = new LocalTransport();
    const clock = new SimClock({ start: { sec: 10, nanosec: 0 } });
    const controller = new AbortController();
    const twist = transport.advertise('/cmd_vel', 'geometry_msgs/msg/Twist');
    const ignored = transport.advertise('/other', 'geometry_msgs/msg/Twist');
    const io = captureIo(dir);
    const running = runRecord(['--out', 'run.mcap', '--topics', 'cmd_vel'], io, { transport, clock, signal: controller.signal });
    for (let i = 0; i < 50 && !io.err.includes('recording /cmd_vel'); i++) await flush();
    for (let i = 0; i < 20; i++) {
      twist.publish({ linear: { x: i, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.5 } });
      ignored.publish({ linear: { x: -1, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } });
      clock.advanceBy(0.05);
    }
    controller.abort();
    expect(await running).toBe(0);
    expect(io.out).toContain('20 messages on 1 topics, 0 dropped');

    const report = (await inspectFile(path.join(dir, 'run.mcap'))) as McapReport;
    expect(report).toMatchObject({ profile: 'ros2', compression: ['zstd'], messageCount: 20 });
    expect(report.topics).toEqual([{ topic: '/cmd_vel', type: 'geometry_msgs/msg/Twist', count: 20, rateHz: expect.closeTo(20, 6) as number }]);
    const { source, close } = await openMcapFile(path.join(dir, 'run.mcap'));
    const xs: number[] = [];
    for await (const m of source.messages()) xs.push((m.message as { linear: { x: number } }).linear.x);
    await close();
    expect(xs).toEqual([...Array(20).keys()]);
  });

  it('--graph runs a launch file in this process and records what its nodes publish', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sensorium-record-graph-'));
    writeFileSync(
      path.join(dir, 'one.launch.yaml'),
      'launch:\n  - node:\n      pkg: test\n      exec: doubler\n      name: doubler\n      remap:\n        - from: in\n          to: /chatter\n        - from: out\n          to: /doubled\n',
    );
    const transport = new LocalTransport();
    const clock = new SimClock();
    const controller = new AbortController();
    const chatter = transport.advertise('/chatter', 'std_msgs/msg/String');
    const io = captureIo(dir);
    const running = runRecord(['--out', 'graph.mcap', '--graph', 'one.launch.yaml'], io, {
      transport,
      clock,
      signal: controller.signal,
      registry: new NodeRegistry().register(doublerNode),
    });
    // The graph's output topic is found by the recorder's periodic discovery (sim time).
    for (let i = 0; i < 200 && !io.err.includes('recording /doubled'); i++) {
      await flush();
      clock.advanceBy(0.25);
    }
    expect(io.err).toContain('recording /doubled (geometry_msgs/msg/Twist)');
    for (const text of ['a', 'abc', 'abcde']) chatter.publish({ data: text });
    controller.abort();
    expect(await running).toBe(0);
    const { source, close } = await openMcapFile(path.join(dir, 'graph.mcap'));
    const doubled: number[] = [];
    for await (const m of source.messages({ topics: ['/doubled'] })) doubled.push((m.message as { linear: { x: number } }).linear.x);
    await close();
    expect(doubled).toEqual([2, 6, 10]);
  });

  it('exits 2 without --out FILE.mcap', async () => {
    const io = captureIo(tmpdir());
    expect(await runRecord(['--out', 'x.bag'], io, { transport: new LocalTransport() })).toBe(2);
    expect(io.err).toContain('--out');
  });
});
