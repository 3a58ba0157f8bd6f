import type { Observable } from 'rxjs';
import type { MessageOf, MessageType } from '../messages/MessageTypeMap.js';
import type { QoS } from './QoS.js';

/** A typed publisher on one topic. `close()` is safe to call twice. */
export interface Publisher<K extends MessageType = MessageType> {
  readonly topic: string;
  readonly type: K;
  publish(message: MessageOf<K>): void;
  /** Number of current subscribers (for skipping work nobody listens to). */
  subscriberCount(): number;
  close(): void;
}

export interface TopicInfo {
  topic: string;
  type: MessageType;
  publishers: number;
  subscribers: number;
}

/**
 * Typed publish/subscribe of topics as RxJS Observables. Topic names given to a Transport are
 * absolute (`/lidar/points`); name resolution and remapping happen in the node context, as in rcl.
 *
 * Messages are passed by reference in-process and must be treated as immutable by subscribers.
 */
export interface Transport {
  /** `local` or `ros2`. */
  readonly kind: string;
  advertise<K extends MessageType>(topic: string, type: K, qos?: Partial<QoS>): Publisher<K>;
  /** Cold observable: subscribing creates the subscription, unsubscribing destroys it. */
  subscribe<K extends MessageType>(topic: string, type: K, qos?: Partial<QoS>): Observable<MessageOf<K>>;
  /** Topics currently known to this transport (advertised or subscribed). */
  topics(): TopicInfo[];
  /** Close every publisher and subscription. Safe to call twice. */
  close(): Promise<void>;
}
