import type { MessageOf, MessageType } from '../messages/MessageTypeMap.js';
import { messageDefinition } from '../definitions/messageDefinition.js';
import { CdrCodec } from './CdrCodec.js';

/** A CdrCodec typed by a Sensorium message type. */
export type MessageCodec<K extends MessageType> = CdrCodec<MessageOf<K>> & { readonly type: K };

const codecs = new Map<MessageType, CdrCodec<unknown>>();

/**
 * The shared codec of a message type, generated on first use. Because `encode()` reuses one buffer
 * per codec, code that holds encoded bytes across calls should use `encodeCopy()` or its own
 * `new CdrCodec(messageDefinition(type))`.
 */
export function getCodec<K extends MessageType>(type: K): MessageCodec<K> {
  let codec = codecs.get(type);
  if (codec === undefined) {
    codec = Object.assign(new CdrCodec<unknown>(messageDefinition(type), { name: type }), { type });
    codecs.set(type, codec);
  }
  return codec as MessageCodec<K>;
}
