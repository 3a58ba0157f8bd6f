import type { NodeDefinition, ParamSpecs } from '@sensorium/core';

/** One node of a graph, as a launch file's `node` entry: exec, name, namespace, params, remaps. */
export interface GraphNode {
  readonly exec: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** Topic remaps `from → to`, as `remap` in a launch file. */
  readonly remaps?: Readonly<Record<string, string>>;
}

/** Resolves an exec name to a node definition (the CLI's NodeRegistry satisfies this). */
export interface NodeResolver {
  get(exec: string): NodeDefinition<ParamSpecs> | undefined;
}
