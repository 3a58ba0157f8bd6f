import type { WebSocket, RawData } from 'ws';
import { CLIENT_PUBLISH_TOPICS, absoluteTopic } from './clientPublishTopics.js';
import { FramePool } from './FramePool.js';

/** Why a client was closed, as WebSocket close codes (RFC 6455 §7.4.1). */
const CLOSE_UNSUPPORTED = 1003;
const CLOSE_INVALID_PAYLOAD = 1007;
const CLOSE_POLICY = 1008;

/** Control (JSON) frames a stuck client may have waiting before it is dropped. */
const MAX_CONTROL_FRAMES = 1024;

const KNOWN_OPS = new Set([
  'subscribe', 'unsubscribe', 'advertise', 'unadvertise', 'getParameters', 'setParameters',
  'subscribeParameterUpdates', 'unsubscribeParameterUpdates', 'subscribeConnectionGraph',
  'unsubscribeConnectionGraph', 'fetchAsset',
]);

export interface ClientSessionOptions {
  /** The server offers clientPublish at all. */
  publishEnabled: boolean;
  /** This client presented the token. */
  canPublish: boolean;
  /** Absolute topics a client may publish (a subset of CLIENT_PUBLISH_TOPICS). */
  publishTopics: ReadonlySet<string>;
  maxBufferedBytes: number;
  /** Frames kept for a subscription to `channelId` while the client is slow. */
  depthForChannel(channelId: number): number;
  onConnectionGraph(session: ClientSession, subscribed: boolean): void;
}

interface Pending {
  key: string;
  frame: string | Uint8Array;
  bytes: number;
  /** The frame came from the pool and goes back to it once written or dropped. */
  pooled: boolean;
}

export interface ClientStats {
  /** Frames waiting in this session plus bytes the socket has not written yet. */
  queuedBytes: number;
  queuedFrames: number;
  sentFrames: number;
  droppedFrames: number;
}

/**
 * One WebSocket client, seen by FoxgloveServer through the IWebSocket interface. Between the two it
 * (a) validates every inbound frame, closing only this client on garbage, and enforces the publish
 * token, and (b) meters outbound frames: beyond `maxBufferedBytes` on the socket, frames wait here,
 * at most `depth` per subscription, newest kept, so a slow client costs bounded memory and never
 * blocks the publisher.
 */
export class ClientSession {
  binaryType = 'arraybuffer';
  onerror: ((event: unknown) => void) | null | undefined = null;
  onopen: ((event: unknown) => void) | null | undefined = null;
  onclose: ((event: unknown) => void) | null | undefined = null;
  onmessage: ((event: { data: string | Uint8Array }) => void) | null | undefined = null;

  readonly #ws: WebSocket;
  readonly #options: ClientSessionOptions;
  readonly #queue: Pending[] = [];
  readonly #countByKey = new Map<string, number>();
  readonly #depthBySubscription = new Map<number, number>();
  #queuedBytes = 0;
  #sent = 0;
  #dropped = 0;
  #closed = false;
  readonly #afterWrite = (): void => this.#flush();
  readonly #pool = new FramePool();
  /** Header of a message FoxgloveServer sends in two parts (`fin: false`, then the payload). */
  #header: Uint8Array | undefined;

  constructor(ws: WebSocket, options: ClientSessionOptions) {
    this.#ws = ws;
    this.#options = options;
    ws.on('message', (data, isBinary) => this.#receive(data, isBinary));
    ws.on('close', (code, reason) => {
      this.#closed = true;
      this.#clearQueue();
      this.onclose?.({ code, reason: reason.toString(), wasClean: true });
    });
    ws.on('error', (error) => this.onerror?.(error));
  }

  get protocol(): string {
    return this.#ws.protocol;
  }

  /** Parameter names this client asked updates for (FoxgloveServer keeps its own copy private). */
  readonly parameterSubscriptions = new Set<string>();

  get canPublish(): boolean {
    return this.#options.canPublish;
  }

  stats(): ClientStats {
    return {
      queuedBytes: this.#queuedBytes + this.#ws.bufferedAmount,
      queuedFrames: this.#queue.length,
      sentFrames: this.#sent,
      droppedFrames: this.#dropped,
    };
  }

  close(code = 1000, reason = ''): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearQueue();
    this.#ws.close(code, reason);
  }

  /** Sends a status message to this client only (outside FoxgloveServer, for refusals it does not know). */
  status(level: 0 | 1 | 2, message: string): void {
    this.send(JSON.stringify({ op: 'status', level, message }));
  }

  /**
   * FoxgloveServer sends message data as a header with `{fin: false}` then the payload with `{fin: true}`
   * when `send` takes two parameters; the two are joined here into one pooled frame, so the payload (the
   * codec's reused buffer) is copied once and no frame is allocated per message.
   */
  send(data: string | ArrayBuffer | ArrayBufferView, options?: { fin?: boolean }): void {
    if (this.#closed) return;
    let pooled = false;
    if (options?.fin === false && typeof data !== 'string') {
      this.#header = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      return;
    }
    if (options?.fin === true && this.#header !== undefined && typeof data !== 'string') {
      const header = this.#header;
      this.#header = undefined;
      const payload = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const joined = this.#pool.acquire(header.byteLength + payload.byteLength);
      joined.set(header, 0);
      joined.set(payload, header.byteLength);
      data = joined;
      pooled = true;
    }
    let key: string;
    let depth: number;
    let frame: string | Uint8Array;
    if (typeof data === 'string') {
      if ((this.#countByKey.get('json') ?? 0) >= MAX_CONTROL_FRAMES) {
        this.close(CLOSE_POLICY, 'client too slow');
        return;
      }
      key = 'json';
      depth = Infinity;
      frame = data;
    } else {
      frame = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      const opcode = frame[0];
      if (opcode === 1 && frame.byteLength >= 5) {
        const subscriptionId = (frame[1]! | (frame[2]! << 8) | (frame[3]! << 16) | (frame[4]! << 24)) >>> 0;
        key = `m${subscriptionId}`;
        depth = this.#depthBySubscription.get(subscriptionId) ?? 1;
      } else if (opcode === 2) {
        key = 'time';
        depth = 1;
      } else {
        key = 'other';
        depth = 64;
      }
    }
    const bytes = typeof frame === 'string' ? frame.length : frame.byteLength;
    if (this.#queue.length === 0 && this.#ws.bufferedAmount < this.#options.maxBufferedBytes) {
      this.#write(frame, pooled);
      return;
    }
    const count = this.#countByKey.get(key) ?? 0;
    if (count >= depth) {
      const oldest = this.#queue.findIndex((p) => p.key === key);
      const [removed] = this.#queue.splice(oldest, 1);
      if (removed !== undefined) this.#discard(removed);
      this.#dropped++;
    } else {
      this.#countByKey.set(key, count + 1);
    }
    this.#queue.push({ key, frame, bytes, pooled });
    this.#queuedBytes += bytes;
  }

  #write(frame: string | Uint8Array, pooled: boolean): void {
    this.#sent++;
    if (!pooled) {
      this.#ws.send(frame, { binary: typeof frame !== 'string' }, this.#afterWrite);
      return;
    }
    // The socket holds a reference until written: the buffer goes back to the pool only then.
    this.#ws.send(frame, { binary: true }, () => {
      this.#pool.release(frame as Uint8Array);
      this.#flush();
    });
  }

  #discard(p: Pending): void {
    this.#queuedBytes -= p.bytes;
    if (p.pooled) this.#pool.release(p.frame as Uint8Array);
  }

  #clearQueue(): void {
    for (const p of this.#queue) if (p.pooled) this.#pool.release(p.frame as Uint8Array);
    this.#queue.length = 0;
    this.#queuedBytes = 0;
  }

  #flush(): void {
    while (!this.#closed && this.#queue.length > 0 && this.#ws.bufferedAmount < this.#options.maxBufferedBytes) {
      const next = this.#queue.shift()!;
      this.#queuedBytes -= next.bytes;
      const count = (this.#countByKey.get(next.key) ?? 1) - 1;
      if (count <= 0) this.#countByKey.delete(next.key);
      else this.#countByKey.set(next.key, count);
      this.#write(next.frame, next.pooled);
    }
  }

  #receive(data: RawData, isBinary: boolean): void {
    if (this.#closed) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary) {
      this.#receiveBinary(bytes);
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(bytes.toString('utf8'));
    } catch {
      this.close(CLOSE_INVALID_PAYLOAD, 'malformed JSON');
      return;
    }
    if (typeof message !== 'object' || message === null || typeof (message as { op?: unknown }).op !== 'string') {
      this.close(CLOSE_POLICY, 'expected a JSON object with an "op" string');
      return;
    }
    const op = (message as { op: string }).op;
    if (!KNOWN_OPS.has(op)) {
      this.status(1, `unknown op "${op}" ignored`);
      return;
    }
    if (!this.#validate(op, message as Record<string, unknown>)) return;
    if (op === 'subscribeConnectionGraph' || op === 'unsubscribeConnectionGraph') {
      this.#options.onConnectionGraph(this, op === 'subscribeConnectionGraph');
      return;
    }
    this.onmessage?.({ data: bytes.toString('utf8') });
  }

  /** Shape checks FoxgloveServer does not do; false when the client was closed or the op refused. */
  #validate(op: string, message: Record<string, unknown>): boolean {
    const isId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
    switch (op) {
      case 'subscribe': {
        const subs = message['subscriptions'];
        if (!Array.isArray(subs) || !subs.every((s: unknown) => typeof s === 'object' && s !== null && isId((s as { id?: unknown }).id) && isId((s as { channelId?: unknown }).channelId))) {
          this.close(CLOSE_POLICY, 'subscribe: expected subscriptions [{id, channelId}]');
          return false;
        }
        for (const s of subs as { id: number; channelId: number }[]) {
          this.#depthBySubscription.set(s.id, this.#options.depthForChannel(s.channelId));
        }
        return true;
      }
      case 'unsubscribe': {
        const ids = message['subscriptionIds'];
        if (!Array.isArray(ids) || !ids.every(isId)) {
          this.close(CLOSE_POLICY, 'unsubscribe: expected subscriptionIds [number]');
          return false;
        }
        for (const id of ids as number[]) this.#dropSubscription(id);
        return true;
      }
      case 'advertise': {
        if (!this.#options.publishEnabled) {
          this.status(2, 'client publishing is disabled on this server (start it with a clientPublish token)');
          return false;
        }
        if (!this.#options.canPublish) {
          this.status(2, 'client publishing refused: connect with ?token=<clientPublish token>');
          return false;
        }
        const channels = message['channels'];
        if (!Array.isArray(channels)) {
          this.close(CLOSE_POLICY, 'advertise: expected channels []');
          return false;
        }
        const accepted = [];
        for (const c of channels as unknown[]) {
          const ch = c as { id?: unknown; topic?: unknown; encoding?: unknown; schemaName?: unknown };
          if (typeof c !== 'object' || c === null || !isId(ch.id) || typeof ch.topic !== 'string' || typeof ch.schemaName !== 'string') {
            this.close(CLOSE_POLICY, 'advertise: expected channels [{id, topic, encoding, schemaName}]');
            return false;
          }
          const absolute = absoluteTopic(ch.topic);
          const expected = this.#options.publishTopics.has(absolute) ? CLIENT_PUBLISH_TOPICS[absolute] : undefined;
          const schemaOk = expected !== undefined && (ch.schemaName === expected || ch.schemaName === expected.replace('/msg/', '/'));
          if (!schemaOk || ch.encoding !== 'cdr') {
            this.status(2, `client publishing refused for ${ch.topic} (${ch.schemaName}, ${String(ch.encoding)}): allowed are ${[...this.#options.publishTopics].map((t) => `${t} ${CLIENT_PUBLISH_TOPICS[t]!}`).join(', ')}, encoding cdr`);
            continue;
          }
          accepted.push(c);
        }
        if (accepted.length === 0) return false;
        message['channels'] = accepted;
        return true;
      }
      case 'getParameters':
      case 'subscribeParameterUpdates':
      case 'unsubscribeParameterUpdates': {
        const names = message['parameterNames'];
        if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) {
          this.close(CLOSE_POLICY, `${op}: expected parameterNames [string]`);
          return false;
        }
        if (op === 'subscribeParameterUpdates') for (const n of names as string[]) this.parameterSubscriptions.add(n);
        if (op === 'unsubscribeParameterUpdates') for (const n of names as string[]) this.parameterSubscriptions.delete(n);
        return true;
      }
      case 'setParameters': {
        const parameters = message['parameters'];
        if (!Array.isArray(parameters) || !parameters.every((p: unknown) => typeof p === 'object' && p !== null && typeof (p as { name?: unknown }).name === 'string')) {
          this.close(CLOSE_POLICY, 'setParameters: expected parameters [{name, value}]');
          return false;
        }
        // Changing a parameter reconfigures a node: the same permission as steering the robot.
        if (!this.#options.publishEnabled || !this.#options.canPublish) {
          const names = (parameters as { name: string }[]).map((p) => p.name).join(', ');
          this.status(2, this.#options.publishEnabled
            ? `setParameters refused (${names}): connect with ?token=<clientPublish token>`
            : `setParameters refused (${names}): this server is read-only (start it with a clientPublish token)`);
          return false;
        }
        return true;
      }
      default:
        return true;
    }
  }

  #receiveBinary(bytes: Buffer): void {
    const opcode = bytes[0];
    if (opcode === 1 && bytes.byteLength >= 5) {
      if (!this.#options.canPublish) {
        this.status(2, 'client publishing refused: connect with ?token=<clientPublish token>');
        return;
      }
      this.onmessage?.({ data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
      return;
    }
    if (opcode === 2 && bytes.byteLength >= 13) {
      this.status(2, 'this server offers no services');
      return;
    }
    this.close(CLOSE_UNSUPPORTED, `malformed binary frame (opcode ${String(opcode)}, ${bytes.byteLength} bytes)`);
  }

  #dropSubscription(id: number): void {
    this.#depthBySubscription.delete(id);
    const key = `m${id}`;
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      const p = this.#queue[i]!;
      if (p.key === key) {
        this.#queue.splice(i, 1);
        this.#discard(p);
      }
    }
    this.#countByKey.delete(key);
  }
}
