import { describe, it } from 'vitest';
import { createRosTransport } from '@sensorium/core';
import { describeTransportConformance } from '../../packages/core/test/support/transportConformance.js';

const rosSourced = process.env['ROS_DISTRO'] !== undefined && process.env['ROS_DISTRO'] !== '';

/**
 * DDS delivers on the executor, so wait on the condition by polling the event loop. This is the one
 * place with real waiting: it exercises real ROS 2, bounded at 5 s per condition.
 */
async function settle(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

if (rosSourced) {
  describeTransportConformance(`RosTransport over rclnodejs (ROS ${process.env['ROS_DISTRO']})`, async () => {
    const subscriberErrors: unknown[] = [];
    const transport = await createRosTransport({
      nodeName: `sensorium_conformance_${process.pid}`,
      onSubscriberError: (e) => subscriberErrors.push(e),
    });
    return { transport, subscriberErrors, settle };
  });
} else {
  console.log('skipped: ROS 2 is not sourced (source /opt/ros/<distro>/setup.bash and install rclnodejs to run these)');
  describe('RosTransport over rclnodejs', () => {
    it.skip('skipped: ROS 2 is not sourced', () => undefined);
  });
}
