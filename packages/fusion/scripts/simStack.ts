/**
 * The perception + fusion stack as `runScenario` controller graphs, for the dev scripts (simGating,
 * ablations). Scripts may import the simulator; the package itself never does.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NodeRegistry, loadLaunchFile } from '@sensorium/core';
import type { GraphDescription, GraphNodeDescription } from '@sensorium/core';
import { controlNodes } from '@sensorium/control';
import { perceptionNodes } from '@sensorium/perception';
import { simNodes } from '@sensorium/sim';
import { fusionNodes } from '@sensorium/fusion';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function stackRegistry(): NodeRegistry {
  return new NodeRegistry().register(...perceptionNodes, ...fusionNodes, ...controlNodes, ...simNodes);
}

export interface StackOptions {
  /** `learned`: launch/stack.launch.yaml as is (policy + safety supervisor); `expert`: the expert drives instead. */
  driver: 'learned' | 'expert';
  /** Extra fusion node parameters (model_dir, fixed_weights…). */
  fusionParams?: Readonly<Record<string, unknown>>;
  /** Extra policy node parameters. */
  policyParams?: Readonly<Record<string, unknown>>;
}

/** launch/stack.launch.yaml with overrides, optionally with the expert in place of policy + supervisor. */
export function stackGraph(options: StackOptions): GraphDescription {
  const graph = loadLaunchFile(path.join(REPO_ROOT, 'launch/stack.launch.yaml'), { repoRoot: REPO_ROOT });
  const override = (node: GraphNodeDescription, values: Readonly<Record<string, unknown>> | undefined): GraphNodeDescription =>
    values === undefined ? node : { ...node, params: [...node.params, { kind: 'values', values, file: 'script overrides' }] };
  let nodes = graph.nodes.map((n) => (n.exec === 'fusion' ? override(n, options.fusionParams) : n.exec === 'policy' ? override(n, options.policyParams) : n));
  if (options.driver === 'expert') {
    nodes = nodes.filter((n) => n.exec !== 'policy' && n.exec !== 'safety_supervisor');
    nodes.push({ pkg: 'sensorium_sim', exec: 'expert_controller', name: 'expert', namespace: '/', params: [], remaps: [], args: [], source: { file: 'packages/fusion/scripts/simStack.ts', path: 'expert' } });
  }
  return { ...graph, nodes };
}
