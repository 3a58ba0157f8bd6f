import { fullyQualifiedNodeName, normalizeNamespace, paramsForNode, remapNodeIdentity } from '@sensorium/core';
import type { GraphDescription, GraphParamSource, RemapRule } from '@sensorium/core';

export interface SimTimeSplit {
  /** Nodes on wall time (`use_sim_time` false or unset): in a simulation, the simulator itself. */
  wall: GraphDescription;
  /** Nodes with `use_sim_time: true`: they follow `/clock`. */
  sim: GraphDescription;
}

/**
 * Splits a launch file's nodes by their resolved `use_sim_time` (the last parameter source that sets it
 * wins, command-line ones after the node's own, as runGraph layers them). In one process each half gets
 * its own clock, which is what separate ROS 2 processes would see: `sim.launch.yaml` keeps the simulator
 * on wall time and runs the stack on the `/clock` it publishes.
 */
export function splitBySimTime(
  description: GraphDescription,
  extra: { remaps: readonly RemapRule[]; params: readonly GraphParamSource[] },
): SimTimeSplit {
  const wall: GraphDescription['nodes'][number][] = [];
  const sim: GraphDescription['nodes'][number][] = [];
  for (const entry of description.nodes) {
    const identity = remapNodeIdentity([...entry.remaps, ...extra.remaps], { nodeName: entry.name ?? entry.exec, namespace: entry.namespace });
    const fqn = fullyQualifiedNodeName({ nodeName: identity.nodeName, namespace: normalizeNamespace(identity.namespace) });
    let useSimTime: unknown = false;
    for (const source of [...entry.params, ...extra.params]) {
      const values = source.kind === 'values' ? source.values : paramsForNode(source.params, fqn);
      if (values['use_sim_time'] !== undefined) useSimTime = values['use_sim_time'];
    }
    // Launch substitutions arrive as strings ("true"); ROS reads those as booleans too.
    (useSimTime === true || useSimTime === 'true' ? sim : wall).push(entry);
  }
  return { wall: { ...description, nodes: wall }, sim: { ...description, nodes: sim } };
}
