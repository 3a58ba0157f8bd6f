import { NodeRegistry } from '@sensorium/core';
import { controlNodes } from '@sensorium/control';
import { fusionNodes } from '@sensorium/fusion';
import { perceptionNodes } from '@sensorium/perception';
import { simNodes } from '@sensorium/sim';

/**
 * A NodeRegistry holding every node of every package, so a launch file can name any `exec`. The CLI is the
 * only place that imports all packages' nodes (DESIGN.md: packages meet only through the graph).
 */
export function createNodeRegistry(): NodeRegistry {
  return new NodeRegistry().register(...perceptionNodes, ...fusionNodes, ...controlNodes, ...simNodes);
}
