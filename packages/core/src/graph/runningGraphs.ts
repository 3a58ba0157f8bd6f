import type { Graph } from './Graph.js';

const live = new Set<Graph>();

/**
 * Graphs of this process that are not shut down, in start order. For tools that attach to whatever runs
 * (the viewer server's parameters and connection graph) where graphs come and go, e.g. one per scenario.
 */
export function runningGraphs(): readonly Graph[] {
  return [...live];
}

/** @internal Graph registers itself on construction and leaves on shutdown. */
export function trackGraph(graph: Graph, running: boolean): void {
  if (running) live.add(graph);
  else live.delete(graph);
}
