import { ParameterError } from '@sensorium/core';
import type { Graph, NodeRuntime, ParamSpec } from '@sensorium/core';
import type { Parameter } from '@foxglove/ws-protocol';

/** Where the viewer server finds running nodes: fixed graphs, or a function for graphs that come and go. */
export type GraphSource = readonly Graph[] | (() => readonly Graph[]);

export function graphsOf(source: GraphSource): readonly Graph[] {
  return typeof source === 'function' ? source() : source;
}

/**
 * Foxglove parameter names are `/<node full name>.<parameter>` (`/safety_supervisor.max_linear`,
 * `/ns/planner.inflation`), as ROS 2 Foxglove bridges name them. Node names hold no dots, so the first
 * dot separates the node from the parameter (which may contain dots itself).
 */
export function parameterName(node: NodeRuntime, param: string): string {
  return `${node.fullName}.${param}`;
}

export function parseParameterName(name: string): { node: string; param: string } | undefined {
  const absolute = name.startsWith('/') ? name : `/${name}`;
  const dot = absolute.indexOf('.');
  if (dot <= 1 || dot === absolute.length - 1) return undefined;
  return { node: absolute.slice(0, dot), param: absolute.slice(dot + 1) };
}

function findNode(graphs: readonly Graph[], fullName: string): { graph: Graph; node: NodeRuntime } | undefined {
  for (const graph of graphs) {
    const node = graph.nodes.find((n) => n.fullName === fullName);
    if (node !== undefined) return { graph, node };
  }
  return undefined;
}

/** A value in Foxglove form; doubles are tagged `float64` so a client does not take `1` for an integer. */
function toParameter(name: string, spec: ParamSpec, value: unknown): Parameter {
  if (spec.type === 'double') return { name, value: value as number, type: 'float64' };
  if (spec.type === 'double_array') return { name, value: [...(value as readonly number[])], type: 'float64_array' };
  if (spec.type === 'string_array') return { name, value: [...(value as readonly string[])] };
  return { name, value: value as number | boolean | string };
}

/**
 * Current values of the named parameters (all parameters of every running node when `names` is empty).
 * Unknown names are returned in `unknown` instead of failing the whole request.
 */
export function readParameters(graphs: readonly Graph[], names: readonly string[]): { parameters: Parameter[]; unknown: string[] } {
  const parameters: Parameter[] = [];
  const unknown: string[] = [];
  if (names.length === 0) {
    for (const graph of graphs) {
      for (const node of graph.nodes) {
        if (node.state === 'finalized') continue;
        const values = node.params as Readonly<Record<string, unknown>>;
        for (const [param, spec] of Object.entries(node.definition.parameters)) parameters.push(toParameter(parameterName(node, param), spec, values[param]));
      }
    }
    return { parameters, unknown };
  }
  for (const name of names) {
    const parsed = parseParameterName(name);
    const found = parsed === undefined ? undefined : findNode(graphs, parsed.node);
    const spec = parsed === undefined || found === undefined ? undefined : found.node.definition.parameters[parsed.param];
    if (parsed === undefined || found === undefined || spec === undefined) unknown.push(name);
    else parameters.push(toParameter(name, spec, (found.node.params as Readonly<Record<string, unknown>>)[parsed.param]));
  }
  return { parameters, unknown };
}

/**
 * Applies Foxglove `setParameters` to the running nodes: grouped per node, validated against the node's
 * declared specs and applied by reconfiguring the node (core `Graph.setParameters`). Each node succeeds or
 * fails on its own; failures are ParameterErrors naming node, parameter and the allowed range.
 */
export async function writeParameters(graphs: readonly Graph[], parameters: readonly Parameter[]): Promise<{ applied: string[]; errors: Error[] }> {
  const byNode = new Map<string, { graph: Graph; values: Record<string, unknown>; names: string[] }>();
  const errors: Error[] = [];
  for (const p of parameters) {
    const parsed = parseParameterName(p.name);
    if (parsed === undefined) {
      errors.push(new ParameterError(`parameter name ${p.name} is not /<node>.<parameter>`, { context: { parameter: p.name, expected: '/<node>.<parameter>, e.g. /safety_supervisor.max_linear' } }));
      continue;
    }
    const found = findNode(graphs, parsed.node);
    if (found === undefined) {
      const known = graphs.flatMap((g) => g.nodes.map((n) => n.fullName));
      errors.push(new ParameterError(`no running node ${parsed.node}`, { context: { node: parsed.node, parameter: parsed.param, expected: known.length === 0 ? 'a running node (none)' : `one of ${known.join(', ')}` } }));
      continue;
    }
    const entry = byNode.get(parsed.node) ?? { graph: found.graph, values: {}, names: [] };
    entry.values[parsed.param] = p.value;
    entry.names.push(p.name);
    byNode.set(parsed.node, entry);
  }
  const applied: string[] = [];
  for (const [node, { graph, values, names }] of byNode) {
    try {
      await graph.setParameters(node, values);
      applied.push(...names);
    } catch (error) {
      errors.push(error as Error);
    }
  }
  return { applied, errors };
}
