import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';

/** A launch file's actions in the YAML frontend's shape: `[{arg: {...}}, {node: {...}}, ...]`. */
export type Actions = Record<string, unknown>[];

/**
 * What `ros2 launch` accepts in the XML and YAML frontends (launch + launch_ros, Humble/Jazzy), for the
 * actions these files use: tag → its attributes, and the child tags it may hold. `if`/`unless` go on any action.
 */
export const LAUNCH_SCHEMA: Record<string, { attributes: string[]; children?: string[] }> = {
  launch: { attributes: ['version'], children: ['arg', 'let', 'node', 'include', 'group', 'set_parameter', 'set_remap', 'push_ros_namespace'] },
  arg: { attributes: ['name', 'default', 'description', 'choices'] },
  let: { attributes: ['name', 'value'] },
  node: {
    attributes: ['pkg', 'exec', 'name', 'namespace', 'output', 'args', 'ros_args', 'respawn', 'respawn_delay', 'launch-prefix', 'exec_name'],
    children: ['param', 'remap', 'env'],
  },
  param: { attributes: ['name', 'value', 'from', 'sep'], children: ['param'] },
  remap: { attributes: ['from', 'to'] },
  include: { attributes: ['file'], children: ['arg'] },
  'include/arg': { attributes: ['name', 'value'] },
  group: { attributes: ['scoped', 'forwarding'], children: ['arg', 'let', 'node', 'include', 'group', 'set_parameter', 'set_remap', 'push_ros_namespace'] },
  set_parameter: { attributes: ['name', 'value'] },
  set_remap: { attributes: ['from', 'to'] },
  push_ros_namespace: { attributes: ['namespace'] },
};

const CONDITIONS = ['if', 'unless'];

/** Problems with `actions` against LAUNCH_SCHEMA, as `path: message` strings (empty when it is fine). */
export function schemaProblems(actions: Actions, parent = 'launch', path = 'launch'): string[] {
  const problems: string[] = [];
  actions.forEach((entry, i) => {
    const keys = Object.keys(entry);
    if (keys.length !== 1) problems.push(`${path}[${i}]: one action per list entry`);
    else check(keys[0]!, entry[keys[0]!], parent, `${path}[${i}].${keys[0]!}`, problems);
  });
  return problems;
}

function check(tag: string, body: unknown, parent: string, path: string, problems: string[]): void {
  if (!(LAUNCH_SCHEMA[parent]?.children ?? []).includes(tag)) {
    problems.push(`${path}: <${tag}> is not allowed in <${parent}>`);
    return;
  }
  if (tag === 'group' && Array.isArray(body)) {
    problems.push(...schemaProblems(body as Actions, 'group', path));
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    problems.push(`${path}: expected a map of attributes`);
    return;
  }
  const schema = LAUNCH_SCHEMA[parent === 'include' && tag === 'arg' ? 'include/arg' : tag]!;
  const record = body as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (tag === 'group' && key === 'children') problems.push(...schemaProblems(value as Actions, 'group', `${path}.children`));
    else if ((schema.children ?? []).includes(key) && tag !== 'group') {
      if (!Array.isArray(value)) problems.push(`${path}.${key}: expected a list`);
      else value.forEach((child, j) => check(key, child, tag, `${path}.${key}[${j}]`, problems));
    } else if (!schema.attributes.includes(key) && !CONDITIONS.includes(key)) problems.push(`${path}.${key}: unknown attribute of <${tag}>`);
  }
  for (const required of requiredAttributes(tag, parent)) if (record[required] === undefined) problems.push(`${path}: missing ${required}`);
  if (tag === 'param' && record['from'] === undefined && record['name'] === undefined) problems.push(`${path}: a param needs name or from`);
}

function requiredAttributes(tag: string, parent: string): string[] {
  if (parent === 'include' && tag === 'arg') return ['name', 'value'];
  return { arg: ['name'], let: ['name', 'value'], node: ['pkg', 'exec'], remap: ['from', 'to'], include: ['file'], set_parameter: ['name', 'value'], set_remap: ['from', 'to'], push_ros_namespace: ['namespace'] }[tag] ?? [];
}

/** The `launch:` list of a YAML launch file. */
export function yamlActions(file: string): Actions {
  const doc = parseYaml(readFileSync(file, 'utf8')) as { launch: Actions };
  return doc.launch;
}

/** An XML launch file as YAML-frontend actions (the two frontends map tag for tag). Throws on XML that does not parse. */
export function xmlActions(file: string): Actions {
  const text = readFileSync(file, 'utf8');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`${file}: ${valid.err.msg} (line ${valid.err.line})`);
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', commentPropName: '#comment', parseAttributeValue: false });
  const tree = parser.parse(text) as Record<string, unknown>[];
  const root = tree.find((n) => 'launch' in n);
  if (root === undefined) throw new Error(`${file}: no <launch> root element`);
  return elements(root['launch'] as Record<string, unknown>[]);
}

type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function elements(children: XmlNode[]): Actions {
  return children
    .filter((c) => !('#comment' in c) && !('#text' in c))
    .map((c) => {
      const tag = Object.keys(c).find((k) => k !== ':@')!;
      const body: Record<string, unknown> = { ...(c[':@'] ?? {}) };
      for (const child of elements(c[tag] as XmlNode[])) {
        const [childTag, childBody] = Object.entries(child)[0]!;
        if (tag === 'group') ((body['children'] ??= []) as Actions).push(child);
        else ((body[childTag] ??= []) as unknown[]).push(childBody);
      }
      return { [tag]: body };
    });
}

/** A .launch.py executed against the launch API stand-ins in pystubs/, as YAML-frontend actions. */
export function pythonActions(file: string): Actions {
  const out = execFileSync('python3', [join(import.meta.dirname, 'launch_py_to_yaml.py'), file], {
    env: { ...process.env, PYTHONPATH: join(import.meta.dirname, 'pystubs'), PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
  });
  return (JSON.parse(out) as { launch: Actions }).launch;
}

/**
 * Actions with every parameter value read the way launch_ros reads it (a string through YAML: XML's
 * `"false"` is YAML's `false`) and `group` bodies in one shape, so formats compare equal when they mean the same.
 */
export function normalizeActions(actions: Actions): Actions {
  return actions.map((entry) => {
    const [tag, raw] = Object.entries(entry)[0]!;
    if (tag === 'group') {
      const body = Array.isArray(raw) ? { children: raw } : (raw as Record<string, unknown>);
      return { group: { ...body, scoped: String(body['scoped'] ?? true), children: normalizeActions(body['children'] as Actions) } };
    }
    const body = { ...(raw as Record<string, unknown>) };
    if (tag === 'set_parameter') body['value'] = paramValue(body['value']);
    if (tag === 'node' && Array.isArray(body['param'])) {
      body['param'] = (body['param'] as Record<string, unknown>[]).map((p) => (p['value'] === undefined ? p : { ...p, value: paramValue(p['value']) }));
    }
    for (const key of ['default', 'value']) if (tag !== 'set_parameter' && typeof body[key] === 'number') body[key] = String(body[key]);
    return { [tag]: body };
  });
}

function paramValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    const parsed: unknown = parseYaml(value);
    return parsed === null || (typeof parsed === 'object' && !Array.isArray(parsed)) ? value : parsed;
  } catch {
    return value;
  }
}
