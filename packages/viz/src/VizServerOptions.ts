import { ConfigError, SystemClock, runningGraphs } from '@sensorium/core';
import type { Graph } from '@sensorium/core';
import type { GraphSource } from './graphParameters.js';
import { CLIENT_PUBLISH_TOPICS, absoluteTopic } from './clientPublishTopics.js';
import type { Clock, Transport } from '@sensorium/core';

/** Options of `createVizServer`. Defaults are resolved in one place, `resolveVizServerOptions`. */
export interface VizServerOptions {
  transport: Transport;
  /** Time for the `time` capability and for messages without a header stamp. Default: a SystemClock. */
  clock?: Clock;
  /** Interface to listen on. Default `127.0.0.1`; anything but loopback needs `allowNonLoopback`. */
  host?: string;
  /** TCP port for HTTP (viewer) and WebSocket alike. Default 8080; 0 picks a free port. */
  port?: number;
  /** Required to listen on a non-loopback interface: the server has no TLS and little authentication. */
  allowNonLoopback?: boolean;
  /**
   * Enables client publishing; clients must connect with `?token=` (query) or the `x-sensorium-token` header.
   * `topics` narrows the allowed set to a subset of CLIENT_PUBLISH_TOPICS (default: all of them).
   */
  clientPublish?: { token: string; topics?: readonly string[] };
  /** Largest client → server frame accepted; a larger one closes that client (1009). Default 1 MiB. */
  maxMessageBytes?: number;
  /** Browser origins allowed besides the server's own (`http://127.0.0.1:<port>`, `http://localhost:<port>`). */
  origins?: readonly string[];
  /** Per-client cap on bytes handed to the socket and not yet written; beyond it frames wait (latest wins). Default 8 MiB. */
  maxBufferedBytes?: number;
  /** Frames kept per subscription while a client is slow: 1 (latest wins) for sensor topics, this for the rest. Default 8. */
  reliableQueueDepth?: number;
  /** How often the transport's topic list is re-read for new channels, ms of wall time. Default 500. */
  topicPollMs?: number;
  /** Where the built viewer lives, and whether to build it when missing. Default: packages/viz/dist-viewer, 'ifMissing'. */
  viewer?: { dir?: string; build?: 'ifMissing' | 'never' };
  /** Server name announced in serverInfo. */
  name?: string;
  /**
   * The running nodes behind the topics: enables the `parameters`, `parametersSubscribe` and
   * `connectionGraph` capabilities. Graphs, a function returning the current ones (graphs that come and
   * go), or `'running'`: every graph of this process that is not shut down (core `runningGraphs()`).
   * Default: none (those capabilities are not offered).
   */
  graphs?: GraphSource | 'running';
}

export interface ResolvedVizServerOptions {
  transport: Transport;
  clock: Clock;
  host: string;
  port: number;
  clientPublishToken: string | undefined;
  /** Absolute topic names a client with the token may publish. */
  clientPublishTopics: ReadonlySet<string>;
  maxMessageBytes: number;
  allowedOrigins: readonly string[];
  maxBufferedBytes: number;
  reliableQueueDepth: number;
  topicPollMs: number;
  viewerDir: string | undefined;
  viewerBuild: 'ifMissing' | 'never';
  name: string;
  /** Current graphs, when parameters and the connection graph are offered. */
  graphs: (() => readonly Graph[]) | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

/** True for names that can only be reached from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function resolveVizServerOptions(options: VizServerOptions): ResolvedVizServerOptions {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && options.allowNonLoopback !== true) {
    throw new ConfigError(
      `refusing to listen on ${host}: the viewer server is reachable from other machines there; pass allowNonLoopback: true if that is intended (the sensorium CLI always binds 127.0.0.1)`,
      { context: { field: 'host', expected: 'a loopback address (127.0.0.1, ::1, localhost) or allowNonLoopback: true', actual: host } },
    );
  }
  const port = options.port ?? 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError('port out of range', { context: { field: 'port', expected: 'an integer 0…65535', actual: String(port) } });
  }
  const token = options.clientPublish?.token;
  if (options.clientPublish !== undefined && (typeof token !== 'string' || token.length < 8)) {
    throw new ConfigError('clientPublish needs a token of at least 8 characters', {
      context: { field: 'clientPublish.token', expected: 'a string of ≥ 8 characters' },
    });
  }
  const publishTopics = new Set<string>();
  for (const topic of options.clientPublish?.topics ?? Object.keys(CLIENT_PUBLISH_TOPICS)) {
    const absolute = absoluteTopic(topic);
    if (CLIENT_PUBLISH_TOPICS[absolute] === undefined) {
      throw new ConfigError(`clientPublish.topics: ${topic} cannot be published by clients`, {
        context: { field: 'clientPublish.topics', expected: Object.keys(CLIENT_PUBLISH_TOPICS).join(', '), actual: topic },
      });
    }
    publishTopics.add(absolute);
  }
  const positive = (value: number | undefined, fallback: number, field: string): number => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v <= 0) throw new ConfigError(`${field} must be positive`, { context: { field, actual: String(v) } });
    return v;
  };
  return {
    transport: options.transport,
    clock: options.clock ?? new SystemClock(),
    host,
    port,
    clientPublishToken: token,
    clientPublishTopics: publishTopics,
    maxMessageBytes: positive(options.maxMessageBytes, 1 << 20, 'maxMessageBytes'),
    allowedOrigins: options.origins ?? [],
    maxBufferedBytes: positive(options.maxBufferedBytes, 8 << 20, 'maxBufferedBytes'),
    reliableQueueDepth: Math.floor(positive(options.reliableQueueDepth, 8, 'reliableQueueDepth')),
    topicPollMs: positive(options.topicPollMs, 500, 'topicPollMs'),
    viewerDir: options.viewer?.dir,
    viewerBuild: options.viewer?.build ?? 'ifMissing',
    name: options.name ?? 'sensorium',
    graphs: graphsSource(options.graphs),
  };
}

function graphsSource(graphs: VizServerOptions['graphs']): (() => readonly Graph[]) | undefined {
  if (graphs === undefined) return undefined;
  if (graphs === 'running') return runningGraphs;
  if (typeof graphs === 'function') return graphs;
  return () => graphs;
}
