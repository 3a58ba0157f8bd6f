import type { MessageType } from '../messages/MessageTypeMap.js';
import { STANDARD_DEFINITIONS } from './standardDefinitions.js';
import { SENSORIUM_DEFINITIONS } from './sensoriumDefinitions.js';

const DELIMITER = '================================================================================\n';

// The same expression rosbag2 (LocalMessageDefinitionSource) uses to find the types a .msg refers to,
// so our dependency set, and hence the block order, is the one rosbag2 would write.
const FIELD_TYPE = /(?:^|\n)\s*([a-zA-Z0-9_/]+)(?:\[[^\]]*\])?\s+/g;
const PRIMITIVES = new Set([
  'bool', 'byte', 'char', 'float32', 'float64', 'int8', 'uint8',
  'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'string',
]);

const cache = new Map<string, string>();

/** The single `.msg` text of a type (no dependencies), or undefined when Sensorium does not know it. */
export function ownDefinition(type: string): string | undefined {
  return STANDARD_DEFINITIONS[type] ?? SENSORIUM_DEFINITIONS[type];
}

/**
 * The `ros2msg` schema text of `type`, as rosbag2 writes it into MCAP schema records and
 * `message_definition` fields: the type's own `.msg` text, then each dependency not yet written,
 * depth first, dependencies of one type in sorted order, each preceded by a line of 80 `=` and
 * `MSG: pkg/Type`.
 */
export function messageDefinition(type: MessageType): string {
  let text = cache.get(type);
  if (text === undefined) {
    text = fullText(type);
    cache.set(type, text);
  }
  return text;
}

function fullText(root: string): string {
  const seen = new Set<string>();
  const append = (type: string, depth: number): string => {
    if (depth <= 0) throw new Error(`definition of ${root} nests too deeply`);
    const own = ownDefinition(type);
    if (own === undefined) throw new Error(`no .msg definition for ${type}`);
    let result = own;
    for (const dep of dependencies(own, type.slice(0, type.indexOf('/')))) {
      if (seen.has(dep)) continue;
      seen.add(dep);
      result += '\n' + DELIMITER + 'MSG: ' + dep + '\n' + append(toFullName(dep), depth - 1);
    }
    return result;
  };
  return append(root, 50);
}

/** `pkg/Type` names a .msg text refers to, sorted (rosbag2 keeps them in a std::set). */
function dependencies(text: string, packageName: string): string[] {
  const deps = new Set<string>();
  for (const match of text.matchAll(FIELD_TYPE)) {
    const type = match[1];
    if (type === undefined || PRIMITIVES.has(type)) continue;
    deps.add(type.includes('/') ? type : `${packageName}/${type}`);
  }
  return [...deps].sort();
}

function toFullName(dep: string): string {
  const parts = dep.split('/');
  return parts.length === 2 ? `${parts[0]}/msg/${parts[1]}` : dep;
}
