import type {
  RclNode,
  RclOptions,
  RclPublisher,
  RclQoS,
  RclSubscription,
  RclnodejsApi,
} from '../../src/transport/ros/RclnodejsApi.js';

/**
 * A test double of the rclnodejs 2.x API subset RosTransport uses. It proves the wiring (types, topics,
 * QoS mapping, spin, destroy, BigInt handling), not ROS: an in-memory graph delivers copies
 * (structuredClone, like serialisation) asynchronously on a microtask while a node spins, honouring
 * DDS QoS compatibility and transient_local history the way rmw does.
 */
export interface RclnodejsDouble extends RclnodejsApi {
  /** Every createPublisher/createSubscription call, for wiring assertions. */
  readonly calls: { kind: 'publisher' | 'subscription'; type: string; topic: string; qos: DoubleQoS; typedArrays: boolean }[];
  /** Nodes alive (not destroyed). */
  liveNodes(): number;
}

class DoubleQoS {
  static HistoryPolicy = { RMW_QOS_POLICY_HISTORY_SYSTEM_DEFAULT: 0, RMW_QOS_POLICY_HISTORY_KEEP_LAST: 1, RMW_QOS_POLICY_HISTORY_KEEP_ALL: 2 };
  static ReliabilityPolicy = {
    RMW_QOS_POLICY_RELIABILITY_SYSTEM_DEFAULT: 0,
    RMW_QOS_POLICY_RELIABILITY_RELIABLE: 1,
    RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT: 2,
  };
  static DurabilityPolicy = {
    RMW_QOS_POLICY_DURABILITY_SYSTEM_DEFAULT: 0,
    RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL: 1,
    RMW_QOS_POLICY_DURABILITY_VOLATILE: 2,
  };
  constructor(
    readonly history = 0,
    readonly depth = 0,
    readonly reliabilityPolicy = 0,
    readonly durability = 0,
  ) {}
}
type DoubleQoSType = DoubleQoS;
export type { DoubleQoSType as DoubleQoS };

interface Endpoint {
  readonly node: DoubleNode;
  readonly type: string;
  readonly topic: string;
  readonly qos: DoubleQoS;
}
interface Pub extends Endpoint {
  readonly history: unknown[];
}
interface Sub extends Endpoint {
  readonly callback: (message: unknown) => void;
}

const RELIABLE = 1;
const TRANSIENT_LOCAL = 1;

function compatible(offered: DoubleQoS, requested: DoubleQoS): boolean {
  if (requested.reliabilityPolicy === RELIABLE && offered.reliabilityPolicy !== RELIABLE) return false;
  if (requested.durability === TRANSIENT_LOCAL && offered.durability !== TRANSIENT_LOCAL) return false;
  return true;
}

class World {
  readonly pubs = new Set<Pub>();
  readonly subs = new Set<Sub>();
  readonly queue: { sub: Sub; message: unknown }[] = [];
  scheduled = false;

  deliver(sub: Sub, message: unknown): void {
    this.queue.push({ sub, message: structuredClone(message) });
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.drain());
  }

  drain(): void {
    this.scheduled = false;
    for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) {
      // Only a spinning, live node executes callbacks, as with rclnodejs.
      if (item.sub.node.spinning && !item.sub.node.destroyed && this.subs.has(item.sub)) item.sub.callback(item.message);
    }
  }
}

class DoubleNode implements RclNode {
  spinning = false;
  destroyed = false;
  constructor(
    readonly world: World,
    readonly owner: RclnodejsDouble,
    readonly name: string,
    readonly namespace: string,
  ) {}

  createPublisher(type: string, topic: string, options: RclOptions = {}): RclPublisher {
    this.#alive();
    const qos = (options.qos as DoubleQoS | undefined) ?? new DoubleQoS(1, 10, RELIABLE, 2);
    this.owner.calls.push({ kind: 'publisher', type, topic, qos, typedArrays: options.enableTypedArray ?? true });
    const pub: Pub = { node: this, type, topic, qos, history: [] };
    this.world.pubs.add(pub);
    const world = this.world;
    return Object.assign(
      {
        publish(message: unknown): void {
          if (!world.pubs.has(pub)) throw new Error('publisher destroyed');
          // Serialised once on publish, as rclnodejs does: what cannot be serialised throws here.
          const wire = structuredClone(message);
          if (qos.durability === TRANSIENT_LOCAL) {
            pub.history.push(wire);
            if (pub.history.length > Math.max(1, qos.depth)) pub.history.shift();
          }
          for (const sub of world.subs) {
            if (sub.topic === topic && compatible(qos, sub.qos)) world.deliver(sub, wire);
          }
        },
      },
      { [ENDPOINT]: pub },
    );
  }

  createSubscription(type: string, topic: string, options: RclOptions, callback: (message: unknown) => void): RclSubscription {
    this.#alive();
    const qos = (options.qos as DoubleQoS | undefined) ?? new DoubleQoS(1, 10, RELIABLE, 2);
    this.owner.calls.push({ kind: 'subscription', type, topic, qos, typedArrays: options.enableTypedArray ?? true });
    const sub: Sub = { node: this, type, topic, qos, callback };
    this.world.subs.add(sub);
    if (qos.durability === TRANSIENT_LOCAL) {
      for (const pub of this.world.pubs) {
        if (pub.topic === topic && compatible(pub.qos, qos)) {
          for (const m of pub.history.slice(-Math.max(1, qos.depth))) this.world.deliver(sub, m);
        }
      }
    }
    return { [ENDPOINT]: sub };
  }

  destroyPublisher(publisher: RclPublisher): void {
    this.world.pubs.delete((publisher as unknown as Record<symbol, Pub>)[ENDPOINT] as Pub);
  }

  destroySubscription(subscription: RclSubscription): void {
    this.world.subs.delete((subscription as Record<symbol, Sub>)[ENDPOINT] as Sub);
  }

  countSubscribers(topic: string): number {
    let n = 0;
    for (const sub of this.world.subs) if (sub.topic === topic) n++;
    return n;
  }

  spin(): void {
    this.#alive();
    if (this.spinning) throw new Error('The node is already spinning.');
    this.spinning = true;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.spinning = false;
    for (const p of [...this.world.pubs]) if (p.node === this) this.world.pubs.delete(p);
    for (const s of [...this.world.subs]) if (s.node === this) this.world.subs.delete(s);
  }

  #alive(): void {
    if (this.destroyed) throw new Error('node destroyed');
  }
}

const ENDPOINT = Symbol('endpoint');

/** A fresh double with its own in-memory graph, not yet initialised (like a freshly imported rclnodejs). */
export function createRclnodejsDouble(): RclnodejsDouble {
  const world = new World();
  let initialised = false;
  const nodes: DoubleNode[] = [];
  const double: RclnodejsDouble = {
    calls: [],
    init: async () => {
      if (initialised) throw new Error('The context has already been initialized.');
      initialised = true;
    },
    shutdown: () => {
      for (const n of nodes) n.destroy();
      initialised = false;
    },
    isShutdown: () => !initialised,
    Node: class extends DoubleNode {
      constructor(name: string, namespace = '') {
        if (!initialised) throw new Error('rclnodejs.init() has not been called');
        super(world, double, name, namespace);
        nodes.push(this);
      }
    } as unknown as RclnodejsApi['Node'],
    QoS: DoubleQoS as unknown as RclnodejsApi['QoS'],
    liveNodes: () => nodes.filter((n) => !n.destroyed).length,
  };
  return double;
}

export type { RclQoS };
