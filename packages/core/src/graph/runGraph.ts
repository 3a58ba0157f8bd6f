import type { Clock } from '../clock/Clock.js';
import { DiagnosticsPublisher } from '../diagnostics/DiagnosticsPublisher.js';
import { ConfigError } from '../errors/ConfigError.js';
import { SensoriumError } from '../errors/SensoriumError.js';
import { consoleLogger } from '../node/consoleLogger.js';
import { paramsForNode } from '../node/loadParamsFile.js';
import { fullyQualifiedNodeName, normalizeNamespace } from '../node/names.js';
import type { Logger } from '../node/NodeDefinition.js';
import { NodeRuntime } from '../node/NodeRuntime.js';
import { remapNodeIdentity } from '../node/RemapRule.js';
import type { RemapRule } from '../node/RemapRule.js';
import type { ParamLayer } from '../node/validateParams.js';
import type { Transport } from '../transport/Transport.js';
import { Graph } from './Graph.js';
import type { GraphDescription, GraphParamSource } from './GraphDescription.js';
import type { NodeRegistry } from './NodeRegistry.js';

export interface RunGraphOptions {
  registry: NodeRegistry;
  transport: Transport;
  clock: Clock;
  logger?: Logger;
  /** Root for nodes' relative resource paths. Default the description's `repoRoot`, else `process.cwd()`. */
  resourceRoot?: string;
  readResource?: (path: string) => Promise<Uint8Array>;
  /** Rules for every node after its own (command-line `-r`). */
  remaps?: readonly RemapRule[];
  /** Parameters for every node after its own (command-line `--params-file`, `-p`). */
  params?: readonly GraphParamSource[];
  /** `/diagnostics` publishing; default every 1 s of `clock`. `false` turns it off. */
  diagnostics?: { periodSec?: number; topic?: string } | false;
  /** Configure and activate every node (default true). */
  autostart?: boolean;
}

/**
 * Builds and starts a graph: every node is looked up and its name, remaps and parameters resolved first
 * (an unknown exec, a bad parameter or a duplicate node name fails here, naming the launch file and
 * node, before anything runs); then nodes are configured and activated in launch order. A node whose
 * configure throws is reported in `graph.failures` and diagnostics; the others keep running.
 */
export async function runGraph(description: GraphDescription, options: RunGraphOptions): Promise<Graph> {
  const logger = options.logger ?? consoleLogger();
  const resourceRoot = options.resourceRoot ?? description.repoRoot;
  const runtimes: NodeRuntime[] = [];
  const seen = new Map<string, string>();
  for (const entry of description.nodes) {
    const where = `${entry.source.file} ${entry.source.path}`;
    const definition = options.registry.get(entry.exec);
    if (definition === undefined) {
      const known = options.registry.execs();
      throw new ConfigError(`unknown node exec '${entry.exec}' (pkg ${entry.pkg})`, {
        context: {
          file: entry.source.file,
          field: entry.source.path,
          node: entry.name ?? entry.exec,
          expected: known.length === 0 ? 'a registered exec (the registry is empty)' : `one of ${known.join(', ')}`,
        },
      });
    }
    const remaps = [...entry.remaps, ...(options.remaps ?? [])];
    const identity = remapNodeIdentity(remaps, { nodeName: entry.name ?? definition.exec, namespace: entry.namespace });
    const fqn = fullyQualifiedNodeName({ nodeName: identity.nodeName, namespace: normalizeNamespace(identity.namespace) });
    const previous = seen.get(fqn);
    if (previous !== undefined) {
      throw new ConfigError(`two nodes are named ${fqn}`, { context: { file: entry.source.file, field: entry.source.path, node: fqn, actual: `also at ${previous}` } });
    }
    seen.set(fqn, where);
    const layers = [...entry.params, ...(options.params ?? [])].map((source) => toLayer(source, fqn));
    try {
      runtimes.push(
        new NodeRuntime(definition, {
          ...(entry.name === undefined ? {} : { name: entry.name }),
          namespace: entry.namespace,
          params: layers,
          remaps,
          transport: options.transport,
          clock: options.clock,
          logger,
          ...(resourceRoot === undefined ? {} : { resourceRoot }),
          ...(options.readResource === undefined ? {} : { readResource: options.readResource }),
        }),
      );
    } catch (error) {
      // Keep the parameter's own file if it has one; otherwise point at the launch entry.
      if (error instanceof SensoriumError) {
        throw error.withContext({ node: fqn, file: error.context.file ?? entry.source.file, field: error.context.field ?? entry.source.path });
      }
      throw error;
    }
  }
  const graph = new Graph(runtimes, { clock: options.clock, logger });
  if (options.diagnostics !== false) {
    graph.attachPublisher(
      new DiagnosticsPublisher({
        transport: options.transport,
        clock: options.clock,
        snapshot: () => graph.diagnostics(),
        ...(options.diagnostics?.periodSec === undefined ? {} : { periodSec: options.diagnostics.periodSec }),
        ...(options.diagnostics?.topic === undefined ? {} : { topic: options.diagnostics.topic }),
      }),
    );
  }
  if (options.autostart !== false) {
    await graph.configure();
    graph.activate();
  }
  return graph;
}

function toLayer(source: GraphParamSource, fqn: string): ParamLayer {
  if (source.kind === 'values') return source.file === undefined ? { values: source.values } : { values: source.values, file: source.file };
  const values = paramsForNode(source.params, fqn);
  return source.params.file === undefined ? { values } : { values, file: source.params.file };
}
