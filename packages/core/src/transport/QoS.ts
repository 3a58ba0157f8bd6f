/** ROS 2 quality of service, the subset both transports honour. */
export interface QoS {
  reliability: 'reliable' | 'best_effort';
  /** keep_last with `depth`, or keep_all (bounded by the transport's hard limit, never unbounded). */
  history: 'keep_last' | 'keep_all';
  depth: number;
  durability: 'volatile' | 'transient_local';
}

/** rclcpp's SystemDefaultsQoS / rclnodejs default: reliable, keep last 10, volatile. */
export const DefaultQoS: Readonly<QoS> = Object.freeze({
  reliability: 'reliable',
  history: 'keep_last',
  depth: 10,
  durability: 'volatile',
});

/** rclcpp's SensorDataQoS: best effort, keep last 5, volatile. For every sensor stream. */
export const SensorDataQoS: Readonly<QoS> = Object.freeze({
  reliability: 'best_effort',
  history: 'keep_last',
  depth: 5,
  durability: 'volatile',
});

/** Latched topics (tf_static, camera_info, audio info): reliable, keep last 1, transient local. */
export const LatchedQoS: Readonly<QoS> = Object.freeze({
  reliability: 'reliable',
  history: 'keep_last',
  depth: 1,
  durability: 'transient_local',
});

/** Upper bound on any per-subscription queue, also for keep_all: nothing queues without bound. */
export const MAX_QUEUE_DEPTH = 1000;
