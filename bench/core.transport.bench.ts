import { Subject } from 'rxjs';
import { LocalTransport, NodeRuntime, SimClock, defineNode } from '@sensorium/core';
import type { StringMsg } from '@sensorium/core';
import type { BenchEntry, BenchResult } from './BenchEntry.js';

/**
 * Per-message cost of one publish → subscriber hop, in ns/message, median of several repetitions.
 * The subscriber does the same trivial work in both cases, so the difference is the transport.
 */
async function nsPerMessage(
  messages: number,
  repetitions: number,
  setup: () => Hop | Promise<Hop>,
): Promise<number> {
  const message: StringMsg = { data: 'x' };
  const samples: number[] = [];
  for (let r = 0; r < repetitions + 1; r++) {
    const { send, done } = await setup();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < messages; i++) send(message);
    const t1 = process.hrtime.bigint();
    done();
    // The first run warms the JIT up and is not counted.
    if (r > 0) samples.push(Number(t1 - t0) / messages);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

let sink = 0;

interface Hop {
  send(m: StringMsg): void;
  done(): void;
}

function bareSubject(): Hop {
  const subject = new Subject<StringMsg>();
  const sub = subject.subscribe((m) => {
    sink += m.data.length;
  });
  return { send: (m) => subject.next(m), done: () => sub.unsubscribe() };
}

function localTransport(): Hop {
  const transport = new LocalTransport();
  const sub = transport.subscribe('/bench', 'std_msgs/msg/String').subscribe((m) => {
    sink += m.data.length;
  });
  const pub = transport.advertise('/bench', 'std_msgs/msg/String');
  return {
    send: (m) => pub.publish(m),
    done: () => {
      sub.unsubscribe();
      void transport.close();
    },
  };
}

/** The same hop through a node context on both ends: receive/publish counting and the error guard. */
async function nodeContexts(): Promise<Hop> {
  const transport = new LocalTransport();
  const clock = new SimClock();
  let send: (m: StringMsg) => void = () => undefined;
  const node = defineNode({
    exec: 'bench',
    description: '',
    parameters: {},
    inputs: [],
    outputs: [],
    configure(ctx) {
      const pub = ctx.advertise('/bench', 'std_msgs/msg/String');
      send = (m) => pub.publish(m);
      return {
        activate: () =>
          ctx.subscribe('/bench', 'std_msgs/msg/String').subscribe((m) => {
            sink += m.data.length;
          }),
      };
    },
  });
  const runtime = new NodeRuntime(node, { transport, clock });
  await runtime.configure();
  runtime.activate();
  return {
    send: (m) => send(m),
    done: () => {
      void runtime.shutdown();
      void transport.close();
    },
  };
}

export const entries: BenchEntry[] = [
  {
    name: 'core.transport.local_overhead',
    async run({ quick }): Promise<BenchResult[]> {
      const messages = quick ? 200_000 : 2_000_000;
      const repetitions = quick ? 5 : 9;
      // Interleave so both see the same machine state.
      const subject = await nsPerMessage(messages, repetitions, bareSubject);
      const local = await nsPerMessage(messages, repetitions, localTransport);
      const viaNodes = await nsPerMessage(messages, repetitions, nodeContexts);
      if (sink < 0) console.log(sink);
      const baseline = { name: 'rxjs Subject.next → subscriber', value: subject };
      return [
        {
          name: 'core.transport.local_overhead',
          value: local,
          unit: 'ns/message',
          baseline,
          ratio: local / subject,
          goal: { max: 1.5 },
          notes: `LocalTransport publish → 1 subscriber, ${messages} messages × ${repetitions} runs, median`,
        },
        {
          name: 'core.transport.node_context_overhead',
          value: viaNodes,
          unit: 'ns/message',
          baseline,
          ratio: viaNodes / subject,
          goal: { max: 3 },
          notes: 'same hop through NodeContext advertise/subscribe (rate meters, drop guard) on both ends',
        },
      ];
    },
  },
];
