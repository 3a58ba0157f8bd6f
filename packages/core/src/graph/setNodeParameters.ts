import { ParameterError } from '../errors/ParameterError.js';
import type { NodeRuntime } from '../node/NodeRuntime.js';
import { coerceParam } from '../node/validateParams.js';

/** What `setNodeParameters` did. */
export interface SetParametersResult {
  /** Parameter names whose value changed (empty: nothing to apply, the node was left alone). */
  readonly changed: readonly string[];
  /** The node was taken through cleanup → configure (and back to active if it was active). */
  readonly reconfigured: boolean;
}

/** One reconfiguration at a time per node: a second request waits for the first. */
const pending = new WeakMap<NodeRuntime, Promise<unknown>>();

/**
 * Sets parameters of a running node. Every value is checked against the node's declared spec first
 * (an unknown name or a bad value is a ParameterError naming node, parameter and what is allowed, and
 * nothing is changed). Sensorium nodes read their parameters in `configure` (into their logic objects,
 * buffers and models), so a change is applied the way a ROS 2 managed node applies configuration: the
 * node is deactivated, cleaned up, configured with the new values and re-activated. Its internal state
 * (filters, tracks, watchdogs) restarts. If configure fails with the new values, the old ones are put
 * back, the node is configured again with them, and the error is rethrown.
 */
export function setNodeParameters(node: NodeRuntime, values: Readonly<Record<string, unknown>>): Promise<SetParametersResult> {
  const run = async (): Promise<SetParametersResult> => {
    const specs = node.definition.parameters;
    const coerced: Record<string, unknown> = {};
    for (const [name, raw] of Object.entries(values)) {
      const spec = specs[name];
      if (spec === undefined) {
        const known = Object.keys(specs);
        throw new ParameterError(`node ${node.fullName} has no parameter '${name}'`, {
          context: { node: node.fullName, parameter: name, expected: known.length === 0 ? 'no parameters' : `one of ${known.join(', ')}` },
        });
      }
      coerced[name] = coerceParam(spec, raw, { node: node.fullName, parameter: name });
    }
    // The runtime's params object is the one its context hands to configure: updating it in place is what
    // the next configure reads.
    const params = node.params as Record<string, unknown>;
    const changed = Object.keys(coerced).filter((name) => !sameValue(params[name], coerced[name]));
    if (changed.length === 0) return { changed, reconfigured: false };
    if (node.state === 'finalized') {
      throw new ParameterError(`node ${node.fullName} is shut down; its parameters can no longer change`, {
        context: { node: node.fullName, parameter: changed[0], expected: 'a running node' },
      });
    }
    const previous: Record<string, unknown> = {};
    for (const name of changed) previous[name] = params[name];
    const wasActive = node.state === 'active';
    const wasConfigured = node.state !== 'unconfigured';
    if (wasActive) node.deactivate();
    if (wasConfigured) await node.cleanup();
    for (const name of changed) params[name] = coerced[name];
    try {
      await node.configure();
    } catch (error) {
      for (const name of changed) params[name] = previous[name];
      // Back to the values that worked; if even that fails the node stays unconfigured and says why.
      if (wasConfigured) {
        await node.configure();
        if (wasActive) node.activate();
      }
      throw error;
    }
    // An unconfigured node (its configure failed before) is brought up: new values may be the fix.
    if (wasActive || !wasConfigured) node.activate();
    return { changed, reconfigured: true };
  };
  const previous = pending.get(node) ?? Promise.resolve();
  const next = previous.then(run, run);
  pending.set(node, next.catch(() => undefined));
  return next;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  return Object.is(a, b);
}
