import { parse as parseYaml } from 'yaml';
import { DefaultQoS, type QoS } from '../../transport/QoS.js';

// rmw enum values, as rosbag2 (Humble) serialises them; Jazzy writes the names instead, so both are read.
const HISTORY = { keep_last: 1, keep_all: 2 } as const;
const RELIABILITY = { reliable: 1, best_effort: 2 } as const;
const DURABILITY = { transient_local: 1, volatile: 2 } as const;

/**
 * The `offered_qos_profiles` channel metadata rosbag2 writes: a YAML list with one QoS per publisher.
 * `ros2 bag play` reads it to re-offer the same QoS (a latched `tf_static` stays latched on replay).
 */
export function offeredQosProfilesYaml(qos: Readonly<QoS>): string {
  // A zero duration means "default" (infinite) for deadline, lifespan and lease duration.
  return [
    `- history: ${HISTORY[qos.history]}`,
    `  depth: ${qos.depth}`,
    `  reliability: ${RELIABILITY[qos.reliability]}`,
    `  durability: ${DURABILITY[qos.durability]}`,
    '  deadline:',
    '    sec: 0',
    '    nsec: 0',
    '  lifespan:',
    '    sec: 0',
    '    nsec: 0',
    '  liveliness: 1',
    '  liveliness_lease_duration:',
    '    sec: 0',
    '    nsec: 0',
    '  avoid_ros_namespace_conventions: false',
  ].join('\n');
}

/**
 * The QoS to re-offer for a recorded channel: the first profile of `offered_qos_profiles`, or
 * `undefined` when the metadata is empty or unreadable (the player then uses its defaults).
 */
export function parseOfferedQosProfiles(text: string | undefined): QoS | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let profiles: unknown;
  try {
    profiles = parseYaml(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(profiles) || profiles.length === 0) return undefined;
  const first: unknown = profiles[0];
  if (typeof first !== 'object' || first === null) return undefined;
  const p = first as Record<string, unknown>;
  const history = enumValue(p['history'], HISTORY) ?? DefaultQoS.history;
  const depth = typeof p['depth'] === 'number' && p['depth'] > 0 ? p['depth'] : DefaultQoS.depth;
  return {
    history,
    depth,
    reliability: enumValue(p['reliability'], RELIABILITY) ?? DefaultQoS.reliability,
    durability: enumValue(p['durability'], DURABILITY) ?? DefaultQoS.durability,
  };
}

function enumValue<K extends string>(value: unknown, table: Readonly<Record<K, number>>): K | undefined {
  for (const key of Object.keys(table) as K[]) {
    if (value === table[key] || value === key) return key;
  }
  return undefined;
}
