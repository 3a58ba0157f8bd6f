import { loadParamsFile } from '../node/loadParamsFile.js';
import type { RemapRule } from '../node/RemapRule.js';
import type { RosArgs } from '../ros/parseRosArgs.js';
import type { GraphParamSource } from './GraphDescription.js';

/**
 * The `remaps` and `params` of `runGraph` options for command-line ROS arguments (`sensorium run
 * x.launch.yaml --ros-args …`): `-r` rules for every node (node-specific ones for their node), then
 * `--params-file`s and `-p` values in order; a node-specific `-p node:name:=v` applies to nodes named
 * `node` in any namespace, as rcl matches it.
 */
export function graphOptionsFromRosArgs(args: RosArgs): { remaps: RemapRule[]; params: GraphParamSource[] } {
  const params: GraphParamSource[] = args.paramsFiles.map((file) => ({ kind: 'file', params: loadParamsFile(file) }));
  const global: Record<string, unknown> = {};
  const byNode = new Map<string, Record<string, unknown>>();
  for (const p of args.params) {
    if (p.node === undefined) global[p.name] = p.value;
    else {
      const values = byNode.get(p.node) ?? {};
      values[p.name] = p.value;
      byNode.set(p.node, values);
    }
  }
  if (Object.keys(global).length > 0) params.push({ kind: 'values', values: global, file: 'command line (-p)' });
  if (byNode.size > 0) {
    params.push({
      kind: 'file',
      params: { file: 'command line (-p)', entries: [...byNode].map(([node, values]) => ({ node: `/**/${node}`, params: values })) },
    });
  }
  return { remaps: [...args.remaps], params };
}
