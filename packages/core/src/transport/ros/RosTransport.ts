import { Subject } from 'rxjs';
import type { Observable } from 'rxjs';
import { TransportError } from '../../errors/TransportError.js';
import type { MessageOf, MessageType } from '../../messages/MessageTypeMap.js';
import { checkTopic, checkTopicType } from '../checkTopic.js';
import { GuardedObservable } from '../GuardedObservable.js';
import type { SubscriberErrorHook } from '../GuardedObservable.js';
import type { QoS } from '../QoS.js';
import { resolveQoS } from '../resolveQoS.js';
import type { Publisher, TopicInfo, Transport } from '../Transport.js';
import { installUnhandledErrorHandler } from '../unhandledErrors.js';
import { bigIntToNumber } from './bigIntToNumber.js';
import type { RclNode, RclQoS, RclnodejsApi } from './RclnodejsApi.js';

export interface RosTransportOptions {
  /** Name of the process's rclnodejs node. Default `sensorium`. */
  nodeName?: string;
  /** Its namespace. Default `/`. */
  namespace?: string;
  onSubscriberError?: SubscriberErrorHook;
}

interface TopicState {
  readonly type: MessageType;
  publishers: number;
  subscribers: number;
}

/**
 * Transport over rclnodejs: one rclnodejs node for the process, one rclnodejs publisher/subscription per
 * `advertise`/`subscribe`. QoS maps onto rclnodejs QoS profiles; typed arrays pass through
 * (`enableTypedArray`); int64 fields, which arrive as BigInt, become numbers. Create it with
 * `createRosTransport()`, which loads rclnodejs lazily.
 *
 * Messages published here go through DDS (a copy per subscriber, asynchronously, from the spin loop),
 * unlike LocalTransport's synchronous by-reference delivery.
 */
export class RosTransport implements Transport {
  readonly kind = 'ros2';
  readonly #rcl: RclnodejsApi;
  readonly #node: RclNode;
  readonly #topics = new Map<string, TopicState>();
  readonly #subjects = new Set<Subject<unknown>>();
  readonly #onSubscriberError: SubscriberErrorHook;
  readonly #ownsContext: boolean;
  #closed = false;

  /** Prefer `createRosTransport()`. `rcl` must be initialised; `ownsContext` shuts it down on close. */
  constructor(rcl: RclnodejsApi, options: RosTransportOptions & { ownsContext?: boolean } = {}) {
    installUnhandledErrorHandler();
    this.#rcl = rcl;
    this.#ownsContext = options.ownsContext ?? false;
    this.#onSubscriberError =
      options.onSubscriberError ??
      ((error, { topic }) => console.error(`[sensorium] a subscriber of ${topic || '(unknown topic)'} threw:`, error));
    const ns = options.namespace ?? '/';
    this.#node = new rcl.Node(options.nodeName ?? 'sensorium', ns === '/' ? '' : ns);
    this.#node.spin();
  }

  advertise<K extends MessageType>(topic: string, type: K, qos?: Partial<QoS>): Publisher<K> {
    this.#checkOpen(topic);
    const state = this.#register(topic, type);
    const rclPublisher = this.#wrap(topic, () =>
      this.#node.createPublisher(type, topic, { qos: this.#qos(resolveQoS(qos)), enableTypedArray: true }),
    );
    state.publishers++;
    let closed = false;
    const onError = this.#onSubscriberError;
    const node = this.#node;
    return {
      topic,
      type,
      publish: (message: MessageOf<K>) => {
        if (closed || this.#closed) return;
        try {
          rclPublisher.publish(message);
        } catch (error) {
          // A message rclnodejs cannot serialise must not crash the publishing node.
          onError(new TransportError('rclnodejs could not publish the message', { context: { topic }, cause: error }), { topic });
        }
      },
      subscriberCount: () => (closed || this.#closed ? 0 : node.countSubscribers(topic)),
      close: () => {
        if (closed) return;
        closed = true;
        state.publishers--;
        this.#forgetIfUnused(topic, state);
        if (!this.#closed) node.destroyPublisher(rclPublisher);
      },
    };
  }

  subscribe<K extends MessageType>(topic: string, type: K, qos?: Partial<QoS>): Observable<MessageOf<K>> {
    this.#checkOpen(topic);
    this.#checkType(topic, type);
    const resolved = resolveQoS(qos);
    return new GuardedObservable<MessageOf<K>>(
      (subscriber) => {
        if (this.#closed) {
          subscriber.complete();
          return undefined;
        }
        const state = this.#register(topic, type);
        // A Subject per subscription only to let close() complete it; delivery is one hop.
        const subject = new Subject<unknown>();
        this.#subjects.add(subject);
        const inner = subject.subscribe(subscriber as never);
        const subscription = this.#wrap(topic, () =>
          this.#node.createSubscription(type, topic, { qos: this.#qos(resolved), enableTypedArray: true }, (message) => {
            bigIntToNumber(message);
            subject.next(message);
          }),
        );
        state.subscribers++;
        return () => {
          inner.unsubscribe();
          this.#subjects.delete(subject);
          state.subscribers--;
          this.#forgetIfUnused(topic, state);
          if (!this.#closed) this.#node.destroySubscription(subscription);
        };
      },
      { topic, onError: this.#onSubscriberError },
    );
  }

  topics(): TopicInfo[] {
    return [...this.#topics]
      .map(([topic, s]) => ({ topic, type: s.type, publishers: s.publishers, subscribers: s.subscribers }))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const subject of [...this.#subjects]) subject.complete();
    this.#subjects.clear();
    this.#topics.clear();
    this.#node.destroy();
    if (this.#ownsContext && !this.#rcl.isShutdown()) await this.#rcl.shutdown();
  }

  #qos(qos: QoS): RclQoS {
    const { QoS: Q } = this.#rcl;
    return new Q(
      qos.history === 'keep_all' ? Q.HistoryPolicy.RMW_QOS_POLICY_HISTORY_KEEP_ALL : Q.HistoryPolicy.RMW_QOS_POLICY_HISTORY_KEEP_LAST,
      qos.depth,
      qos.reliability === 'reliable'
        ? Q.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_RELIABLE
        : Q.ReliabilityPolicy.RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT,
      qos.durability === 'transient_local'
        ? Q.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL
        : Q.DurabilityPolicy.RMW_QOS_POLICY_DURABILITY_VOLATILE,
    );
  }

  #wrap<T>(topic: string, create: () => T): T {
    try {
      return create();
    } catch (cause) {
      throw new TransportError(`rclnodejs refused ${topic}: ${(cause as Error).message}`, { context: { topic }, cause });
    }
  }

  #checkOpen(topic: string): void {
    checkTopic({ topic, closed: this.#closed });
  }

  #checkType(topic: string, type: MessageType): void {
    checkTopicType({ topic, type, existing: this.#topics.get(topic)?.type });
  }

  #register(topic: string, type: MessageType): TopicState {
    this.#checkType(topic, type);
    let state = this.#topics.get(topic);
    if (state === undefined) {
      state = { type, publishers: 0, subscribers: 0 };
      this.#topics.set(topic, state);
    }
    return state;
  }

  #forgetIfUnused(topic: string, state: TopicState): void {
    if (state.publishers === 0 && state.subscribers === 0 && this.#topics.get(topic) === state) this.#topics.delete(topic);
  }
}
