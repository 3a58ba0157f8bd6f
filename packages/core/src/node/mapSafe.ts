import { filter, map } from 'rxjs';
import type { OperatorFunction } from 'rxjs';
import { dropReason } from '../diagnostics/dropReason.js';
import type { NodeContext } from './NodeDefinition.js';

const SKIP: unique symbol = Symbol('mapSafe.skip');

/**
 * `map` for node pipelines where bad input must not end the stream: if `project` throws, that one
 * message is dropped and counted in the node's diagnostics under `topic` and the error's code
 * (`DECODE_ERROR`, `VALIDATION_ERROR`, …), and the next message is processed normally.
 *
 * ```ts
 * ctx.subscribe('lidar/points', 'sensor_msgs/msg/PointCloud2', SensorDataQoS).pipe(
 *   mapSafe(ctx, 'lidar/points', (cloud) => readXyz(cloud)), // throws ValidationError on a bad cloud
 * )
 * ```
 *
 * Built from `map` and `filter`, so it allocates nothing per message and keeps the guard of the context's
 * observable (a throwing final handler is also counted, not fatal).
 */
export function mapSafe<T, R>(
  ctx: Pick<NodeContext, 'diagnostics'> & Partial<Pick<NodeContext, 'resolve'>>,
  topic: string,
  project: (value: T, index: number) => R,
): OperatorFunction<T, R> {
  // Counted under the resolved name when given a node context, like the context's own counts.
  const counted = ctx.resolve === undefined ? topic : ctx.resolve(topic);
  return (source) =>
    source.pipe(
      map((value: T, index: number): R | typeof SKIP => {
        try {
          return project(value, index);
        } catch (error) {
          ctx.diagnostics.drop(counted, dropReason(error), error);
          return SKIP;
        }
      }),
      filter((value): value is R => value !== SKIP),
    );
}
