import { parse as parseMessageDefinition } from '@foxglove/rosmsg';
import { MessageReader } from '@foxglove/rosmsg2-serialization';
import { DecodeError } from '../../errors/DecodeError.js';
import type { McapChannelInfo } from './McapSource.js';

/** Turns a recorded message's bytes into an object. Throws DecodeError (with the topic) on bad bytes. */
export type MessageDecoder = (channel: McapChannelInfo, data: Uint8Array) => unknown;

/**
 * Decodes `cdr` messages with the `ros2msg` schema stored in the file, so any recorded type can be read,
 * including ones Sensorium has no TypeScript type for. Readers are built once per schema.
 */
export function schemaMessageDecoder(): MessageDecoder {
  const readers = new Map<string, MessageReader>();
  return (channel, data) => {
    const context = { topic: channel.topic, expected: `${channel.type} (cdr)` };
    if (channel.messageEncoding !== 'cdr') {
      throw new DecodeError(`cannot decode message encoding '${channel.messageEncoding}'`, { context: { ...context, actual: channel.messageEncoding } });
    }
    if (channel.schemaEncoding !== 'ros2msg') {
      throw new DecodeError(`cannot decode schema encoding '${channel.schemaEncoding}'`, { context: { ...context, actual: channel.schemaEncoding } });
    }
    const key = `${channel.type}\n${channel.schema}`;
    let reader = readers.get(key);
    if (reader === undefined) {
      try {
        reader = new MessageReader(parseMessageDefinition(channel.schema, { ros2: true }));
      } catch (error) {
        throw new DecodeError(`cannot parse the schema of ${channel.type}`, { context, cause: error });
      }
      readers.set(key, reader);
    }
    try {
      return reader.readMessage(data);
    } catch (error) {
      throw new DecodeError(`cannot decode ${channel.type}: ${error instanceof Error ? error.message : String(error)}`, {
        context: { ...context, offset: 0 },
        cause: error,
      });
    }
  };
}
