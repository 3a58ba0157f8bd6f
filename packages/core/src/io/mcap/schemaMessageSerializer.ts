import { parse as parseMessageDefinition } from '@foxglove/rosmsg';
import { MessageWriter } from '@foxglove/rosmsg2-serialization';
import { ValidationError } from '../../errors/ValidationError.js';
import type { MessageSerializer } from './MessageSerializer.js';

/**
 * A serializer for types known only by their `ros2msg` definition text (e.g. schemas read from another
 * recording), for re-recording or converting files with types Sensorium has no codec for.
 */
export function schemaMessageSerializer(definitions: ReadonlyMap<string, string>): MessageSerializer {
  const writers = new Map<string, MessageWriter>();
  const definition = (type: string): string => {
    const text = definitions.get(type);
    if (text === undefined) throw new ValidationError(`no schema for message type ${type}`, { context: { expected: [...definitions.keys()].join(' | '), actual: type } });
    return text;
  };
  return {
    definition,
    serialize: (type, message) => {
      let writer = writers.get(type);
      if (writer === undefined) {
        writer = new MessageWriter(parseMessageDefinition(definition(type), { ros2: true }));
        writers.set(type, writer);
      }
      return writer.writeMessage(message);
    },
  };
}
