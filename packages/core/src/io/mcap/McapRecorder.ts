import { McapWriter, type IWritable } from '@mcap/core';
import { ValidationError } from '../../errors/ValidationError.js';
import { DefaultQoS, type QoS } from '../../transport/QoS.js';
import { compressZstd, loadMcapCompression, type McapCompression } from './mcapCompression.js';
import type { MessageSerializer } from './MessageSerializer.js';
import { offeredQosProfilesYaml } from './offeredQosProfiles.js';

export interface McapRecorderOptions {
  /** Where the bytes go (a file, a buffer); only `write` and `position` are used. */
  writable: IWritable;
  /** Schemas and CDR bytes per type. */
  serializer: MessageSerializer;
  /** Chunk compression (default `zstd`, as rosbag2). */
  compression?: McapCompression;
  /** Uncompressed chunk size before it is compressed and written (default 1 MiB). */
  chunkSize?: number;
  /** Messages queued while the writable is busy before new ones are dropped (default 1000). */
  maxPendingMessages?: number;
  /** Written into the MCAP header. */
  library?: string;
  /** Extra metadata records, by name. */
  metadata?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface RecordTimes {
  /** Receive time, ns (rosbag2's log time). */
  logTime: bigint;
  /** Send time, ns; defaults to `logTime`. */
  publishTime?: bigint;
}

export interface RecorderStats {
  messages: number;
  dropped: number;
  channels: number;
  bytes: bigint;
}

interface ChannelEntry {
  id: number;
  type: string;
  sequence: number;
}

/**
 * Writes a rosbag2-compatible MCAP: profile `ros2`, `ros2msg` schemas with their dependencies, `cdr`
 * messages, zstd chunks, `offered_qos_profiles` channel metadata, a summary with statistics and indexes.
 * `ros2 bag info/play`, Foxglove and `mcap` read the result. Knows nothing about files: give it an
 * IWritable.
 *
 * ```ts
 * const recorder = await McapRecorder.create({ writable, serializer });
 * await recorder.write('/imu/data', 'sensor_msgs/msg/Imu', imu, { logTime: toNs(clock.now()) });
 * await recorder.close();
 * ```
 */
export class McapRecorder {
  readonly #writer: McapWriter;
  readonly #writable: IWritable;
  readonly #serializer: MessageSerializer;
  readonly #maxPending: number;
  readonly #schemaIds = new Map<string, Promise<number>>();
  readonly #channels = new Map<string, Promise<ChannelEntry>>();
  /** McapWriter calls must not overlap: every write is chained on this. */
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #messages = 0;
  #dropped = 0;
  #closed: Promise<RecorderStats> | undefined;

  private constructor(writer: McapWriter, options: McapRecorderOptions) {
    this.#writer = writer;
    this.#writable = options.writable;
    this.#serializer = options.serializer;
    this.#maxPending = options.maxPendingMessages ?? 1000;
  }

  static async create(options: McapRecorderOptions): Promise<McapRecorder> {
    await loadMcapCompression();
    const compression = options.compression ?? 'zstd';
    const writer = new McapWriter({
      writable: options.writable,
      useStatistics: true,
      useChunks: true,
      useChunkIndex: true,
      useMessageIndex: true,
      useSummaryOffsets: true,
      repeatSchemas: true,
      repeatChannels: true,
      useMetadataIndex: true,
      chunkSize: options.chunkSize ?? 1024 * 1024,
      ...(compression === 'zstd' ? { compressChunk: compressZstd } : {}),
    });
    await writer.start({ profile: 'ros2', library: options.library ?? 'sensorium' });
    const recorder = new McapRecorder(writer, options);
    for (const [name, entries] of Object.entries(options.metadata ?? {})) {
      await writer.addMetadata({ name, metadata: new Map(Object.entries(entries)) });
    }
    return recorder;
  }

  /**
   * Declares a topic up front (optional: `write` declares on first use). `qos` is what the publisher
   * offers, stored for `ros2 bag play` to re-offer.
   */
  addChannel(topic: string, type: string, options: { qos?: Readonly<QoS> } = {}): Promise<number> {
    return this.#serialized(() => this.#channel(topic, type, options.qos)).then((c) => c.id);
  }

  /** Serializes and records one message. Resolves once it is in the chunk being built. */
  write(topic: string, type: string, message: unknown, times: RecordTimes): Promise<void> {
    return this.#enqueue(topic, type, times, () => this.#serializer.serialize(type, message));
  }

  /** Records already-serialized CDR bytes (copying from another recording or a serialized subscription). */
  writeSerialized(topic: string, type: string, data: Uint8Array, times: RecordTimes): Promise<void> {
    return this.#enqueue(topic, type, times, () => data);
  }

  stats(): RecorderStats {
    return { messages: this.#messages, dropped: this.#dropped, channels: this.#channels.size, bytes: this.#writable.position() };
  }

  /** Flushes the last chunk and writes the summary. Safe to call twice; later writes are rejected. */
  close(): Promise<RecorderStats> {
    this.#closed ??= this.#tail.then(async () => {
      await this.#writer.end();
      return this.stats();
    });
    return this.#closed;
  }

  #enqueue(topic: string, type: string, times: RecordTimes, bytes: () => Uint8Array): Promise<void> {
    if (this.#closed !== undefined) {
      return Promise.reject(new ValidationError('recorder is closed', { context: { topic } }));
    }
    if (this.#pending >= this.#maxPending) {
      // Dropping beats growing without bound when the disk cannot keep up (rosbag2 does the same).
      this.#dropped += 1;
      return Promise.resolve();
    }
    this.#pending += 1;
    const done = this.#tail.then(async () => {
      try {
        // Registered inside the queued operation: registering through the queue from here would wait
        // on this very operation (a deadlock).
        const entry = await this.#channel(topic, type, undefined);
        // Serialize only now: a reused encode buffer is valid until the next serialize, and
        // addMessage copies it into the chunk synchronously before any other write can run.
        const data = bytes();
        await this.#writer.addMessage({
          channelId: entry.id,
          sequence: entry.sequence++,
          logTime: times.logTime,
          publishTime: times.publishTime ?? times.logTime,
          data,
        });
        this.#messages += 1;
      } finally {
        this.#pending -= 1;
      }
    });
    // A failed write must not wedge the queue for the writes behind it.
    this.#tail = done.catch(() => undefined);
    return done;
  }

  /** Only from inside a queued operation (`#serialized` or `#enqueue`): it calls the writer directly. */
  #channel(topic: string, type: string, qos: Readonly<QoS> | undefined): Promise<ChannelEntry> {
    const existing = this.#channels.get(topic);
    if (existing !== undefined) {
      return existing.then((entry) => {
        if (entry.type !== type) {
          throw new ValidationError(`topic already recorded with another type`, { context: { topic, expected: entry.type, actual: type } });
        }
        return entry;
      });
    }
    const created = this.#schema(type).then(async (schemaId) => {
      const id = await this.#writer.registerChannel({
        topic,
        schemaId,
        messageEncoding: 'cdr',
        metadata: new Map([['offered_qos_profiles', offeredQosProfilesYaml(qos ?? DefaultQoS)]]),
      });
      return { id, type, sequence: 0 };
    });
    this.#channels.set(topic, created);
    return created;
  }

  #schema(type: string): Promise<number> {
    let id = this.#schemaIds.get(type);
    if (id === undefined) {
      // An unknown type rejects here (once, cached), and every write on its topics rejects with it.
      id = Promise.resolve().then(() => {
        const definition = this.#serializer.definition(type);
        return this.#writer.registerSchema({ name: type, encoding: 'ros2msg', data: new TextEncoder().encode(definition) });
      });
      this.#schemaIds.set(type, id);
    }
    return id;
  }

  #serialized<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(operation);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
