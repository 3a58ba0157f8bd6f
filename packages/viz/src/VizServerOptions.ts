import { ConfigError } from '@sensorium/core';
import type { Clock, Transport } from '@sensorium/core';

/** Options of `createVizServer`. Defaults are resolved in one place, `resolveVizServerOptions`. */
export interface VizServerOptions {
  transport: Transport;
  clock: Clock;
  /** Interface to listen on. Default `127.0.0.1`; anything but loopback needs `allowRemote`. */
  host?: string;
  /** TCP port for HTTP (viewer) and WebSocket alike. Default 8080; 0 picks a free port. */
  port?: number;
  /** Required to listen on a non-loopback interface: the server has no TLS and little authentication. */
  allowRemote?: boolean;
  /** Enables client publishing (goal_pose, cmd_vel_raw, sim/control); clients must connect with `?token=`. */
  clientPublish?: { token: string };
  /** Largest client → server frame accepted; a larger one closes that client (1009). Default 1 MiB. */
  maxMessageBytes?: number;
  /** Browser origins allowed besides the server's own (`http://127.0.0.1:<port>`, `http://localhost:<port>`). */
  allowedOrigins?: string[];
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
}

export interface ResolvedVizServerOptions {
  transport: Transport;
  clock: Clock;
  host: string;
  port: number;
  clientPublishToken: string | undefined;
  maxMessageBytes: number;
  allowedOrigins: readonly string[];
  maxBufferedBytes: number;
  reliableQueueDepth: number;
  topicPollMs: number;
  viewerDir: string | undefined;
  viewerBuild: 'ifMissing' | 'never';
  name: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

/** True for names that can only be reached from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function resolveVizServerOptions(options: VizServerOptions): ResolvedVizServerOptions {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && options.allowRemote !== true) {
    throw new ConfigError(
      `refusing to listen on ${host}: the viewer server is reachable from other machines there; pass allowRemote: true (--allow-remote) if that is intended`,
      { context: { field: 'host', expected: 'a loopback address (127.0.0.1, ::1, localhost) or allowRemote: true', actual: host } },
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
  const positive = (value: number | undefined, fallback: number, field: string): number => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v <= 0) throw new ConfigError(`${field} must be positive`, { context: { field, actual: String(v) } });
    return v;
  };
  return {
    transport: options.transport,
    clock: options.clock,
    host,
    port,
    clientPublishToken: token,
    maxMessageBytes: positive(options.maxMessageBytes, 1 << 20, 'maxMessageBytes'),
    allowedOrigins: options.allowedOrigins ?? [],
    maxBufferedBytes: positive(options.maxBufferedBytes, 8 << 20, 'maxBufferedBytes'),
    reliableQueueDepth: Math.floor(positive(options.reliableQueueDepth, 8, 'reliableQueueDepth')),
    topicPollMs: positive(options.topicPollMs, 500, 'topicPollMs'),
    viewerDir: options.viewer?.dir,
    viewerBuild: options.viewer?.build ?? 'ifMissing',
    name: options.name ?? 'sensorium',
  };
}
