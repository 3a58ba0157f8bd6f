import { Subject } from 'rxjs';
import type { Observable, Subscription } from 'rxjs';
import { TransportError } from '../errors/TransportError.js';
import type { MessageOf, MessageType } from '../messages/MessageTypeMap.js';
import { checkTopic, checkTopicType } from './checkTopic.js';
import { GuardedObservable } from './GuardedObservable.js';
import type { SubscriberErrorHook } from './GuardedObservable.js';
import type { QoS } from './QoS.js';
import { qosCompatible, resolveQoS } from './resolveQoS.js';
import type { Publisher, TopicInfo, Transport } from './Transport.js';
import { addUnhandledErrorListener, installUnhandledErrorHandler } from './unhandledErrors.js';

export interface LocalTransportOptions {
  /**
   * A subscriber's callback threw, or its stream ended in an unhandled error. The message is still
   * delivered to every other subscriber and the publisher never sees the error. Default: `console.error`.
   */
  onSubscriberError?: SubscriberErrorHook;
  /** QoS incompatibilities (no messages will flow, as under ROS 2). Default: `console.warn`. */
  onWarning?: (message: string) => void;
}

// Publishers fall into four QoS classes (reliability × durability); each class has one Subject, and a
// subscription listens to the classes it is compatible with. Delivery stays a single Subject hop.
const CLASS_QOS: readonly QoS[] = [
  { reliability: 'reliable', history: 'keep_last', depth: 1, durability: 'volatile' },
  { reliability: 'reliable', history: 'keep_last', depth: 1, durability: 'transient_local' },
  { reliability: 'best_effort', history: 'keep_last', depth: 1, durability: 'volatile' },
  { reliability: 'best_effort', history: 'keep_last', depth: 1, durability: 'transient_local' },
];

function classOf(qos: QoS): number {
  return (qos.reliability === 'reliable' ? 0 : 2) + (qos.durability === 'transient_local' ? 1 : 0);
}

interface TopicState {
  readonly topic: string;
  readonly type: MessageType;
  readonly channels: readonly Subject<unknown>[];
  /** Subscriptions listening to each class (a publisher's subscriberCount()). */
  readonly listeners: number[];
  /** Publishers per class (for incompatibility warnings). */
  readonly offered: number[];
  /** Transient-local publishers, whose history late subscribers replay. */
  readonly latched: Set<LatchedHistory>;
  publishers: number;
  subscribers: number;
}

interface LatchedHistory {
  readonly qos: QoS;
  closed: boolean;
  replay(depth: number, into: (message: unknown) => void): void;
}

class LocalPublisher<K extends MessageType> implements Publisher<K>, LatchedHistory {
  closed = false;
  /** Ring of the last `depth` messages, transient_local publishers only. */
  readonly history: unknown[] | undefined;
  historyStart = 0;

  constructor(
    readonly topic: string,
    readonly type: K,
    readonly qos: QoS,
    private readonly state: TopicState,
    private readonly channel: Subject<unknown>,
    private readonly onClose: () => void,
  ) {
    this.history = qos.durability === 'transient_local' ? [] : undefined;
  }

  publish(message: MessageOf<K>): void {
    // Publishing after close is ignored rather than thrown: a timer racing shutdown must not crash.
    if (this.closed) return;
    const history = this.history;
    if (history !== undefined) {
      if (history.length < this.qos.depth) history.push(message);
      else {
        history[this.historyStart] = message;
        this.historyStart = (this.historyStart + 1) % history.length;
      }
    }
    this.channel.next(message);
  }

  subscriberCount(): number {
    return this.closed ? 0 : (this.state.listeners[classOf(this.qos)] ?? 0);
  }

  /** Last `depth` messages, oldest first. */
  replay(depth: number, into: (message: unknown) => void): void {
    const history = this.history;
    if (history === undefined) return;
    const n = history.length;
    for (let i = Math.max(0, n - depth); i < n; i++) into(history[(this.historyStart + i) % n]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}

/**
 * The in-process transport, and the default: messages are passed by reference (treat them as immutable),
 * delivered synchronously inside `publish()`, in publish order.
 *
 * QoS as ROS 2 applies it: a transient_local subscription replays the last `depth` messages of each
 * transient_local publisher; a reliable or transient_local request does not connect to a best-effort or
 * volatile offer (a warning says so). Nothing queues: delivery is synchronous, so keep_last depth only
 * bounds the replay history.
 *
 * ```ts
 * const transport = new LocalTransport();
 * const pub = transport.advertise('/chatter', 'std_msgs/msg/String');
 * transport.subscribe('/chatter', 'std_msgs/msg/String').subscribe((m) => console.log(m.data));
 * pub.publish({ data: 'hello' });
 * ```
 */
export class LocalTransport implements Transport {
  readonly kind = 'local';
  readonly #topics = new Map<string, TopicState>();
  readonly #onSubscriberError: SubscriberErrorHook;
  readonly #onWarning: (message: string) => void;
  readonly #removeUnhandledListener: () => void;
  #closed = false;

  constructor(options: LocalTransportOptions = {}) {
    this.#onSubscriberError =
      options.onSubscriberError ??
      ((error, { topic }) => console.error(`[sensorium] a subscriber of ${topic || '(unknown topic)'} threw:`, error));
    this.#onWarning = options.onWarning ?? ((message) => console.warn(`[sensorium] ${message}`));
    // Errors rxjs could not deliver (streams built outside our guard) reach an explicit hook, topic
    // unknown; without one, the process-wide handler logs them once. Either way the process survives.
    const hook = options.onSubscriberError;
    if (hook === undefined) {
      installUnhandledErrorHandler();
      this.#removeUnhandledListener = () => undefined;
    } else {
      this.#removeUnhandledListener = addUnhandledErrorListener((error) => hook(error, { topic: '' }));
    }
  }

  advertise<K extends MessageType>(topic: string, type: K, qos?: Partial<QoS>): Publisher<K> {
    this.#checkOpen(topic);
    const resolved = resolveQoS(qos);
    const state = this.#topicFor(topic, type);
    const cls = classOf(resolved);
    state.publishers++;
    state.offered[cls] = (state.offered[cls] ?? 0) + 1;
    const channel = state.channels[cls];
    if (channel === undefined) throw new TransportError('internal: missing QoS channel', { context: { topic } });
    const publisher: LocalPublisher<K> = new LocalPublisher(topic, type, resolved, state, channel, () => {
      state.publishers--;
      state.offered[cls] = (state.offered[cls] ?? 1) - 1;
      state.latched.delete(publisher);
      this.#forgetIfUnused(state);
    });
    if (resolved.durability === 'transient_local') state.latched.add(publisher);
    return publisher;
  }

  subscribe<K extends MessageType>(topic: string, type: K, qos?: Partial<QoS>): Observable<MessageOf<K>> {
    this.#checkOpen(topic);
    const resolved = resolveQoS(qos);
    // Fail at the call for a known mismatch; the topic itself is registered on subscription (cold).
    this.#checkType(topic, type);
    return new GuardedObservable<MessageOf<K>>(
      (subscriber) => {
        if (this.#closed) {
          subscriber.complete();
          return undefined;
        }
        const state = this.#topicFor(topic, type);
        state.subscribers++;
        const classes: number[] = [];
        for (let cls = 0; cls < CLASS_QOS.length; cls++) {
          const offered = CLASS_QOS[cls];
          if (offered !== undefined && qosCompatible(offered, resolved)) classes.push(cls);
        }
        this.#warnIfIncompatible(state, classes, resolved);
        if (resolved.durability === 'transient_local') {
          const deliver = (m: unknown): void => subscriber.next(m as MessageOf<K>);
          for (const publisher of state.latched) {
            if (classes.includes(classOf(publisher.qos))) publisher.replay(resolved.depth, deliver);
          }
        }
        const subscriptions: Subscription[] = [];
        for (const cls of classes) {
          state.listeners[cls] = (state.listeners[cls] ?? 0) + 1;
          const channel = state.channels[cls] as Subject<MessageOf<K>>;
          subscriptions.push(channel.subscribe(subscriber));
        }
        return () => {
          for (const cls of classes) state.listeners[cls] = (state.listeners[cls] ?? 1) - 1;
          state.subscribers--;
          for (const s of subscriptions) s.unsubscribe();
          this.#forgetIfUnused(state);
        };
      },
      { topic, onError: this.#onSubscriberError },
    );
  }

  topics(): TopicInfo[] {
    const out: TopicInfo[] = [];
    for (const s of this.#topics.values()) {
      out.push({ topic: s.topic, type: s.type, publishers: s.publishers, subscribers: s.subscribers });
    }
    return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const states = [...this.#topics.values()];
    for (const state of states) {
      for (const publisher of state.latched) publisher.closed = true;
      for (const channel of state.channels) channel.complete();
    }
    this.#topics.clear();
    this.#removeUnhandledListener();
  }

  #checkOpen(topic: string): void {
    checkTopic({ topic, closed: this.#closed });
  }

  #checkType(topic: string, type: MessageType): void {
    checkTopicType({ topic, type, existing: this.#topics.get(topic)?.type });
  }

  #topicFor(topic: string, type: MessageType): TopicState {
    this.#checkType(topic, type);
    let state = this.#topics.get(topic);
    if (state === undefined) {
      state = {
        topic,
        type,
        channels: CLASS_QOS.map(() => new Subject<unknown>()),
        listeners: [0, 0, 0, 0],
        offered: [0, 0, 0, 0],
        latched: new Set(),
        publishers: 0,
        subscribers: 0,
      };
      this.#topics.set(topic, state);
    }
    return state;
  }

  #forgetIfUnused(state: TopicState): void {
    // A topic nobody uses any more is forgotten, so its type is no longer fixed (as in the ROS graph).
    if (state.publishers === 0 && state.subscribers === 0 && this.#topics.get(state.topic) === state) {
      this.#topics.delete(state.topic);
    }
  }

  #warnIfIncompatible(state: TopicState, compatible: readonly number[], requested: QoS): void {
    for (let cls = 0; cls < CLASS_QOS.length; cls++) {
      if ((state.offered[cls] ?? 0) > 0 && !compatible.includes(cls)) {
        const offered = CLASS_QOS[cls];
        this.#onWarning(
          `incompatible QoS on ${state.topic}: a subscription requesting ${requested.reliability}/${requested.durability} ` +
            `will not hear publishers offering ${offered?.reliability}/${offered?.durability}`,
        );
      }
    }
  }
}
