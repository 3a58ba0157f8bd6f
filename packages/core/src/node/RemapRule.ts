import { expandTopicName } from './names.js';
import type { NameScope } from './names.js';

/**
 * One ROS 2 remapping rule: `from:=to`, or node-specific `node:from:=to` (`node` set). `from` may be
 * `__node` (alias `__name`) to rename the node, or `__ns` to set its namespace.
 */
export interface RemapRule {
  readonly from: string;
  readonly to: string;
  /** Only applies to the node with this name. */
  readonly node?: string;
}

function isSpecial(from: string): boolean {
  return from === '__node' || from === '__name' || from === '__ns';
}

/**
 * The node name and namespace after `__node` / `__ns` rules. The first matching rule wins; node-specific
 * rules match the node's original name, as rcl does.
 */
export function remapNodeIdentity(
  rules: readonly RemapRule[],
  original: { nodeName: string; namespace: string | undefined },
): { nodeName: string; namespace: string | undefined } {
  let nodeName: string | undefined;
  let namespace: string | undefined;
  for (const rule of rules) {
    if (rule.node !== undefined && rule.node !== original.nodeName) continue;
    if ((rule.from === '__node' || rule.from === '__name') && nodeName === undefined) nodeName = rule.to;
    if (rule.from === '__ns' && namespace === undefined) namespace = rule.to;
  }
  return { nodeName: nodeName ?? original.nodeName, namespace: namespace ?? original.namespace };
}

/**
 * Applies topic remapping to an already expanded name, per rcl: rules are tried in order (node-local
 * rules before global ones), a node-specific rule only for its node (its final name), `from` and `to`
 * are expanded in the node's scope and compared as fully qualified names; the first match wins.
 */
export function remapTopicName(expandedName: string, rules: readonly RemapRule[], scope: NameScope): string {
  for (const rule of rules) {
    if (isSpecial(rule.from)) continue;
    if (rule.node !== undefined && rule.node !== scope.nodeName) continue;
    if (expandTopicName(rule.from, scope) === expandedName) return expandTopicName(rule.to, scope);
  }
  return expandedName;
}
