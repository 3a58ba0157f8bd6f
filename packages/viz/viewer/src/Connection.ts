import { FoxgloveClient } from '@foxglove/ws-protocol';
import type { Channel } from '@foxglove/ws-protocol';
import { parse } from '@foxglove/rosmsg';
import { MessageReader, MessageWriter } from '@foxglove/rosmsg2-serialization';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';
type Handler = (message: unknown, topic: string) => void;

/** Definitions of what the viewer publishes (it may connect before any node advertises these topics). */
const PUBLISH_SCHEMAS: Readonly<Record<string, string>> = {
  'geometry_msgs/msg/PoseStamped': `std_msgs/Header header
geometry_msgs/Pose pose
================================================================================
MSG: geometry_msgs/Pose
geometry_msgs/Point position
geometry_msgs/Quaternion orientation
================================================================================
MSG: geometry_msgs/Point
float64 x
float64 y
float64 z
================================================================================
MSG: geometry_msgs/Quaternion
float64 x 0
float64 y 0
float64 z 0
float64 w 1
================================================================================
MSG: std_msgs/Header
builtin_interfaces/Time stamp
string frame_id
================================================================================
MSG: builtin_interfaces/Time
int32 sec
uint32 nanosec`,
  'std_msgs/msg/String': 'string data',
};

/**
 * The viewer's side of the Foxglove WebSocket protocol: subscribes to the topics it has handlers for
 * as soon as they are advertised, decodes CDR with the advertised ros2msg schema, reconnects with
 * back-off, and publishes (goal, scenario control) when the page URL carries the server's token.
 */
export class Connection {
  readonly #url: string;
  readonly #handlers = new Map<string, Handler[]>();
  readonly #onState: (state: ConnectionState, detail: string) => void;
  #client: FoxgloveClient | undefined;
  #readers = new Map<number, { topic: string; reader: MessageReader }>();
  #published = new Map<string, { id: number; writer: MessageWriter }>();
  #retryMs = 250;
  readonly stats = { messages: 0, bytes: 0, byTopic: {} as Record<string, number>, statuses: [] as string[] };

  constructor(url: string, onState: (state: ConnectionState, detail: string) => void) {
    this.#url = url;
    this.#onState = onState;
  }

  /** Handlers for `topic` (relative or absolute names match). */
  on(topic: string, handler: Handler): void {
    const key = topic.replace(/^\//, '');
    const list = this.#handlers.get(key) ?? [];
    list.push(handler);
    this.#handlers.set(key, list);
  }

  connect(): void {
    this.#onState('connecting', this.#url);
    const ws = new WebSocket(this.#url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
    const client = new FoxgloveClient({ ws });
    this.#client = client;
    this.#readers = new Map();
    this.#published = new Map();
    client.on('open', () => {
      this.#retryMs = 250;
      this.#onState('connected', this.#url);
    });
    client.on('advertise', (channels) => {
      for (const channel of channels) this.#maybeSubscribe(client, channel);
    });
    client.on('status', (s) => {
      this.stats.statuses.push(s.message);
      if (this.stats.statuses.length > 50) this.stats.statuses.shift();
    });
    client.on('message', ({ subscriptionId, data }) => {
      const entry = this.#readers.get(subscriptionId);
      if (entry === undefined) return;
      this.stats.messages++;
      this.stats.bytes += data.byteLength;
      this.stats.byTopic[entry.topic] = (this.stats.byTopic[entry.topic] ?? 0) + 1;
      let message: unknown;
      try {
        message = entry.reader.readMessage(data);
      } catch {
        return; // a frame that does not match its schema: skip it, the next one may
      }
      for (const handler of this.#handlers.get(entry.topic) ?? []) {
        try {
          handler(message, entry.topic);
        } catch (error) {
          // One panel failing on an unexpected message must not stop the others.
          console.error(`viewer: ${entry.topic}:`, error);
        }
      }
    });
    client.on('close', () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#onState('disconnected', `retrying in ${Math.round(this.#retryMs)} ms`);
      setTimeout(() => this.connect(), this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, 5000);
    });
  }

  /** Publishes `message` as `schemaName` on `topic`; false when not connected. */
  publish(topic: string, schemaName: keyof typeof PUBLISH_SCHEMAS, message: unknown): boolean {
    const client = this.#client;
    if (client === undefined) return false;
    let channel = this.#published.get(topic);
    if (channel === undefined) {
      const schema = PUBLISH_SCHEMAS[schemaName]!;
      const id = client.advertise({ topic, encoding: 'cdr', schemaName, schema, schemaEncoding: 'ros2msg' });
      channel = { id, writer: new MessageWriter(parse(schema, { ros2: true })) };
      this.#published.set(topic, channel);
    }
    client.sendMessage(channel.id, channel.writer.writeMessage(message));
    return true;
  }

  #maybeSubscribe(client: FoxgloveClient, channel: Channel): void {
    const topic = channel.topic.replace(/^\//, '');
    if (!this.#handlers.has(topic) || channel.encoding !== 'cdr') return;
    const reader = new MessageReader(parse(channel.schema, { ros2: true }));
    this.#readers.set(client.subscribe(channel.id), { topic, reader });
  }
}
