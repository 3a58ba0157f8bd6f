import WebSocket from 'ws';
import foxglove from '@foxglove/ws-protocol';
import type { Channel, MessageData } from '@foxglove/ws-protocol';
import { parse } from '@foxglove/rosmsg';
import { MessageReader } from '@foxglove/rosmsg2-serialization';
import { LIDAR_POINT_FIELDS, LIDAR_POINT_STEP, seededRandom } from '@sensorium/core';
import type { Image, ModalityWeights, PointCloud2 } from '@sensorium/core';

const { FoxgloveClient } = foxglove;

/** A LiDAR-layout cloud (x y z intensity float32, ring uint16, point_step 20) of `n` seeded points. */
export function makeCloud(n: number, seed = 1, sec = 1): PointCloud2 {
  const data = new Uint8Array(n * LIDAR_POINT_STEP);
  const view = new DataView(data.buffer);
  const random = seededRandom(seed);
  for (let i = 0; i < n; i++) {
    const o = i * LIDAR_POINT_STEP;
    view.setFloat32(o, random() * 20 - 10, true);
    view.setFloat32(o + 4, random() * 20 - 10, true);
    view.setFloat32(o + 8, random() * 2, true);
    view.setFloat32(o + 12, random(), true);
    view.setUint16(o + 16, i % 16, true);
  }
  return {
    header: { stamp: { sec, nanosec: 0 }, frame_id: 'lidar_link' },
    height: 1, width: n, fields: LIDAR_POINT_FIELDS.map((f) => ({ ...f })), is_bigendian: false,
    point_step: LIDAR_POINT_STEP, row_step: n * LIDAR_POINT_STEP, data, is_dense: true,
  };
}

export function makeImage(width = 64, height = 48, seed = 2): Image {
  const random = seededRandom(seed);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(random() * 256);
  return { header: { stamp: { sec: 1, nanosec: 0 }, frame_id: 'camera_optical_frame' }, height, width, encoding: 'rgb8', is_bigendian: 0, step: width * 3, data };
}

export function makeWeights(vision: number): ModalityWeights {
  const rest = (1 - vision) / 3;
  return {
    header: { stamp: { sec: 1, nanosec: 0 }, frame_id: 'base_link' },
    modalities: ['vision', 'lidar', 'audio', 'touch'],
    weights: new Float32Array([vision, rest, rest, rest]),
    active_modules: vision > 0.5 ? ['point_encoder'] : [],
    stale: [false, false, false, false],
  };
}

/** Resolves once `predicate` holds, checked once per event-loop turn (no sleeps: the test's own timeout bounds it). */
export function waitFor(predicate: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (predicate()) resolve();
      else setImmediate(check);
    };
    check();
  });
}

/** A FoxgloveClient over `ws`, collecting advertised channels, statuses and decoded messages. */
export class TestClient {
  readonly ws: WebSocket;
  readonly client: InstanceType<typeof FoxgloveClient>;
  readonly channels = new Map<string, Channel>();
  readonly statuses: string[] = [];
  readonly received = new Map<string, unknown[]>();
  readonly bytes = new Map<string, number>();
  /** Copies of the received CDR payloads per topic. */
  readonly raw = new Map<string, Uint8Array[]>();
  closeCode: number | undefined;
  readonly #readers = new Map<number, MessageReader>();
  readonly #topicBySubscription = new Map<number, string>();
  readonly #waiters: (() => void)[] = [];

  constructor(url: string, options: { token?: string; origin?: string; headers?: Record<string, string> } = {}) {
    const wsUrl = url.replace(/^http/, 'ws') + (options.token === undefined ? '' : `?token=${encodeURIComponent(options.token)}`);
    this.ws = new WebSocket(wsUrl, [FoxgloveClient.SUPPORTED_SUBPROTOCOL], { origin: options.origin, headers: options.headers });
    this.client = new FoxgloveClient({ ws: this.ws as never });
    this.client.on('advertise', (channels) => {
      for (const c of channels) this.channels.set(c.topic.replace(/^\//, ''), c);
      this.#wake();
    });
    this.client.on('status', (s) => {
      this.statuses.push(s.message);
      this.#wake();
    });
    this.client.on('close', (event) => {
      this.closeCode = event.code;
      this.#wake();
    });
    this.client.on('error', () => this.#wake());
    this.client.on('message', (m: MessageData) => this.#onMessage(m));
  }

  subscribe(topic: string): void {
    const channel = this.channels.get(topic);
    if (channel === undefined) throw new Error(`no channel ${topic}; have ${[...this.channels.keys()].join(', ')}`);
    const subId = this.client.subscribe(channel.id);
    this.#readers.set(subId, new MessageReader(parse(channel.schema, { ros2: true })));
    this.#topicBySubscription.set(subId, topic);
  }

  /** Resolves when `predicate` holds, re-checked on every client event and every event-loop turn. */
  until(predicate: () => boolean): Promise<void> {
    return waitFor(predicate);
  }

  close(): void {
    this.ws.close();
  }

  #onMessage(m: MessageData): void {
    const topic = this.#topicBySubscription.get(m.subscriptionId)!;
    const reader = this.#readers.get(m.subscriptionId)!;
    const list = this.received.get(topic) ?? [];
    list.push(reader.readMessage(m.data));
    this.received.set(topic, list);
    this.bytes.set(topic, (this.bytes.get(topic) ?? 0) + m.data.byteLength);
    const raw = this.raw.get(topic) ?? [];
    raw.push(new Uint8Array(m.data.buffer.slice(m.data.byteOffset, m.data.byteOffset + m.data.byteLength)));
    this.raw.set(topic, raw);
    this.#wake();
  }

  #wake(): void {
    const waiting = this.#waiters.splice(0);
    for (const w of waiting) w();
  }
}
