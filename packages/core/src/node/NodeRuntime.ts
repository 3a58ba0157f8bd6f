import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import type { Observable, Subscription } from 'rxjs';
import type { Clock } from '../clock/Clock.js';
import { ConfigError } from '../errors/ConfigError.js';
import { SensoriumError } from '../errors/SensoriumError.js';
import { dropReason } from '../diagnostics/dropReason.js';
import { NodeDiagnosticsRecorder } from '../diagnostics/NodeDiagnosticsRecorder.js';
import type { MessageOf, MessageType } from '../messages/MessageTypeMap.js';
import { GuardedObservable } from '../transport/GuardedObservable.js';
import { installUnhandledErrorHandler } from '../transport/unhandledErrors.js';
import { DefaultQoS, LatchedQoS, SensorDataQoS } from '../transport/QoS.js';
import type { QoS } from '../transport/QoS.js';
import type { Publisher, Transport } from '../transport/Transport.js';
import { childLogger, consoleLogger } from './consoleLogger.js';
import { MeteredSubscriber } from './MeteredSubscriber.js';
import { expandTopicName, fullyQualifiedNodeName, normalizeNamespace, validateNodeName } from './names.js';
import type { Logger, NodeBehavior, NodeContext, NodeDefinition, PortSpec } from './NodeDefinition.js';
import type { ParamSpecs, ParamValues } from './ParamSpec.js';
import { remapNodeIdentity, remapTopicName } from './RemapRule.js';
import type { RemapRule } from './RemapRule.js';
import { validateParams } from './validateParams.js';
import type { ParamLayer } from './validateParams.js';

/** ROS 2 managed-node primary states. */
export type LifecycleState = 'unconfigured' | 'inactive' | 'active' | 'finalized';

export interface NodeRuntimeOptions {
  /** Node name; default the definition's `exec`. A `__node` remap overrides it. */
  name?: string;
  /** Namespace; default `/`. A `__ns` remap overrides it. */
  namespace?: string;
  /** Parameter sources, later overriding earlier (params files, launch `param`, `-p`). */
  params?: readonly ParamLayer[];
  /** Remap rules, node-local first then global, as rcl orders them. */
  remaps?: readonly RemapRule[];
  transport: Transport;
  clock: Clock;
  logger?: Logger;
  /** Reads a resource for `ctx.readResource`. Default: the file system, relative to `resourceRoot`. */
  readResource?: (path: string) => Promise<Uint8Array>;
  /** Root for relative resource paths. Default `process.cwd()`. */
  resourceRoot?: string;
}

const QOS_BY_PORT: Record<NonNullable<PortSpec['qos']>, Readonly<QoS>> = {
  sensor: SensorDataQoS,
  default: DefaultQoS,
  latched: LatchedQoS,
};

/**
 * Runs one node: resolves its name, namespace, remaps and parameters (throwing a ParameterError or
 * ConfigError at construction, before anything runs), then drives the ROS 2 lifecycle:
 *
 * unconfigured —configure→ inactive —activate→ active —deactivate→ inactive —cleanup→ unconfigured,
 * and shutdown → finalized from any state.
 *
 * A failing `configure` leaves the node unconfigured with `lastError` set; a throwing message handler
 * drops that message (counted under the error's code) and the node keeps running.
 */
export class NodeRuntime<P extends ParamSpecs = ParamSpecs> {
  readonly definition: NodeDefinition<P>;
  readonly name: string;
  readonly namespace: string;
  readonly fullName: string;
  readonly params: ParamValues<P>;
  readonly diagnostics: NodeDiagnosticsRecorder;
  readonly log: Logger;
  #state: LifecycleState = 'unconfigured';
  #lastError: unknown;
  #behavior: NodeBehavior | undefined;
  #activation: Subscription | undefined;
  readonly #publishers: Publisher[] = [];
  readonly #remaps: readonly RemapRule[];
  readonly #options: NodeRuntimeOptions;

  constructor(definition: NodeDefinition<P>, options: NodeRuntimeOptions) {
    // Errors rxjs cannot deliver (e.g. from a node's own timers) must not end the process.
    installUnhandledErrorHandler();
    this.definition = definition;
    this.#options = options;
    this.#remaps = options.remaps ?? [];
    const identity = remapNodeIdentity(this.#remaps, { nodeName: options.name ?? definition.exec, namespace: options.namespace });
    validateNodeName(identity.nodeName);
    this.name = identity.nodeName;
    this.namespace = normalizeNamespace(identity.namespace);
    this.fullName = fullyQualifiedNodeName({ nodeName: this.name, namespace: this.namespace });
    this.params = validateParams(definition.parameters, options.params ?? [], { node: this.fullName });
    this.diagnostics = new NodeDiagnosticsRecorder(options.clock);
    this.log = childLogger(options.logger ?? consoleLogger(), this.fullName);
  }

  get state(): LifecycleState {
    return this.#state;
  }

  /** The error of the last failed transition (or handler crash that ended a stream), if any. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Resolves a node-relative name to the absolute, remapped topic the transport sees. */
  resolve(topic: string): string {
    const scope = { nodeName: this.name, namespace: this.namespace };
    return remapTopicName(expandTopicName(topic, scope), this.#remaps, scope);
  }

  /** unconfigured → inactive. Rejects with the node's error (node named) and stays unconfigured. */
  async configure(): Promise<void> {
    this.#expect('configure', 'unconfigured');
    try {
      this.#behavior = await this.definition.configure(this.#context());
      this.#state = 'inactive';
      this.#lastError = undefined;
    } catch (error) {
      this.#lastError = error;
      this.#closePublishers();
      throw error instanceof SensoriumError && error.context.node === undefined ? error.withContext({ node: this.fullName }) : error;
    }
  }

  /** inactive → active. */
  activate(): void {
    this.#expect('activate', 'inactive');
    const behavior = this.#behavior;
    if (behavior === undefined) return;
    try {
      this.#activation = behavior.activate();
      this.#state = 'active';
    } catch (error) {
      this.#lastError = error;
      throw error instanceof SensoriumError ? error.withContext({ node: this.fullName }) : error;
    }
  }

  /** active → inactive: unsubscribes what activate() started. */
  deactivate(): void {
    this.#expect('deactivate', 'active');
    this.#activation?.unsubscribe();
    this.#activation = undefined;
    this.#state = 'inactive';
  }

  /** inactive → unconfigured: releases the behaviour and the publishers. */
  async cleanup(): Promise<void> {
    this.#expect('cleanup', 'inactive');
    await this.#release();
    this.#state = 'unconfigured';
  }

  /** Any state → finalized. Safe to call twice. */
  async shutdown(): Promise<void> {
    if (this.#state === 'finalized') return;
    if (this.#state === 'active') this.deactivate();
    this.#state = 'finalized';
    try {
      await this.#release();
    } catch (error) {
      this.#lastError = error;
      this.log.error('shutdown failed', { error });
    }
  }

  async #release(): Promise<void> {
    const behavior = this.#behavior;
    this.#behavior = undefined;
    try {
      await behavior?.shutdown?.();
    } finally {
      this.#closePublishers();
    }
  }

  #closePublishers(): void {
    for (const p of this.#publishers.splice(0)) p.close();
  }

  #expect(transition: string, from: LifecycleState): void {
    if (this.#state !== from) {
      throw new SensoriumError(`cannot ${transition} node ${this.fullName} in state ${this.#state}`, {
        context: { node: this.fullName, expected: from, actual: this.#state },
      });
    }
  }

  #portQoS(topic: string, ports: readonly PortSpec[], qos: Partial<QoS> | undefined): Partial<QoS> | undefined {
    if (qos !== undefined) return qos;
    const port = ports.find((p) => p.topic === topic);
    return port?.qos === undefined ? undefined : QOS_BY_PORT[port.qos];
  }

  #context(): NodeContext<P> {
    const runtime = this;
    const { transport, clock } = this.#options;
    const diagnostics = this.diagnostics;
    const log = this.log;
    const readResource = this.#options.readResource ?? fileReader(this.#options.resourceRoot ?? process.cwd());
    return {
      name: this.name,
      namespace: this.namespace,
      fullName: this.fullName,
      params: this.params,
      clock,
      log,
      diagnostics,
      resolve: (topic) => runtime.resolve(topic),
      subscribe<K extends MessageType>(topic: string, type: K, qos?: Partial<QoS>): Observable<MessageOf<K>> {
        const resolved = runtime.resolve(topic);
        const source = transport.subscribe(resolved, type, runtime.#portQoS(topic, runtime.definition.inputs, qos));
        const meter = diagnostics.input(resolved);
        let warned = 0;
        return new GuardedObservable<MessageOf<K>>(
          (subscriber) => source.subscribe(new MeteredSubscriber(subscriber, meter, clock)),
          {
            topic: resolved,
            onError: (error) => {
              diagnostics.drop(resolved, dropReason(error), error);
              // Log the first few, then only count: a bad stream must not flood the log.
              if (warned++ < 3) log.warn(`dropped a message on ${resolved}`, { error });
            },
          },
        );
      },
      advertise<K extends MessageType>(topic: string, type: K, qos?: Partial<QoS>): Publisher<K> {
        const resolved = runtime.resolve(topic);
        const inner = transport.advertise(resolved, type, runtime.#portQoS(topic, runtime.definition.outputs, qos));
        const meter = diagnostics.output(resolved);
        const publisher: Publisher<K> = {
          topic: resolved,
          type,
          publish(message) {
            meter.record(clock.nowSec());
            inner.publish(message);
          },
          subscriberCount: () => inner.subscriberCount(),
          close: () => inner.close(),
        };
        runtime.#publishers.push(publisher);
        return publisher;
      },
      readResource,
    };
  }
}

function fileReader(root: string): (path: string) => Promise<Uint8Array> {
  return async (path) => {
    const full = isAbsolute(path) ? path : resolvePath(root, path);
    try {
      return new Uint8Array(await readFile(full));
    } catch (cause) {
      throw new ConfigError('cannot read resource', { context: { file: full }, cause });
    }
  };
}
