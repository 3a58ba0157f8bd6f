import type { MessageType } from '@sensorium/core';

/**
 * What a client may publish, and as which type. Anything else is refused even with the token: the
 * viewer steers the robot through the same inputs a teleop or a planner would, nothing more.
 */
export const CLIENT_PUBLISH_TOPICS: Readonly<Record<string, MessageType>> = Object.freeze({
  '/goal_pose': 'geometry_msgs/msg/PoseStamped',
  '/cmd_vel_raw': 'geometry_msgs/msg/Twist',
  /** Scenario control: std_msgs/String with data `start NAME` | `pause` | `resume` | `reset` (see README). */
  '/scenario/control': 'std_msgs/msg/String',
});

/** `goal_pose` and `/goal_pose` name the same topic for a client. */
export function absoluteTopic(topic: string): string {
  return topic.startsWith('/') ? topic : `/${topic}`;
}
