import { McapIndexedReader, McapStreamReader, type McapTypes } from '@mcap/core';
import { DecodeError } from '../../errors/DecodeError.js';
import { SensoriumError } from '../../errors/SensoriumError.js';
import type { QoS } from '../../transport/QoS.js';
import { decompressHandlers, loadMcapCompression } from './mcapCompression.js';
import { parseOfferedQosProfiles } from './offeredQosProfiles.js';
import { schemaMessageDecoder, type MessageDecoder } from './MessageDecoder.js';

/** Random access to the bytes of an MCAP file (a file handle, a Blob, a buffer). Same shape as `@mcap/core`'s IReadable. */
export interface McapReadable {
  size(): Promise<bigint>;
  read(offset: bigint, size: bigint): Promise<Uint8Array>;
}

/** One channel (topic) of a recording. */
export interface McapChannelInfo {
  readonly id: number;
  readonly topic: string;
  /** ROS 2 type from the schema name, e.g. `sensor_msgs/msg/PointCloud2`; `''` for schemaless channels. */
  readonly type: string;
  readonly messageEncoding: string;
  readonly schemaEncoding: string;
  /** Schema text (`ros2msg` with dependencies), empty when schemaless. */
  readonly schema: string;
  /** The publisher QoS rosbag2 stored in `offered_qos_profiles`, when present. */
  readonly qos: QoS | undefined;
  readonly metadata: ReadonlyMap<string, string>;
}

/** What a recording holds, from its summary section when indexed (no message is read for it). */
export interface McapSummary {
  readonly profile: string;
  readonly library: string;
  readonly channels: readonly McapChannelInfo[];
  /** Message count per channel id; from the Statistics record, or counted while streaming. */
  readonly messageCounts: ReadonlyMap<number, number>;
  readonly messageCount: number;
  /** Log time (ns) of the first and last message; 0n for an empty recording. */
  readonly startTime: bigint;
  readonly endTime: bigint;
  /** Chunk compressions present (`zstd`, `lz4`, `none`). */
  readonly compression: readonly string[];
  readonly chunkCount: number;
  /** True when read through the summary index; false when the file had to be streamed. */
  readonly indexed: boolean;
  /** Metadata records by name. */
  readonly metadata: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** A recorded message. `message` decodes `data` on first access and caches it. */
export interface RecordedMessage<T = unknown> {
  readonly channel: McapChannelInfo;
  readonly topic: string;
  readonly type: string;
  /** Nanoseconds since the epoch (or since sim start for sim-time recordings). */
  readonly logTime: bigint;
  readonly publishTime: bigint;
  readonly sequence: number;
  /** Serialized message (CDR for ROS 2), a view into the decompressed chunk. */
  readonly data: Uint8Array;
  readonly message: T;
}

export interface McapSourceOptions {
  /** File name for error messages. */
  file?: string;
  /** How `message` is decoded; defaults to decoding with the schema stored in the file. */
  decoder?: MessageDecoder;
  /** Check chunk CRCs (default true). */
  validateCrcs?: boolean;
}

export interface McapReadOptions {
  /** Only these topics. */
  topics?: readonly string[];
  /** Inclusive log-time bounds, ns. */
  startTime?: bigint;
  endTime?: bigint;
}

type StreamedMessage = McapTypes.TypedMcapRecords['Message'];

/**
 * Reads a rosbag2 / Foxglove MCAP recording through a `read(offset, size)` interface. Indexed files are
 * read chunk by chunk via the summary; unindexed or footer-less files fall back to streaming the whole
 * file (held in memory, sorted by log time). Anything unreadable becomes a DecodeError naming the file
 * and the byte offset.
 *
 * ```ts
 * const source = await McapSource.open(readable, { file: 'run.mcap' });
 * for await (const m of source.messages({ topics: ['/lidar/points'] })) use(m.logTime, m.message);
 * ```
 */
export class McapSource {
  readonly summary: McapSummary;
  readonly #file: string | undefined;
  readonly #decoder: MessageDecoder;
  readonly #validateCrcs: boolean;
  readonly #indexed: McapIndexedReader | undefined;
  readonly #readable: TrackingReadable;
  /** Streaming fallback: every message, sorted by log time. */
  readonly #streamed: StreamedMessage[] | undefined;
  readonly #channelsById: ReadonlyMap<number, McapChannelInfo>;

  private constructor(init: {
    summary: McapSummary;
    file: string | undefined;
    decoder: MessageDecoder;
    validateCrcs: boolean;
    indexed: McapIndexedReader | undefined;
    readable: TrackingReadable;
    streamed: StreamedMessage[] | undefined;
  }) {
    this.summary = init.summary;
    this.#file = init.file;
    this.#decoder = init.decoder;
    this.#validateCrcs = init.validateCrcs;
    this.#indexed = init.indexed;
    this.#readable = init.readable;
    this.#streamed = init.streamed;
    this.#channelsById = new Map(init.summary.channels.map((c) => [c.id, c]));
  }

  static async open(readable: McapReadable, options: McapSourceOptions = {}): Promise<McapSource> {
    await loadMcapCompression();
    const file = options.file;
    const decoder = options.decoder ?? schemaMessageDecoder();
    const validateCrcs = options.validateCrcs ?? true;
    const tracking = new TrackingReadable(readable);
    let indexed: McapIndexedReader | undefined;
    try {
      indexed = await McapIndexedReader.Initialize({ readable: tracking, decompressHandlers });
    } catch {
      // Not indexed, truncated or corrupt: streaming tells which, and where.
      indexed = undefined;
    }
    if (indexed !== undefined && isUsableIndex(indexed)) {
      const summary = await indexedSummary(indexed, tracking, file);
      return new McapSource({ summary, file, decoder, validateCrcs, indexed, readable: tracking, streamed: undefined });
    }
    const { summary, messages } = await streamAll(tracking, file, validateCrcs);
    return new McapSource({ summary, file, decoder, validateCrcs, indexed: undefined, readable: tracking, streamed: messages });
  }

  channel(id: number): McapChannelInfo | undefined {
    return this.#channelsById.get(id);
  }

  /** Messages in log-time order. Messages on channels without a known schema are still yielded (decode throws). */
  async *messages(options: McapReadOptions = {}): AsyncGenerator<RecordedMessage> {
    const { topics, startTime, endTime } = options;
    if (this.#streamed !== undefined) {
      const wanted = topics === undefined ? undefined : new Set(topics);
      for (const record of this.#streamed) {
        if (startTime !== undefined && record.logTime < startTime) continue;
        if (endTime !== undefined && record.logTime > endTime) continue;
        const channel = this.#channelsById.get(record.channelId);
        if (channel === undefined || (wanted !== undefined && !wanted.has(channel.topic))) continue;
        yield this.#wrap(channel, record);
      }
      return;
    }
    const reader = this.#indexed;
    if (reader === undefined) return;
    const iterator = reader.readMessages({
      ...(topics === undefined ? {} : { topics }),
      ...(startTime === undefined ? {} : { startTime }),
      ...(endTime === undefined ? {} : { endTime }),
      validateCrcs: this.#validateCrcs,
    });
    for (;;) {
      let result: IteratorResult<StreamedMessage, void>;
      try {
        result = await iterator.next();
      } catch (error) {
        throw toDecodeError(error, this.#file, this.#readable.lastOffset, 'cannot read MCAP chunk');
      }
      if (result.done === true) return;
      const record = result.value;
      const channel = this.#channelsById.get(record.channelId);
      if (channel === undefined) {
        throw new DecodeError(`MCAP message on unknown channel ${record.channelId}`, {
          context: { ...fileContext(this.#file), offset: Number(this.#readable.lastOffset) },
        });
      }
      yield this.#wrap(channel, record);
    }
  }

  #wrap(channel: McapChannelInfo, record: StreamedMessage): RecordedMessage {
    return new LazyRecordedMessage(channel, record, this.#decoder);
  }
}

/** The decoded message is computed once, on first access, so scans that only need times stay cheap. */
class LazyRecordedMessage implements RecordedMessage {
  readonly topic: string;
  readonly type: string;
  readonly logTime: bigint;
  readonly publishTime: bigint;
  readonly sequence: number;
  readonly data: Uint8Array;
  #decoded: unknown = undefined;
  #isDecoded = false;

  constructor(
    readonly channel: McapChannelInfo,
    record: StreamedMessage,
    private readonly decoder: MessageDecoder,
  ) {
    this.topic = channel.topic;
    this.type = channel.type;
    this.logTime = record.logTime;
    this.publishTime = record.publishTime;
    this.sequence = record.sequence;
    this.data = record.data;
  }

  get message(): unknown {
    if (!this.#isDecoded) {
      this.#decoded = this.decoder(this.channel, this.data);
      this.#isDecoded = true;
    }
    return this.#decoded;
  }
}

/** Remembers the last offset read, so a failure deep inside @mcap/core can still name where it happened. */
class TrackingReadable implements McapTypes.IReadable {
  lastOffset = 0n;
  constructor(private readonly inner: McapReadable) {}
  size(): Promise<bigint> {
    return this.inner.size();
  }
  read(offset: bigint, size: bigint): Promise<Uint8Array> {
    this.lastOffset = offset;
    return this.inner.read(offset, size);
  }
}

function isUsableIndex(reader: McapIndexedReader): boolean {
  // A file written without chunks (or without a chunk index) has a summary but no way to find its
  // messages through it: stream it instead.
  if (reader.chunkIndexes.length > 0) return true;
  return reader.statistics !== undefined && reader.statistics.messageCount === 0n;
}

function channelInfo(
  channel: McapTypes.TypedMcapRecords['Channel'],
  schema: McapTypes.TypedMcapRecords['Schema'] | undefined,
): McapChannelInfo {
  return {
    id: channel.id,
    topic: channel.topic,
    type: schema?.name ?? '',
    messageEncoding: channel.messageEncoding,
    schemaEncoding: schema?.encoding ?? '',
    schema: schema === undefined ? '' : textDecoder.decode(schema.data),
    qos: parseOfferedQosProfiles(channel.metadata.get('offered_qos_profiles')),
    metadata: channel.metadata,
  };
}

const textDecoder = new TextDecoder();

async function indexedSummary(reader: McapIndexedReader, readable: TrackingReadable, file: string | undefined): Promise<McapSummary> {
  const channels = [...reader.channelsById.values()].map((c) => channelInfo(c, reader.schemasById.get(c.schemaId)));
  const stats = reader.statistics;
  const messageCounts = new Map<number, number>();
  let startTime = 0n;
  let endTime = 0n;
  let messageCount = 0;
  if (stats !== undefined) {
    for (const [id, count] of stats.channelMessageCounts) messageCounts.set(id, Number(count));
    messageCount = Number(stats.messageCount);
    startTime = stats.messageStartTime;
    endTime = stats.messageEndTime;
  } else {
    // No statistics record: chunk indexes give the time range; counting needs one pass over the messages.
    for (const [i, index] of reader.chunkIndexes.entries()) {
      if (i === 0 || index.messageStartTime < startTime) startTime = index.messageStartTime;
      if (i === 0 || index.messageEndTime > endTime) endTime = index.messageEndTime;
    }
    try {
      for await (const record of reader.readMessages({ validateCrcs: false })) {
        messageCounts.set(record.channelId, (messageCounts.get(record.channelId) ?? 0) + 1);
        messageCount += 1;
      }
    } catch (error) {
      throw toDecodeError(error, file, readable.lastOffset, 'cannot read MCAP chunk');
    }
  }
  const compression = new Set(reader.chunkIndexes.map((c) => (c.compression === '' ? 'none' : c.compression)));
  const metadata = new Map<string, ReadonlyMap<string, string>>();
  try {
    for await (const record of reader.readMetadata()) metadata.set(record.name, record.metadata);
  } catch (error) {
    throw toDecodeError(error, file, readable.lastOffset, 'cannot read MCAP metadata');
  }
  return {
    profile: reader.header.profile,
    library: reader.header.library,
    channels,
    messageCounts,
    messageCount,
    startTime,
    endTime,
    compression: [...compression].sort(),
    chunkCount: reader.chunkIndexes.length,
    indexed: true,
    metadata,
  };
}

async function streamAll(
  readable: TrackingReadable,
  file: string | undefined,
  validateCrcs: boolean,
): Promise<{ summary: McapSummary; messages: StreamedMessage[] }> {
  const size = await readable.size();
  const reader = new McapStreamReader({ includeChunks: true, decompressHandlers, validateCrcs });
  const schemas = new Map<number, McapTypes.TypedMcapRecords['Schema']>();
  const channelRecords = new Map<number, McapTypes.TypedMcapRecords['Channel']>();
  const messages: StreamedMessage[] = [];
  const messageCounts = new Map<number, number>();
  const compression = new Set<string>();
  const metadata = new Map<string, ReadonlyMap<string, string>>();
  let header: McapTypes.TypedMcapRecords['Header'] | undefined;
  let chunkCount = 0;
  let appended = 0n;
  const blockSize = 4n * 1024n * 1024n;
  const parseError = (error: unknown): DecodeError =>
    toDecodeError(error, file, appended - BigInt(reader.bytesRemaining()), 'corrupt MCAP');
  while (appended < size) {
    const length = size - appended < blockSize ? size - appended : blockSize;
    reader.append(await readable.read(appended, length));
    appended += length;
    for (;;) {
      let record: McapTypes.TypedMcapRecord | undefined;
      try {
        record = reader.nextRecord();
      } catch (error) {
        throw parseError(error);
      }
      if (record === undefined) break;
      switch (record.type) {
        case 'Header':
          header = record;
          break;
        case 'Schema':
          schemas.set(record.id, record);
          break;
        case 'Channel':
          channelRecords.set(record.id, record);
          break;
        case 'Message':
          // Copy out of the stream reader's buffer, which it reuses as more data is appended.
          messages.push({ ...record, data: record.data.slice() });
          messageCounts.set(record.channelId, (messageCounts.get(record.channelId) ?? 0) + 1);
          break;
        case 'Chunk':
          chunkCount += 1;
          compression.add(record.compression === '' ? 'none' : record.compression);
          break;
        case 'Metadata':
          metadata.set(record.name, record.metadata);
          break;
        default:
          break;
      }
    }
  }
  if (header === undefined || !reader.done()) {
    throw new DecodeError(header === undefined ? 'not an MCAP file' : 'truncated MCAP: the file ends inside a record or has no footer', {
      context: {
        ...fileContext(file),
        offset: Number(appended - BigInt(reader.bytesRemaining())),
        expected: header === undefined ? 'MCAP magic and Header record' : 'DataEnd, Footer and closing magic',
      },
    });
  }
  // Recordings are written in arrival order, which can differ from log-time order across topics.
  messages.sort((a, b) => (a.logTime < b.logTime ? -1 : a.logTime > b.logTime ? 1 : 0));
  const channels = [...channelRecords.values()].map((c) => channelInfo(c, schemas.get(c.schemaId)));
  const first = messages[0];
  const last = messages[messages.length - 1];
  return {
    summary: {
      profile: header.profile,
      library: header.library,
      channels,
      messageCounts,
      messageCount: messages.length,
      startTime: first?.logTime ?? 0n,
      endTime: last?.logTime ?? 0n,
      compression: [...compression].sort(),
      chunkCount,
      indexed: false,
      metadata,
    },
    messages,
  };
}

function fileContext(file: string | undefined): { file?: string } {
  return file === undefined ? {} : { file };
}

function toDecodeError(error: unknown, file: string | undefined, offset: bigint, what: string): DecodeError {
  if (error instanceof SensoriumError) return error instanceof DecodeError ? error : new DecodeError(error.message, { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  // @mcap/core often names the exact offset ("... in chunk at offset N"); prefer it over the last read.
  const match = /offset (\d+)/.exec(detail);
  const at = match?.[1] !== undefined ? Number(match[1]) : Number(offset);
  return new DecodeError(`${what}: ${detail}`, { context: { ...fileContext(file), offset: at }, cause: error });
}
