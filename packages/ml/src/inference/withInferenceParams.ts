import type { GraphDescription, GraphNodeDescription } from '@sensorium/core';

/**
 * A launch graph with inference parameters (`backend`, `precision`, `inference_threads`, `onnx_model` of
 * `inferenceParams`) set on every node that declares them — a node that runs no model would reject an
 * unknown parameter. `declares(exec)` lists a node's parameter names (from the node registry).
 *
 * ```ts
 * const graph = withInferenceParams(loadStackGraph(), { backend: 'tfjs' }, (exec) => Object.keys(registry.get(exec)?.parameters ?? {}));
 * ```
 */
export function withInferenceParams(graph: GraphDescription, values: Readonly<Record<string, string | number>>, declares: (exec: string) => readonly string[]): GraphDescription {
  const nodes = graph.nodes.map((node): GraphNodeDescription => {
    const names = declares(node.exec);
    const mine = Object.fromEntries(Object.entries(values).filter(([name]) => names.includes(name)));
    if (Object.keys(mine).length === 0) return node;
    return { ...node, params: [...node.params, { kind: 'values', values: mine, file: 'inference overrides' }] };
  });
  return { ...graph, nodes };
}
