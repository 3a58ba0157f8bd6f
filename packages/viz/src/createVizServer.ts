import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import foxglove from '@foxglove/ws-protocol';
import type { Parameter } from '@foxglove/ws-protocol';
import { WebSocketServer } from 'ws';
import type { Subscription } from 'rxjs';
import { LatchedQoS, DefaultQoS, SensorDataQoS, getCodec, isMessageType, messageDefinition, toNs } from '@sensorium/core';
import type { MessageType, Publisher, QoS, Time } from '@sensorium/core';
import { resolveVizServerOptions } from './VizServerOptions.js';
import type { VizServerOptions } from './VizServerOptions.js';
import { ClientSession } from './ClientSession.js';
import { CLIENT_PUBLISH_TOPICS } from './clientPublishTopics.js';
import { queueDepthFor } from './sendPolicy.js';
import { serveStatic } from './staticFiles.js';
import { readParameters, writeParameters } from './graphParameters.js';
import { ConnectionGraphTracker } from './ConnectionGraphTracker.js';
import { ensureViewerBuilt, DEFAULT_VIEWER_DIR } from './buildViewer.js';

const { FoxgloveServer } = foxglove;

/** A running viewer server. */
export interface VizServer {
  /** `http://HOST:PORT/`: the viewer page; the WebSocket endpoint is the same address with `ws://`. */
  readonly url: string;
  readonly port: number;
  /** Connected clients with their queue figures (for diagnostics and tests). */
  clients(): { name: string; queuedBytes: number; queuedFrames: number; sentFrames: number; droppedFrames: number }[];
  /** Why the viewer could not be built, if it could not (the WebSocket server runs regardless). */
  readonly viewerError: string | undefined;
  /** Counters: messages sent, client messages published, refused or malformed. */
  stats(): Readonly<Record<string, number>>;
  /** Stops listening, closes every client, releases every transport subscription. Safe to call twice. */
  close(): Promise<void>;
}

/** Topics whose publishers are latched, so a late viewer gets their last message at once. */
/** The server's own id in the connection graph (it subscribes for its clients and publishes theirs). */
const SELF_ID = '/sensorium_viz';

const LATCHED_TOPICS = new Set(['/sim/world', '/sim/status', '/scenario/status', '/tf_static', '/audio/info', '/goal_pose', '/robot_description']);

/** QoS the server publishes client messages with: as the simulator and planners do on those topics. */
const CLIENT_PUBLISH_QOS: Readonly<Record<string, QoS>> = { '/goal_pose': LatchedQoS };

interface ChannelState {
  id: number;
  topic: string;
  type: MessageType;
  subscription: Subscription | undefined;
}

/**
 * Starts the Foxglove WebSocket (v1) server and the viewer's HTTP server on one port.
 *
 * Every topic the transport knows is advertised as a `cdr` channel with its `ros2msg` schema; the
 * transport is subscribed only while some client subscribes to a channel. Each client gets a bounded
 * send queue (latest wins for sensor topics) so a slow browser loses frames, never memory, and never
 * blocks a publisher. Client publishing is off unless `clientPublish.token` is set.
 */
export async function createVizServer(options: VizServerOptions): Promise<VizServer> {
  const o = resolveVizServerOptions(options);
  const counters: Record<string, number> = { messages_sent: 0, client_published: 0, client_refused: 0, client_malformed: 0, encode_errors: 0 };
  const publishEnabled = o.clientPublishToken !== undefined;
  const graphCapabilities = o.graphs === undefined ? [] : ['parameters', 'parametersSubscribe', 'connectionGraph'];
  const server = new FoxgloveServer({
    name: o.name,
    capabilities: ['time', ...(publishEnabled ? ['clientPublish'] : []), ...graphCapabilities],
    supportedEncodings: ['cdr'],
    metadata: { transport: o.transport.kind, clock: o.clock.kind },
  });
  server.on('error', () => counters['client_malformed']!++);

  let viewerDir: string | undefined;
  let viewerError: string | undefined;
  if (o.viewerBuild === 'ifMissing') {
    try {
      viewerDir = await ensureViewerBuilt({ outDir: o.viewerDir ?? DEFAULT_VIEWER_DIR });
    } catch (error) {
      // The data server is still useful to Foxglove/Lichtblick without our page; the page answers 503.
      viewerError = (error as Error).message;
    }
  } else viewerDir = o.viewerDir ?? DEFAULT_VIEWER_DIR;

  // ---- channels: one per transport topic with a known definition ----
  const channels = new Map<string, ChannelState>();
  const byId = new Map<number, ChannelState>();
  const discover = (): void => {
    const seen = new Set<string>();
    for (const info of o.transport.topics()) {
      seen.add(info.topic);
      if (channels.has(info.topic) || !isMessageType(info.type)) continue;
      const id = server.addChannel({ topic: info.topic, encoding: 'cdr', schemaName: info.type, schema: messageDefinition(info.type), schemaEncoding: 'ros2msg' });
      const state: ChannelState = { id, topic: info.topic, type: info.type, subscription: undefined };
      channels.set(info.topic, state);
      byId.set(id, state);
    }
    for (const [topic, state] of channels) {
      // The transport forgets a topic once nobody publishes or subscribes it; so do we.
      if (!seen.has(topic) && state.subscription === undefined) {
        server.removeChannel(state.id);
        channels.delete(topic);
        byId.delete(state.id);
      }
    }
  };
  discover();
  const poll = setInterval(discover, o.topicPollMs);
  poll.unref();

  const send = (state: ChannelState, message: unknown): void => {
    let payload: Uint8Array;
    try {
      // The shared codec encodes into its reused buffer; FoxgloveServer copies it into each client's frame.
      payload = getCodec(state.type).encode(message as never);
    } catch {
      counters['encode_errors']!++;
      return;
    }
    const stamp = (message as { header?: { stamp?: Time } }).header?.stamp;
    server.sendMessage(state.id, toNs(stamp ?? o.clock.now()), payload as Uint8Array<ArrayBuffer>);
    counters['messages_sent']!++;
  };

  server.on('subscribe', (channelId) => {
    const state = byId.get(channelId);
    if (state === undefined || state.subscription !== undefined) return;
    if (LATCHED_TOPICS.has(state.topic)) {
      // Latched history is replayed synchronously on a transient_local subscription; take it and leave.
      const replay = o.transport.subscribe(state.topic, state.type, { ...LatchedQoS, reliability: 'best_effort' }).subscribe((m) => send(state, m));
      replay.unsubscribe();
    }
    state.subscription = o.transport.subscribe(state.topic, state.type, SensorDataQoS).subscribe({ next: (m) => send(state, m) });
  });
  server.on('unsubscribe', (channelId) => {
    const state = byId.get(channelId);
    state?.subscription?.unsubscribe();
    if (state !== undefined) state.subscription = undefined;
  });

  // ---- client publishing ----
  const publishers = new Map<string, Publisher>();
  server.on('message', ({ client, channel, data }) => {
    const topic = channel.topic.startsWith('/') ? channel.topic : `/${channel.topic}`;
    const type = CLIENT_PUBLISH_TOPICS[topic];
    if (type === undefined || !o.clientPublishTopics.has(topic)) {
      counters['client_refused']!++;
      return;
    }
    let message: unknown;
    try {
      message = getCodec(type).decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), { topic });
    } catch (error) {
      counters['client_malformed']!++;
      server.sendStatus({ level: 2, message: `${topic}: ${(error as Error).message}` }, client.connection);
      return;
    }
    let publisher = publishers.get(topic);
    if (publisher === undefined) {
      publisher = o.transport.advertise(topic, type, CLIENT_PUBLISH_QOS[topic] ?? DefaultQoS) as Publisher;
      publishers.set(topic, publisher);
    }
    publisher.publish(message as never);
    counters['client_published']!++;
  });

  // ---- parameters (`/<node>.<param>`) and the connection graph, from the running graphs ----
  const graphs = o.graphs;
  const graphSubscribers = new Set<ClientSession>();
  let graphTracker: ConnectionGraphTracker | undefined;
  if (graphs !== undefined) {
    counters['parameters_set'] = 0;
    counters['parameters_refused'] = 0;
    server.on('getParameters', ({ parameterNames, id }, connection) => {
      const { parameters, unknown } = readParameters(graphs(), parameterNames);
      if (unknown.length > 0) server.sendStatus({ level: 1, message: `unknown parameter(s): ${unknown.join(', ')} (names are /<node>.<parameter>)` }, connection);
      server.publishParameterValues(parameters, id, connection);
    });
    // ClientSession has already refused clients without the token (and read-only servers).
    server.on('setParameters', ({ parameters, id }, connection) => {
      void writeParameters(graphs(), parameters).then(({ applied, errors }) => {
        counters['parameters_set']! += applied.length;
        counters['parameters_refused']! += parameters.length - applied.length;
        for (const error of errors) server.sendStatus({ level: 2, message: `setParameters: ${error.message}` }, connection);
        // Protocol: with an id the requester gets the values now in effect (rejected ones unchanged).
        if (id !== undefined) server.publishParameterValues(readParameters(graphs(), parameters.map((p) => p.name)).parameters, id, connection);
        if (applied.length > 0) notifyParameterSubscribers(readParameters(graphs(), applied).parameters);
      });
    });
    // FoxgloveServer.updateParameterValues sends every client a message, empty for those not watching: only
    // the clients that subscribed one of the names get one here.
    const notifyParameterSubscribers = (parameters: Parameter[]): void => {
      for (const { session } of sessions) {
        const wanted = parameters.filter((p) => session.parameterSubscriptions.has(p.name));
        if (wanted.length > 0) session.send(JSON.stringify({ op: 'parameterValues', parameters: wanted }));
      }
    };
    graphTracker = new ConnectionGraphTracker({
      graphs,
      selfId: SELF_ID,
      self: () => ({
        publishes: publishers.keys(),
        subscribes: [...channels.values()].filter((c) => c.subscription !== undefined).map((c) => c.topic),
      }),
    });
  }
  const onConnectionGraph = (session: ClientSession, subscribed: boolean): void => {
    if (graphTracker === undefined) {
      session.status(1, 'connection graph is not offered by this server (no graphs given)');
      return;
    }
    if (!subscribed) {
      graphSubscribers.delete(session);
      return;
    }
    // The others get what changed up to now first: `full()` moves the baseline the updates are taken from.
    broadcastGraphChanges();
    graphSubscribers.add(session);
    session.send(JSON.stringify(graphTracker.full()));
  };
  function broadcastGraphChanges(): void {
    if (graphTracker === undefined || graphSubscribers.size === 0) return;
    const update = graphTracker.update();
    if (update === undefined) return;
    const text = JSON.stringify(update);
    for (const session of graphSubscribers) session.send(text);
  }
  const graphPoll = setInterval(broadcastGraphChanges, o.topicPollMs);
  graphPoll.unref();

  // ---- time ----
  const timeSubscription = o.clock.interval(0.1).subscribe((t) => server.broadcastTime(toNs(t)));

  // ---- HTTP + WebSocket on one port ----
  const http = createServer((req, res) => {
    void serveStatic(viewerDir, req, res);
  });
  const sessions = new Set<{ name: string; session: ClientSession }>();
  let listeningPort = 0;
  const originAllowed = (origin: string | undefined): boolean => {
    // Non-browser clients send no Origin; browsers always do, and only our own pages may connect.
    if (origin === undefined) return true;
    const own = [`http://127.0.0.1:${listeningPort}`, `http://localhost:${listeningPort}`, `http://[::1]:${listeningPort}`, `http://${o.host}:${listeningPort}`];
    return own.includes(origin) || o.allowedOrigins.includes(origin);
  };
  const wss = new WebSocketServer({
    server: http,
    maxPayload: o.maxMessageBytes,
    handleProtocols: (protocols) => server.handleProtocols(protocols),
    verifyClient: (info: { origin: string; req: IncomingMessage }) => originAllowed(info.req.headers.origin),
  });
  const tokenBytes = o.clientPublishToken === undefined ? undefined : Buffer.from(o.clientPublishToken);
  const presentsToken = (req: IncomingMessage): boolean => {
    if (tokenBytes === undefined) return false;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const header = req.headers['x-sensorium-token'];
    const given = Buffer.from(url.searchParams.get('token') ?? (typeof header === 'string' ? header : ''));
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  };
  wss.on('connection', (ws, req) => {
    const canPublish = presentsToken(req);
    const session = new ClientSession(ws, {
      publishEnabled,
      canPublish,
      publishTopics: o.clientPublishTopics,
      maxBufferedBytes: o.maxBufferedBytes,
      depthForChannel: (channelId) => {
        const state = byId.get(channelId);
        return state === undefined ? o.reliableQueueDepth : queueDepthFor(state.type, o.reliableQueueDepth);
      },
      onConnectionGraph,
    });
    const name = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const entry = { name, session };
    sessions.add(entry);
    ws.on('close', () => {
      sessions.delete(entry);
      graphSubscribers.delete(session);
    });
    server.handleConnection(session, name);
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port, o.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  listeningPort = (http.address() as AddressInfo).port;
  const hostForUrl = o.host.includes(':') ? `[${o.host}]` : o.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${listeningPort}/`,
    port: listeningPort,
    viewerError,
    clients: () => [...sessions].map(({ name, session }) => ({ name, ...session.stats() })),
    stats: () => ({ ...counters, clients: sessions.size, channels: channels.size }),
    close: () => {
      closing ??= (async () => {
        clearInterval(poll);
        clearInterval(graphPoll);
        timeSubscription.unsubscribe();
        for (const state of channels.values()) state.subscription?.unsubscribe();
        for (const publisher of publishers.values()) publisher.close();
        for (const { session } of sessions) session.close(1001, 'server closing');
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return closing;
    },
  };
}
