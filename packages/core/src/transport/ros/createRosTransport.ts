import { TransportError } from '../../errors/TransportError.js';
import type { RclnodejsApi } from './RclnodejsApi.js';
import { RosTransport } from './RosTransport.js';
import type { RosTransportOptions } from './RosTransport.js';

export interface CreateRosTransportOptions extends RosTransportOptions {
  /** An rclnodejs module (or a test double) to use instead of importing `rclnodejs`. */
  rclnodejs?: RclnodejsApi;
}

/**
 * Loads rclnodejs (lazily: it is not a dependency, and exists only where ROS 2 is sourced), initialises
 * it if needed and returns a RosTransport. Without rclnodejs, rejects with a TransportError saying how
 * to get it.
 */
export async function createRosTransport(options: CreateRosTransportOptions = {}): Promise<RosTransport> {
  let rcl = options.rclnodejs;
  if (rcl === undefined) {
    // Held in a variable so neither tsc nor a bundler tries to resolve it.
    const moduleName = 'rclnodejs';
    try {
      const loaded = (await import(moduleName)) as { default?: RclnodejsApi } & RclnodejsApi;
      rcl = loaded.default ?? loaded;
    } catch (cause) {
      throw new TransportError(
        'rclnodejs is not available. Source ROS 2 first (`source /opt/ros/humble/setup.bash`), then ' +
          '`npm install rclnodejs` (with npm_config_yes=true; it builds against the sourced ROS 2).',
        { context: { expected: 'the rclnodejs package, built against a sourced ROS 2' }, cause },
      );
    }
  }
  let ownsContext = false;
  if (rcl.isShutdown()) {
    try {
      await rcl.init();
      ownsContext = true;
    } catch (cause) {
      throw new TransportError(`rclnodejs.init() failed: ${(cause as Error).message}`, { cause });
    }
  }
  return new RosTransport(rcl, { ...options, ownsContext });
}
