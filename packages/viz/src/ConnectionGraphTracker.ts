import type { Graph } from '@sensorium/core';

/** Who publishes and who subscribes each topic: topic → sorted ids (node full names). */
export interface ConnectionGraphSnapshot {
  readonly published: ReadonlyMap<string, readonly string[]>;
  readonly subscribed: ReadonlyMap<string, readonly string[]>;
}

/** The Foxglove `connectionGraphUpdate` message (ws-protocol types it but offers no server helper). */
export interface ConnectionGraphUpdate {
  op: 'connectionGraphUpdate';
  publishedTopics: { name: string; publisherIds: string[] }[];
  subscribedTopics: { name: string; subscriberIds: string[] }[];
  advertisedServices: { name: string; providerIds: string[] }[];
  removedTopics: string[];
  removedServices: string[];
}

/** The viewer server's own transport use, listed under `selfId` in the graph. */
export interface SelfConnections {
  readonly publishes: Iterable<string>;
  readonly subscribes: Iterable<string>;
}

/**
 * Builds the connection graph of the running nodes (active ones only: a deactivated node has dropped its
 * subscriptions) from what each node actually subscribed and advertised through its context (the per-topic
 * meters of its diagnostics), plus the server itself. `update()` returns what changed since the last call,
 * as Foxglove's incremental `connectionGraphUpdate`; `full()` is the whole graph for a new subscriber.
 * Sensorium has no services, so `advertisedServices` is always empty.
 */
export class ConnectionGraphTracker {
  readonly #graphs: () => readonly Graph[];
  readonly #self: () => SelfConnections;
  readonly #selfId: string;
  #last: ConnectionGraphSnapshot = { published: new Map(), subscribed: new Map() };

  constructor(options: { graphs: () => readonly Graph[]; self: () => SelfConnections; selfId: string }) {
    this.#graphs = options.graphs;
    this.#self = options.self;
    this.#selfId = options.selfId;
  }

  snapshot(): ConnectionGraphSnapshot {
    const published = new Map<string, Set<string>>();
    const subscribed = new Map<string, Set<string>>();
    const add = (map: Map<string, Set<string>>, topic: string, id: string): void => {
      let ids = map.get(topic);
      if (ids === undefined) map.set(topic, (ids = new Set()));
      ids.add(id);
    };
    for (const graph of this.#graphs()) {
      for (const node of graph.nodes) {
        if (node.state !== 'active') continue;
        for (const t of node.diagnostics.snapshot().topics) add(t.direction === 'out' ? published : subscribed, t.topic, node.fullName);
      }
    }
    const self = this.#self();
    for (const topic of self.publishes) add(published, topic, this.#selfId);
    for (const topic of self.subscribes) add(subscribed, topic, this.#selfId);
    const sorted = (map: Map<string, Set<string>>): Map<string, string[]> => new Map([...map].map(([topic, ids]) => [topic, [...ids].sort()]));
    return { published: sorted(published), subscribed: sorted(subscribed) };
  }

  /** The whole graph now (and the baseline for the next `update`). */
  full(): ConnectionGraphUpdate {
    this.#last = this.snapshot();
    return {
      op: 'connectionGraphUpdate',
      publishedTopics: [...this.#last.published].map(([name, ids]) => ({ name, publisherIds: [...ids] })),
      subscribedTopics: [...this.#last.subscribed].map(([name, ids]) => ({ name, subscriberIds: [...ids] })),
      advertisedServices: [],
      removedTopics: [],
      removedServices: [],
    };
  }

  /** What changed since the last `full`/`update`, or undefined when nothing did. */
  update(): ConnectionGraphUpdate | undefined {
    const previous = this.#last;
    const now = this.snapshot();
    this.#last = now;
    const changed = (a: ReadonlyMap<string, readonly string[]>, b: ReadonlyMap<string, readonly string[]>): [string, string[]][] => {
      const out: [string, string[]][] = [];
      for (const [topic, ids] of b) {
        const before = a.get(topic);
        if (before === undefined || before.length !== ids.length || before.some((id, i) => id !== ids[i])) out.push([topic, [...ids]]);
      }
      // A topic still in the graph that lost all its publishers (or subscribers) is sent with an empty list.
      for (const topic of a.keys()) if (!b.has(topic) && (now.published.has(topic) || now.subscribed.has(topic))) out.push([topic, []]);
      return out;
    };
    const publishedTopics = changed(previous.published, now.published).map(([name, publisherIds]) => ({ name, publisherIds }));
    const subscribedTopics = changed(previous.subscribed, now.subscribed).map(([name, subscriberIds]) => ({ name, subscriberIds }));
    const removedTopics: string[] = [];
    for (const topic of new Set([...previous.published.keys(), ...previous.subscribed.keys()])) {
      if (!now.published.has(topic) && !now.subscribed.has(topic)) removedTopics.push(topic);
    }
    if (publishedTopics.length === 0 && subscribedTopics.length === 0 && removedTopics.length === 0) return undefined;
    return { op: 'connectionGraphUpdate', publishedTopics, subscribedTopics, advertisedServices: [], removedTopics, removedServices: [] };
  }
}
