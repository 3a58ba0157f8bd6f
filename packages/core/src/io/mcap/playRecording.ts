import { firstValueFrom, fromEvent, takeUntil } from 'rxjs';
import type { Clock } from '../../clock/Clock.js';
import type { MessageType } from '../../messages/MessageTypeMap.js';
import { DefaultQoS, LatchedQoS, type QoS } from '../../transport/QoS.js';
import type { Publisher, Transport } from '../../transport/Transport.js';
import type { McapChannelInfo, McapSource, RecordedMessage } from './McapSource.js';

export interface PlayOptions {
  /** The clock inter-message delays are waited on: a SystemClock in real time, a SimClock in tests. */
  clock: Clock;
  /** Playback speed factor (default 1; 2 = twice as fast). */
  rate?: number;
  /** Start over at the end, until aborted. */
  loop?: boolean;
  /** Only these topics (recorded names). */
  topics?: readonly string[];
  /** Stops playback (resolves, does not reject). */
  signal?: AbortSignal;
  /** Called after each publish (progress bars, counters). */
  onMessage?: (message: RecordedMessage) => void;
  /** Called for a message that cannot be decoded; playback continues. */
  onError?: (error: unknown, message: RecordedMessage) => void;
}

export interface PlayStats {
  published: number;
  /** Messages that could not be decoded. */
  skipped: number;
  /** Complete passes over the recording. */
  loops: number;
}

/**
 * Publishes a recording on a transport with its original inter-message timing (scaled by `rate`), like
 * `ros2 bag play`: each message is due at start + (logTime − firstLogTime) / rate on `clock`, so delays
 * do not accumulate drift. Each topic is advertised with its recorded QoS (rosbag2's
 * `offered_qos_profiles`), reliable otherwise, and `tf_static` latched. Bad messages are skipped, not fatal.
 */
export async function playRecording(source: McapSource, transport: Transport, options: PlayOptions): Promise<PlayStats> {
  const rate = options.rate ?? 1;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError(`rate must be > 0, got ${rate}`);
  const { clock, signal } = options;
  const publishers = new Map<number, Publisher>();
  const stats: PlayStats = { published: 0, skipped: 0, loops: 0 };
  const abort$ = signal === undefined ? undefined : fromEvent(signal, 'abort');
  const aborted = (): boolean => signal?.aborted === true;

  const waitUntil = async (dueSec: number): Promise<void> => {
    const delay = dueSec - clock.nowSec();
    if (delay <= 0 || aborted()) return;
    const tick$ = clock.interval(delay);
    await firstValueFrom(abort$ === undefined ? tick$ : tick$.pipe(takeUntil(abort$)), { defaultValue: undefined });
  };

  try {
    do {
      const startSec = clock.nowSec();
      let firstLogTime: bigint | undefined;
      for await (const recorded of source.messages(options.topics === undefined ? {} : { topics: options.topics })) {
        if (aborted()) return stats;
        firstLogTime ??= recorded.logTime;
        await waitUntil(startSec + Number(recorded.logTime - firstLogTime) / 1e9 / rate);
        if (aborted()) return stats;
        let message: unknown;
        try {
          message = recorded.message;
        } catch (error) {
          stats.skipped += 1;
          options.onError?.(error, recorded);
          continue;
        }
        publisherFor(publishers, transport, recorded.channel).publish(message as never);
        stats.published += 1;
        options.onMessage?.(recorded);
      }
      stats.loops += 1;
    } while (options.loop === true && !aborted() && stats.published + stats.skipped > 0);
    return stats;
  } finally {
    for (const publisher of publishers.values()) publisher.close();
  }
}

function publisherFor(publishers: Map<number, Publisher>, transport: Transport, channel: McapChannelInfo): Publisher {
  let publisher = publishers.get(channel.id);
  if (publisher === undefined) {
    publisher = transport.advertise(channel.topic, channel.type as MessageType, playbackQoS(channel));
    publishers.set(channel.id, publisher);
  }
  return publisher;
}

/** The recorded QoS; without one, reliable (matches every subscriber), and latched for static transforms. */
export function playbackQoS(channel: McapChannelInfo): QoS {
  if (channel.qos !== undefined) return channel.qos;
  return /(^|\/)tf_static$/.test(channel.topic) ? { ...LatchedQoS } : { ...DefaultQoS };
}
