import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Subscription } from 'rxjs';
import { ConfigError, LocalTransport, NodeRegistry, SimClock, defineNode, double, runGraph, string } from '@sensorium/core';
import type { Graph } from '@sensorium/core';
import type { Parameter } from '@foxglove/ws-protocol';
import { createVizServer } from '../src/index.js';
import type { VizServer, VizServerOptions } from '../src/index.js';
import { TestClient, waitFor } from './fixtures.js';

/**
 * A node that, like every Sensorium node, reads its parameters in configure: `out` = `<gain>:<label>:<in>`.
 * If a set parameter did not reach the node, `out` would keep the old prefix.
 */
const echoNode = defineNode({
  exec: 'echo',
  description: 'test: prefixes every input with its parameters',
  parameters: {
    gain: double(1, { min: 0, max: 10, description: 'a number with a range' }),
    label: string('a', { choices: ['a', 'b'], description: 'a choice' }),
  },
  inputs: [{ topic: 'in', type: 'std_msgs/msg/String' }],
  outputs: [{ topic: 'out', type: 'std_msgs/msg/String' }],
  configure(ctx) {
    const prefix = `${ctx.params.gain}:${ctx.params.label}`;
    return {
      activate() {
        const out = ctx.advertise('out', 'std_msgs/msg/String');
        const subscription = new Subscription();
        subscription.add(ctx.subscribe('in', 'std_msgs/msg/String').subscribe((m) => out.publish({ data: `${prefix}:${m.data}` })));
        return subscription;
      },
    };
  },
});

/** Fails to configure with `mode: broken`, as a node does whose model file is missing. */
const pickyNode = defineNode({
  exec: 'picky',
  description: 'test: configure fails for one value',
  parameters: { mode: string('ok', { choices: ['ok', 'fine', 'broken'], description: 'broken fails configure' }) },
  inputs: [{ topic: 'in', type: 'std_msgs/msg/String' }],
  outputs: [{ topic: 'picky_out', type: 'std_msgs/msg/String' }],
  configure(ctx) {
    if (ctx.params.mode === 'broken') throw new ConfigError('cannot load the model', { context: { file: 'models/broken.onnx' } });
    const mode = ctx.params.mode;
    return {
      activate() {
        const out = ctx.advertise('picky_out', 'std_msgs/msg/String');
        return ctx.subscribe('in', 'std_msgs/msg/String').subscribe((m) => out.publish({ data: `${mode}:${m.data}` }));
      },
    };
  },
});

/** Only subscribes: a second node on `/out`, so the connection graph has a topic with both sides. */
const sinkNode = defineNode({
  exec: 'sink',
  description: 'test: listens to out',
  parameters: {},
  inputs: [{ topic: 'out', type: 'std_msgs/msg/String' }],
  outputs: [],
  configure(ctx) {
    return { activate: () => ctx.subscribe('out', 'std_msgs/msg/String').subscribe() };
  },
});

const TOKEN = 'graph-test-token';
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function start(options: { nodes: string[]; viz?: Partial<VizServerOptions> }): Promise<{ server: VizServer; transport: LocalTransport; graph: Graph }> {
  const transport = new LocalTransport();
  const clock = new SimClock();
  const registry = new NodeRegistry().register(echoNode, sinkNode, pickyNode);
  const graph = await runGraph(
    { args: {}, nodes: options.nodes.map((exec) => ({ pkg: 'test', exec, namespace: '/', params: [], remaps: [], args: [], source: { file: 'test', path: exec } })) },
    { registry, transport, clock, diagnostics: false },
  );
  const server = await createVizServer({ transport, clock, port: 0, topicPollMs: 10, viewer: { build: 'never' }, graphs: [graph], clientPublish: { token: TOKEN }, ...options.viz });
  cleanup.push(async () => {
    await server.close();
    await graph.shutdown();
    await transport.close();
  });
  return { server, transport, graph };
}

async function connect(server: VizServer, token?: string): Promise<TestClient & { values: Parameter[][]; ids: (string | undefined)[]; graph: unknown[]; capabilities: string[] }> {
  const c = Object.assign(new TestClient(server.url, token === undefined ? {} : { token }), { values: [] as Parameter[][], ids: [] as (string | undefined)[], graph: [] as unknown[], capabilities: [] as string[] });
  cleanup.push(async () => c.close());
  c.client.on('serverInfo', (info) => c.capabilities.push(...info.capabilities));
  c.client.on('parameterValues', (m) => {
    c.values.push(m.parameters);
    c.ids.push(m.id);
  });
  c.client.on('connectionGraphUpdate', (m) => c.graph.push(m));
  await c.until(() => c.ws.readyState === WebSocket.OPEN && c.capabilities.length > 0);
  return c;
}

function outputs(transport: LocalTransport): string[] {
  const seen: string[] = [];
  transport.subscribe('/out', 'std_msgs/msg/String').subscribe((m) => seen.push(m.data));
  return seen;
}

describe('viz server: parameters capability', () => {
  it('lists every parameter of the running nodes as /<node>.<param>, doubles tagged float64', async () => {
    const { server } = await start({ nodes: ['echo'] });
    const c = await connect(server);
    expect(c.capabilities).toEqual(expect.arrayContaining(['parameters', 'parametersSubscribe', 'connectionGraph']));
    c.client.getParameters([], 'all');
    await c.until(() => c.values.length >= 1);
    expect(c.ids[0]).toBe('all');
    expect(c.values[0]).toEqual([
      { name: '/echo.gain', value: 1, type: 'float64' },
      { name: '/echo.label', value: 'a' },
    ]);
    c.client.getParameters(['/echo.label', '/echo.nope', '/ghost.gain'], 'some');
    await c.until(() => c.values.length >= 2 && c.statuses.length > 0);
    expect(c.values[1]).toEqual([{ name: '/echo.label', value: 'a' }]);
    expect(c.statuses.join('\n')).toMatch(/unknown parameter\(s\): \/echo\.nope, \/ghost\.gain/);
  });

  it('sets a parameter with the token: the node sees the new value, the requester and subscribers are told', async () => {
    const { server, transport } = await start({ nodes: ['echo'] });
    const seen = outputs(transport);
    const publishIn = transport.advertise('/in', 'std_msgs/msg/String');
    publishIn.publish({ data: 'x' });
    expect(seen).toEqual(['1:a:x']);

    const watcher = await connect(server);
    watcher.client.subscribeParameterUpdates(['/echo.gain']);
    const c = await connect(server, TOKEN);
    c.client.setParameters([{ name: '/echo.gain', value: 2.5 }, { name: '/echo.label', value: 'b' }], 'set1');
    await c.until(() => c.values.length >= 1);
    expect(c.ids[0]).toBe('set1');
    expect(c.values[0]).toEqual([
      { name: '/echo.gain', value: 2.5, type: 'float64' },
      { name: '/echo.label', value: 'b' },
    ]);
    await watcher.until(() => watcher.values.length >= 1);
    // Only what it subscribed to; the requester, watching nothing, gets its reply and no (empty) update.
    expect(watcher.values[0]).toEqual([{ name: '/echo.gain', value: 2.5, type: 'float64' }]);
    c.client.getParameters(['/echo.label'], 'after');
    await c.until(() => c.ids.includes('after'));
    expect(c.ids).toEqual(['set1', 'after']);

    publishIn.publish({ data: 'y' });
    expect(seen).toEqual(['1:a:x', '2.5:b:y']);
    expect(server.stats()['parameters_set']).toBe(2);
  });

  it('rejects unknown names and out-of-range or mistyped values with an error naming node, parameter and range', async () => {
    const { server, transport } = await start({ nodes: ['echo'] });
    const seen = outputs(transport);
    const c = await connect(server, TOKEN);
    c.client.setParameters([{ name: '/echo.gain', value: 50 }], 'range');
    await c.until(() => c.values.length >= 1);
    expect(c.statuses[0]).toMatch(/gain/);
    expect(c.statuses[0]).toMatch(/\/echo/);
    expect(c.statuses[0]).toMatch(/0 ≤ value ≤ 10/);
    expect(c.values[0]).toEqual([{ name: '/echo.gain', value: 1, type: 'float64' }]);

    c.client.setParameters([{ name: '/echo.gain', value: 'fast' }], 'type');
    c.client.setParameters([{ name: '/echo.label', value: 'c' }], 'choice');
    c.client.setParameters([{ name: '/echo.volume', value: 1 }], 'unknown');
    c.client.setParameters([{ name: '/ghost.gain', value: 1 }], 'node');
    await c.until(() => c.values.length >= 5);
    const statuses = c.statuses.slice(1).join('\n');
    expect(statuses).toMatch(/gain.*a number 0 ≤ value ≤ 10/);
    expect(statuses).toMatch(/label.*one of a \| b/);
    expect(statuses).toMatch(/no parameter 'volume'.*one of gain, label/);
    expect(statuses).toMatch(/no running node \/ghost/);
    expect(server.stats()['parameters_refused']).toBe(5);

    transport.advertise('/in', 'std_msgs/msg/String').publish({ data: 'z' });
    expect(seen).toEqual(['1:a:z']);
  });

  it('a value the node cannot configure with is rolled back: the node keeps running on the old one', async () => {
    const { server, transport, graph } = await start({ nodes: ['picky'] });
    const seen: string[] = [];
    transport.subscribe('/picky_out', 'std_msgs/msg/String').subscribe((m) => seen.push(m.data));
    const publishIn = transport.advertise('/in', 'std_msgs/msg/String');
    const c = await connect(server, TOKEN);
    c.client.setParameters([{ name: '/picky.mode', value: 'broken' }], 'broken');
    await c.until(() => c.values.length >= 1);
    expect(c.statuses[0]).toMatch(/cannot load the model.*models\/broken\.onnx/);
    expect(c.values[0]).toEqual([{ name: '/picky.mode', value: 'ok' }]);
    expect(graph.node('picky')!.state).toBe('active');
    publishIn.publish({ data: '1' });
    c.client.setParameters([{ name: '/picky.mode', value: 'fine' }], 'fine');
    await c.until(() => c.values.length >= 2);
    publishIn.publish({ data: '2' });
    expect(seen).toEqual(['ok:1', 'fine:2']);
  });

  it('refuses setParameters without the token, and on a read-only server', async () => {
    for (const viz of [{}, { clientPublish: undefined }] as Partial<VizServerOptions>[]) {
      const { server, transport } = await start({ nodes: ['echo'], viz });
      const seen = outputs(transport);
      const c = await connect(server, 'not-the-token');
      c.client.setParameters([{ name: '/echo.gain', value: 3 }], 'nope');
      await c.until(() => c.statuses.length > 0);
      expect(c.statuses[0]).toMatch(viz.clientPublish === undefined && 'clientPublish' in viz ? /read-only/ : /token/);
      c.client.getParameters(['/echo.gain'], 'after');
      await c.until(() => c.values.length >= 1);
      expect(c.values[0]).toEqual([{ name: '/echo.gain', value: 1, type: 'float64' }]);
      transport.advertise('/in', 'std_msgs/msg/String').publish({ data: 'w' });
      expect(seen).toEqual(['1:a:w']);
    }
  });

  it('a malformed parameter request closes that client only', async () => {
    const { server } = await start({ nodes: ['echo'] });
    const bad = await connect(server, TOKEN);
    const good = await connect(server);
    bad.ws.send(JSON.stringify({ op: 'setParameters', parameters: { name: '/echo.gain', value: 2 }, id: 'x' }));
    await bad.until(() => bad.closeCode !== undefined);
    expect(bad.closeCode).toBe(1008);
    good.client.getParameters(['/echo.gain'], 'still');
    await good.until(() => good.values.length >= 1);
    expect(good.values[0]).toEqual([{ name: '/echo.gain', value: 1, type: 'float64' }]);
  });

  it('offers none of the graph capabilities without graphs', async () => {
    const transport = new LocalTransport();
    const server = await createVizServer({ transport, clock: new SimClock(), port: 0, viewer: { build: 'never' } });
    cleanup.push(async () => {
      await server.close();
      await transport.close();
    });
    const c = await connect(server);
    expect(c.capabilities).not.toContain('parameters');
    expect(c.capabilities).not.toContain('connectionGraph');
  });
});

type GraphUpdate = {
  publishedTopics: { name: string; publisherIds: string[] }[];
  subscribedTopics: { name: string; subscriberIds: string[] }[];
  advertisedServices: unknown[];
  removedTopics: string[];
};

describe('viz server: connection graph capability', () => {
  it('sends who publishes and subscribes what on subscribe, then the changes', async () => {
    const { server, graph } = await start({ nodes: ['echo', 'sink'] });
    const c = await connect(server);
    c.client.subscribeConnectionGraph();
    await c.until(() => c.graph.length >= 1);
    const first = c.graph[0] as GraphUpdate;
    expect(first.publishedTopics).toEqual([{ name: '/out', publisherIds: ['/echo'] }]);
    expect(first.subscribedTopics).toEqual(
      expect.arrayContaining([
        { name: '/in', subscriberIds: ['/echo'] },
        { name: '/out', subscriberIds: ['/sink'] },
      ]),
    );
    expect(first.subscribedTopics).toHaveLength(2);
    expect(first.advertisedServices).toEqual([]);

    // The sink stops: /out loses its subscriber; /in and /out stay (echo).
    graph.node('sink')!.deactivate();
    await c.until(() => c.graph.length >= 2);
    const second = c.graph[1] as GraphUpdate;
    expect(second.subscribedTopics).toEqual([{ name: '/out', subscriberIds: [] }]);
    expect(second.removedTopics).toEqual([]);

    // The echo stops too: nothing is left of /in or /out.
    graph.node('echo')!.deactivate();
    await c.until(() => c.graph.length >= 3);
    expect((c.graph[2] as GraphUpdate).removedTopics.sort()).toEqual(['/in', '/out']);
  });

  it('lists the server itself for the topics its clients subscribe', async () => {
    const { server } = await start({ nodes: ['echo'] });
    const c = await connect(server);
    await c.until(() => c.channels.has('out'));
    c.client.subscribeConnectionGraph();
    await c.until(() => c.graph.length >= 1);
    c.subscribe('out');
    await waitFor(() => c.graph.length >= 2);
    expect((c.graph[1] as GraphUpdate).subscribedTopics).toEqual([{ name: '/out', subscriberIds: ['/sensorium_viz'] }]);
  });
});
