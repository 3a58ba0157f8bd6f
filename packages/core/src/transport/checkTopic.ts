import { TransportError } from '../errors/TransportError.js';
import type { MessageType } from '../messages/index.js';

/**
 * The checks every transport makes before it advertises or subscribes, so the local and the ROS 2 transport
 * refuse the same things with the same errors (the conformance suite runs against both).
 */
export function checkTopic(options: { topic: string; closed: boolean }): void {
  const { topic } = options;
  if (options.closed) throw new TransportError('transport is closed', { context: { topic } });
  if (!topic.startsWith('/')) {
    throw new TransportError('topic names given to a transport must be absolute (resolve them in the node)', {
      context: { topic, expected: 'an absolute name like /lidar/points' },
    });
  }
}

/** A topic keeps the type it was first used with; another type on the same name is refused. */
export function checkTopicType(options: { topic: string; type: MessageType; existing: MessageType | undefined }): void {
  const { topic, type, existing } = options;
  if (existing !== undefined && existing !== type) {
    throw new TransportError(`topic ${topic} has type ${existing}, not ${type}`, {
      context: { topic, expected: existing, actual: type },
    });
  }
}
