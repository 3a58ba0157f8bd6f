import { getCodec } from '../../cdr/getCodec.js';
import { isMessageType } from '../../definitions/messageTypes.js';
import type { MessageDecoder } from './MessageDecoder.js';
import { schemaMessageDecoder } from './MessageDecoder.js';

/**
 * Decodes `cdr` messages of Sensorium's types with its own zero-copy codecs (large arrays are views into
 * the chunk) and every other type with the schema stored in the file.
 */
export function coreMessageDecoder(): MessageDecoder {
  const fallback = schemaMessageDecoder();
  return (channel, data) =>
    channel.messageEncoding === 'cdr' && isMessageType(channel.type)
      ? getCodec(channel.type).decode(data, { topic: channel.topic })
      : fallback(channel, data);
}
