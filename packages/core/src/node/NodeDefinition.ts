import type { Observable, Subscription } from 'rxjs';
import type { Clock } from '../clock/Clock.js';
import type { MessageOf, MessageType } from '../messages/MessageTypeMap.js';
import type { Time } from '../time/Time.js';
import type { Publisher } from '../transport/Transport.js';
import type { QoS } from '../transport/QoS.js';
import type { ParamSpecs, ParamValues } from './ParamSpec.js';

/** One input or output of a node, by relative topic name (remappable in a launch file). */
export interface PortSpec {
  readonly topic: string;
  readonly type: MessageType;
  /** `sensor` = SensorDataQoS, `default` = reliable keep-last 10, `latched` = transient local. */
  readonly qos?: 'sensor' | 'default' | 'latched';
  readonly description?: string;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What a node reports into `diagnostics`. Counters only; publishing is the runtime's job. */
export interface NodeDiagnostics {
  /** A message on `topic` was dropped; `reason` is a short code (an error's `code`, `stale`, `queue_full`). */
  drop(topic: string, reason: string, error?: unknown): void;
  /**
   * A processing stage finished: `processingMs` of wall time spent on it, and the age of the data it
   * produced (clock now − the sensor stamp carried in the header), which attributes end-to-end latency
   * per stage along a message's path.
   */
  stage(name: string, processingMs: number, sensorStamp?: Time): void;
  /** A named counter (interventions, mode switches, …). */
  count(name: string, increment?: number): void;
  /** A named gauge (current value shown as-is). */
  gauge(name: string, value: number | string): void;
}

/** Everything a node's logic may touch. No rclnodejs, no ws, no fs: a Transport, a Clock and messages. */
export interface NodeContext<P extends ParamSpecs = ParamSpecs> {
  /** Node name (after `__node` remap). */
  readonly name: string;
  /** Namespace, absolute, `/` for the root. */
  readonly namespace: string;
  /** `/ns/name`. */
  readonly fullName: string;
  readonly params: ParamValues<P>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly diagnostics: NodeDiagnostics;
  /** Resolves a relative (`lidar/points`), private (`~/x`) or absolute name and applies remaps. */
  resolve(topic: string): string;
  /** Subscribes by relative name; received messages are counted per topic. */
  subscribe<K extends MessageType>(topic: string, type: K, qos?: Partial<QoS>): Observable<MessageOf<K>>;
  /** Advertises by relative name; published messages are counted per topic. */
  advertise<K extends MessageType>(topic: string, type: K, qos?: Partial<QoS>): Publisher<K>;
  /**
   * Reads a resource (model weights, a WAV for a sound source) by path, relative paths resolved against the
   * repository root. Injected by the runtime so node logic stays free of fs; rejects with a typed error naming the path.
   */
  readResource(path: string): Promise<Uint8Array>;
}

/** A running node's behaviour, made by `configure`. */
export interface NodeBehavior {
  /** Subscribe and start publishing. Unsubscribing the returned Subscription is `deactivate`. */
  activate(): Subscription;
  /** Release what outlives activation (models, workers). Safe to call twice. */
  shutdown?(): void | Promise<void>;
}

/**
 * A node type: declared parameters, inputs and outputs, and its logic. Wiring (which transport,
 * names, remaps, params file) is the runtime's; the same definition runs under `sensorium run`,
 * under `ros2 launch`, and in tests on recorded inputs.
 */
export interface NodeDefinition<P extends ParamSpecs = ParamSpecs> {
  /** Executable name, as `exec` in a launch file (e.g. `lidar_processor`). Also the default node name. */
  readonly exec: string;
  readonly description: string;
  readonly parameters: P;
  readonly inputs: readonly PortSpec[];
  readonly outputs: readonly PortSpec[];
  /** Configure: params are already validated. Allocate buffers, load models. */
  configure(context: NodeContext<P>): NodeBehavior | Promise<NodeBehavior>;
}

/** Identity helper that infers `P` for a node definition literal. */
export function defineNode<P extends ParamSpecs>(definition: NodeDefinition<P>): NodeDefinition<P> {
  return definition;
}
