/**
 * The part of rclnodejs 2.x that RosTransport uses, typed here because rclnodejs is not a dependency
 * (it builds against a sourced ROS 2 and cannot install elsewhere). The test double implements exactly this.
 */
export interface RclnodejsApi {
  init(): Promise<void>;
  shutdown(): void | Promise<void>;
  isShutdown(): boolean;
  Node: new (name: string, namespace?: string) => RclNode;
  QoS: RclQoSClass;
}

export interface RclQoSClass {
  new (history?: number, depth?: number, reliability?: number, durability?: number): RclQoS;
  HistoryPolicy: { RMW_QOS_POLICY_HISTORY_KEEP_LAST: number; RMW_QOS_POLICY_HISTORY_KEEP_ALL: number };
  ReliabilityPolicy: { RMW_QOS_POLICY_RELIABILITY_RELIABLE: number; RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT: number };
  DurabilityPolicy: { RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL: number; RMW_QOS_POLICY_DURABILITY_VOLATILE: number };
}

export type RclQoS = object;

export interface RclOptions {
  qos?: RclQoS;
  enableTypedArray?: boolean;
}

export interface RclPublisher {
  publish(message: unknown): void;
}

export type RclSubscription = object;

export interface RclNode {
  createPublisher(typeClass: string, topic: string, options?: RclOptions): RclPublisher;
  createSubscription(typeClass: string, topic: string, options: RclOptions, callback: (message: unknown) => void): RclSubscription;
  destroyPublisher(publisher: RclPublisher): void;
  destroySubscription(subscription: RclSubscription): void;
  countSubscribers(topic: string): number;
  spin(timeout?: number): void;
  destroy(): void;
}
