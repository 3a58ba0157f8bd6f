import { LocalTransport, createRosTransport, type RclnodejsApi, type Transport } from '@sensorium/core';
import type { CliIo } from './CliCommand.js';

export interface OpenTransportOptions {
  kind: 'local' | 'ros2';
  /** The rclnodejs node name for `ros2`. */
  nodeName: string;
  /** Its namespace (default `/`). */
  namespace?: string;
  /** An rclnodejs module (or test double) instead of importing `rclnodejs`. */
  rclnodejs?: RclnodejsApi;
  /** Prefix of the error line, e.g. `sensorium play`. */
  command: string;
  /** The line after the error that says how to run without ROS 2. */
  withoutRos: string;
}

/**
 * The transport a command runs on: in-process, or ROS 2 through rclnodejs. Without a sourced ROS 2 it prints
 * why (createRosTransport says what to source and install) plus how to do without, and returns undefined: the
 * command then exits 1 instead of throwing.
 */
export async function openTransport(io: CliIo, options: OpenTransportOptions): Promise<Transport | undefined> {
  if (options.kind === 'local') return new LocalTransport();
  try {
    return await createRosTransport({
      nodeName: options.nodeName,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.rclnodejs === undefined ? {} : { rclnodejs: options.rclnodejs }),
    });
  } catch (error) {
    io.stderr(`${options.command}: ${(error as Error).message}\n  ${options.withoutRos}\n`);
    return undefined;
  }
}
