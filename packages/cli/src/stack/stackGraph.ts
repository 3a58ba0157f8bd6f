import { fileURLToPath } from 'node:url';
import * as path from 'node:path';
import { loadLaunchFile, type GraphDescription, type GraphNodeDescription } from '@sensorium/core';

/** The repository root (this file is packages/cli/src/stack/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const STACK_LAUNCH_FILE = path.join(REPO_ROOT, 'launch/stack.launch.yaml');

export interface StackGraphOptions {
  /** Launch file of the stack; default launch/stack.launch.yaml. */
  file?: string;
  repoRoot?: string;
  /** Extra parameters per node name, applied after the launch file's (like `-p node:name:=value`). */
  params?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * The full stack (perception, fusion, policy, safety supervisor) as a GraphDescription, ready to be
 * `runScenario`'s controller: the same graph `ros2 launch` starts, with optional per-node overrides.
 */
export function loadStackGraph(options: StackGraphOptions = {}): GraphDescription {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const graph = loadLaunchFile(options.file ?? STACK_LAUNCH_FILE, { repoRoot });
  const overrides = options.params ?? {};
  const nodes = graph.nodes.map((node): GraphNodeDescription => {
    const extra = overrides[node.name ?? node.exec];
    return extra === undefined ? node : { ...node, params: [...node.params, { kind: 'values', values: extra, file: 'stack overrides' }] };
  });
  return { ...graph, nodes };
}

/** Map bounds `[xmin, ymin, xmax, ymax]` of a scenario world (centred on the origin), for the policy's goal check. */
export function worldBounds(size: readonly [number, number] | readonly number[]): number[] {
  const hx = (size[0] ?? 0) / 2;
  const hy = (size[1] ?? 0) / 2;
  return [-hx, -hy, hx, hy];
}
