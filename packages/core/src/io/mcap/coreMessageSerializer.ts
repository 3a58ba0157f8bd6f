import { getCodec } from '../../cdr/getCodec.js';
import { isMessageType } from '../../definitions/messageTypes.js';
import { messageDefinition } from '../../definitions/messageDefinition.js';
import { ValidationError } from '../../errors/ValidationError.js';
import type { MessageSerializer } from './MessageSerializer.js';
import { schemaMessageSerializer } from './schemaMessageSerializer.js';

/**
 * Serializes with Sensorium's own CDR codecs (every type of DESIGN.md; encodes into a reused buffer)
 * and stores their full `ros2msg` definitions. Types Sensorium does not know can be added as definition
 * texts in `extra` (e.g. the schemas of a recording being re-recorded).
 */
export function coreMessageSerializer(extra: ReadonlyMap<string, string> = new Map()): MessageSerializer {
  const fallback = schemaMessageSerializer(extra);
  return {
    definition: (type) => {
      if (isMessageType(type)) return messageDefinition(type);
      if (extra.has(type)) return fallback.definition(type);
      throw new ValidationError(`no schema for message type ${type}`, { context: { field: 'type', expected: 'a Sensorium message type', actual: type } });
    },
    serialize: (type, message) => (isMessageType(type) ? getCodec(type).encode(message as never) : fallback.serialize(type, message)),
  };
}
