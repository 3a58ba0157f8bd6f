import { DefaultQoS, MAX_QUEUE_DEPTH } from './QoS.js';
import type { QoS } from './QoS.js';

/**
 * Fills a partial QoS from `DefaultQoS` and bounds the depth: keep_last depth is clamped to
 * [1, MAX_QUEUE_DEPTH] and keep_all means MAX_QUEUE_DEPTH, so no queue is ever unbounded.
 */
export function resolveQoS(qos?: Partial<QoS>): QoS {
  const history = qos?.history ?? DefaultQoS.history;
  const requested = qos?.depth ?? DefaultQoS.depth;
  const depth =
    history === 'keep_all' ? MAX_QUEUE_DEPTH : Math.min(MAX_QUEUE_DEPTH, Math.max(1, Math.floor(requested)));
  return {
    reliability: qos?.reliability ?? DefaultQoS.reliability,
    history,
    depth,
    durability: qos?.durability ?? DefaultQoS.durability,
  };
}

/**
 * ROS 2 (DDS) request/offer compatibility: a reliable subscription only hears reliable publishers and a
 * transient_local subscription only hears transient_local publishers. Anything else connects.
 */
export function qosCompatible(offered: QoS, requested: QoS): boolean {
  if (requested.reliability === 'reliable' && offered.reliability !== 'reliable') return false;
  if (requested.durability === 'transient_local' && offered.durability !== 'transient_local') return false;
  return true;
}
