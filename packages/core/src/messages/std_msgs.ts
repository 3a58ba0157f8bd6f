import type { Time } from '../time/Time.js';

/** std_msgs/msg/Header */
export interface Header {
  stamp: Time;
  frame_id: string;
}

/** std_msgs/msg/String */
export interface StringMsg {
  data: string;
}
