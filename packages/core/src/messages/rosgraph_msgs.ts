import type { Time } from '../time/Time.js';

/** rosgraph_msgs/msg/Clock */
export interface Clock {
  clock: Time;
}
