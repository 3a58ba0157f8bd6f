import { Subscription } from 'rxjs';
import type { Clock } from '../../clock/Clock.js';
import { toNs, type Time } from '../../time/Time.js';
import { DefaultQoS, LatchedQoS, type QoS } from '../../transport/QoS.js';
import type { Transport } from '../../transport/Transport.js';
import type { McapRecorder } from './McapRecorder.js';

export interface RecordTransportOptions {
  /** Stamps receive times (the MCAP log time). */
  clock: Clock;
  /** Absolute topic names to record; every topic the transport knows when omitted. */
  topics?: readonly string[];
  /**
   * Log time from the receive time on `clock` (default, as rosbag2) or from the message's `header.stamp`
   * (keeps sensor time when recording a replay). Publish time is always the header stamp when there is one.
   */
  logTime?: 'clock' | 'header';
  /** How often to look for newly advertised topics, in clock seconds (default 0.5). */
  discoveryPeriodSec?: number;
  /** A message that could not be recorded (unknown type, write failure). Recording goes on. */
  onError?: (error: unknown, topic: string) => void;
  /** Called once per newly subscribed topic. */
  onTopic?: (topic: string, type: string) => void;
}

export interface TransportRecording {
  /** Topics being recorded. */
  topics(): string[];
  /** Unsubscribes everything; the recorder stays open (close it to finish the file). Safe to call twice. */
  stop(): void;
}

/**
 * Records topics of a transport into an McapRecorder, discovering topics as they are advertised (like
 * `ros2 bag record`). Subscriptions are best-effort and volatile so they match every publisher, except
 * `tf_static`, which is subscribed latched to get the transforms published before recording began.
 */
export function recordTransport(transport: Transport, recorder: McapRecorder, options: RecordTransportOptions): TransportRecording {
  const { clock } = options;
  const wanted = options.topics === undefined ? undefined : new Set(options.topics);
  const recording = new Map<string, string>();
  const subscription = new Subscription();
  const useHeader = options.logTime === 'header';

  const discover = (): void => {
    for (const info of transport.topics()) {
      if (recording.has(info.topic) || (wanted !== undefined && !wanted.has(info.topic))) continue;
      if (info.publishers === 0 && wanted === undefined) continue;
      recording.set(info.topic, info.type);
      options.onTopic?.(info.topic, info.type);
      const { topic, type } = info;
      const qos = recordQoS(topic);
      void recorder.addChannel(topic, type, { qos: isLatched(topic) ? LatchedQoS : DefaultQoS }).catch((error: unknown) => options.onError?.(error, topic));
      subscription.add(
        transport.subscribe(topic, type, qos).subscribe((message) => {
          const receive = toNs(clock.now());
          const stamp = headerStamp(message);
          const logTime = useHeader && stamp !== undefined ? stamp : receive;
          recorder
            .write(topic, type, message, { logTime, publishTime: stamp ?? receive })
            .catch((error: unknown) => options.onError?.(error, topic));
        }),
      );
    }
  };

  discover();
  subscription.add(clock.interval(options.discoveryPeriodSec ?? 0.5).subscribe(discover));
  return {
    topics: () => [...recording.keys()],
    stop: () => subscription.unsubscribe(),
  };
}

function isLatched(topic: string): boolean {
  return /(^|\/)tf_static$/.test(topic);
}

function recordQoS(topic: string): Partial<QoS> {
  if (isLatched(topic)) return LatchedQoS;
  // Best effort matches reliable and best-effort publishers alike; keep enough history for bursts.
  return { reliability: 'best_effort', history: 'keep_last', depth: 100, durability: 'volatile' };
}

function headerStamp(message: unknown): bigint | undefined {
  const header = (message as { header?: { stamp?: Time } } | null)?.header;
  const stamp = header?.stamp;
  return stamp !== undefined && typeof stamp.sec === 'number' ? toNs(stamp) : undefined;
}
