import type { Clock } from '../clock/Clock.js';
import type { GraphDiagnostics, NodeStatus } from '../diagnostics/GraphDiagnostics.js';
import type { DiagnosticsPublisher } from '../diagnostics/DiagnosticsPublisher.js';
import type { Logger } from '../node/NodeDefinition.js';
import type { NodeRuntime } from '../node/NodeRuntime.js';
import { ParameterError } from '../errors/ParameterError.js';
import { trackGraph } from './runningGraphs.js';
import { setNodeParameters } from './setNodeParameters.js';
import type { SetParametersResult } from './setNodeParameters.js';

/** A node whose lifecycle transition failed; the rest of the graph keeps running. */
export interface NodeFailure {
  readonly node: string;
  readonly transition: 'configure' | 'activate';
  readonly error: unknown;
}

/** A running graph: its nodes, lifecycle control for all of them, diagnostics, and shutdown. */
export class Graph {
  readonly nodes: readonly NodeRuntime[];
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #failures: NodeFailure[] = [];
  #publisher: DiagnosticsPublisher | undefined;
  #shutdown: Promise<void> | undefined;

  constructor(nodes: readonly NodeRuntime[], options: { clock: Clock; logger: Logger }) {
    this.nodes = nodes;
    this.#clock = options.clock;
    this.#log = options.logger;
    trackGraph(this, true);
  }

  /** Transitions that failed so far. */
  get failures(): readonly NodeFailure[] {
    return this.#failures;
  }

  /** By full name (`/ns/name`) or, when unambiguous, by name. */
  node(name: string): NodeRuntime | undefined {
    const exact = this.nodes.find((n) => n.fullName === name);
    if (exact !== undefined) return exact;
    const byName = this.nodes.filter((n) => n.name === name);
    return byName.length === 1 ? byName[0] : undefined;
  }

  /**
   * Sets parameters of one node (by full name or unambiguous name), validated against its declared specs;
   * applied by reconfiguring that node (see `setNodeParameters`). Rejects with a ParameterError naming node,
   * parameter and what is allowed.
   */
  setParameters(nodeName: string, values: Readonly<Record<string, unknown>>): Promise<SetParametersResult> {
    const node = this.node(nodeName);
    if (node === undefined) {
      return Promise.reject(
        new ParameterError(`no node ${nodeName} in this graph`, { context: { node: nodeName, expected: `one of ${this.nodes.map((n) => n.fullName).join(', ')}` } }),
      );
    }
    return setNodeParameters(node, values);
  }

  /** Configures every unconfigured node; one failing is logged and recorded, the others go on. */
  async configure(): Promise<readonly NodeFailure[]> {
    const failed: NodeFailure[] = [];
    for (const node of this.nodes) {
      if (node.state !== 'unconfigured') continue;
      try {
        await node.configure();
      } catch (error) {
        failed.push({ node: node.fullName, transition: 'configure', error });
        this.#log.error(`configure failed for ${node.fullName}: ${(error as Error).message}`, { node: node.fullName });
      }
    }
    this.#failures.push(...failed);
    return failed;
  }

  /** Activates every inactive node. */
  activate(): readonly NodeFailure[] {
    const failed: NodeFailure[] = [];
    for (const node of this.nodes) {
      if (node.state !== 'inactive') continue;
      try {
        node.activate();
      } catch (error) {
        failed.push({ node: node.fullName, transition: 'activate', error });
        this.#log.error(`activate failed for ${node.fullName}: ${(error as Error).message}`, { node: node.fullName });
      }
    }
    this.#failures.push(...failed);
    return failed;
  }

  /** Deactivates every active node. */
  deactivate(): void {
    for (const node of this.nodes) if (node.state === 'active') node.deactivate();
  }

  /** @internal the graph owns its diagnostics publisher and stops it on shutdown. */
  attachPublisher(publisher: DiagnosticsPublisher): void {
    this.#publisher = publisher;
  }

  /** Per-node health and counters now (what the CLI prints and `/diagnostics` carries). */
  diagnostics(): GraphDiagnostics {
    const nodes: NodeStatus[] = this.nodes.map((node) => {
      const failure = [...this.#failures].reverse().find((f) => f.node === node.fullName);
      const recentDrops = node.diagnostics.recentDrops();
      let level: NodeStatus['level'] = 'ok';
      let message: string = node.state;
      if (failure !== undefined && node.state !== 'active') {
        level = 'error';
        message = `${failure.transition} failed: ${failure.error instanceof Error ? failure.error.message : String(failure.error)}`;
      } else if (node.state !== 'active') {
        level = 'warn';
      } else if (recentDrops > 0) {
        level = 'warn';
        message = `${recentDrops} message(s) dropped in the last 5 s`;
      }
      return { node: node.fullName, exec: node.definition.exec, state: node.state, level, message, ...node.diagnostics.snapshot() };
    });
    return { stamp: this.#clock.now(), nodes };
  }

  /** Deactivates and shuts down every node (in reverse start order). Safe to call twice. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      trackGraph(this, false);
      this.#publisher?.stop();
      for (const node of [...this.nodes].reverse()) await node.shutdown();
    })();
    return this.#shutdown;
  }
}
