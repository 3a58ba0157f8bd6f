import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { ConfigError } from '../errors/ConfigError.js';

/** One `<node pattern>: ros__parameters:` block of a ROS 2 params file. */
export interface ParamsFileEntry {
  /** Fully qualified node name as rcl reads it: `/` prefixed, may hold `*` and `**` wildcards. */
  readonly node: string;
  /** Parameter values, nested keys flattened with `.`. */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface ParamsFile {
  readonly file?: string;
  readonly entries: readonly ParamsFileEntry[];
}

/**
 * Reads a ROS 2 parameters file (`--params-file`, a launch `param: [{from: …}]`): top-level keys are
 * node names (`/**`, `/ns/node`, `node`, or namespaces nested as maps), each holding `ros__parameters`.
 * Pass a path, or `{ text, file? }` to parse text. Bad YAML or a bad layout is a ConfigError naming the
 * file and the YAML path.
 *
 * Node matching is done by `paramsForNode`, by Sensorium itself: rclnodejs 2.2.0 ignores `/ns/node:`
 * entries, so the runtime passes resolved values instead of relying on it.
 */
export function loadParamsFile(source: string | { text: string; file?: string }): ParamsFile {
  let text: string;
  let file: string | undefined;
  if (typeof source === 'string') {
    file = source;
    try {
      text = readFileSync(source, 'utf8');
    } catch (cause) {
      throw new ConfigError('cannot read params file', { context: { file }, cause });
    }
  } else {
    text = source.text;
    file = source.file;
  }
  const doc = parseDocument(text, { prettyErrors: false, intAsBigInt: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    throw new ConfigError(`params file is not valid YAML: ${first.message.split('\n')[0] ?? ''}`, {
      context: { file, offset: first.pos[0], field: `line ${first.linePos?.[0].line ?? '?'}` },
    });
  }
  const entries: ParamsFileEntry[] = [];
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { file, entries };
  if (!isMap(root)) fail('expected a map of node names', file, '');
  walkNodes(root, [], entries, file);
  return file === undefined ? { entries } : { file, entries };
}

function walkNodes(node: YamlNode, path: string[], entries: ParamsFileEntry[], file: string | undefined): void {
  if (!isMap(node)) fail('expected a map with ros__parameters', file, path.join('.'));
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as YamlNode | null;
    if (key === 'ros__parameters') {
      if (path.length === 0) fail('ros__parameters must be under a node name', file, key);
      const params: Record<string, unknown> = {};
      if (value !== null && !(isScalar(value) && value.value === null)) {
        if (!isMap(value)) fail('ros__parameters must be a map', file, [...path, key].join('.'));
        flatten(value, '', params, file, [...path, key]);
      }
      const joined = path.map((p) => p.replace(/^\/+|\/+$/g, '')).join('/');
      entries.push({ node: `/${joined}`, params });
    } else {
      if (value === null) fail('expected a map with ros__parameters', file, [...path, key].join('.'));
      walkNodes(value, [...path, key], entries, file);
    }
  }
}

function flatten(map: YamlNode, prefix: string, out: Record<string, unknown>, file: string | undefined, path: string[]): void {
  if (!isMap(map)) return;
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const name = prefix === '' ? key : `${prefix}.${key}`;
    const value = pair.value as YamlNode | null;
    const here = [...path, key].join('.');
    if (isMap(value)) flatten(value, name, out, file, [...path, key]);
    else if (isSeq(value)) {
      const items = value.items.map((item) => (isScalar(item) ? item.value : fail('arrays must hold scalars', file, here)));
      const kinds = new Set(items.map((v) => (typeof v === 'number' ? 'number' : typeof v)));
      if (kinds.size > 1) fail('array elements must all have one type', file, here);
      out[name] = items;
    } else if (isScalar(value)) out[name] = value.value;
    else fail('expected a value', file, here);
  }
}

function fail(message: string, file: string | undefined, field: string): never {
  throw new ConfigError(message, { context: { file, field: field === '' ? undefined : field } });
}

/**
 * The parameters a params file gives the node `nodeFqn` (`/ns/name`), as rclcpp resolves them:
 * entry names match with `/*` standing for one name token and `/**` for any number, and entries apply
 * in file order, a later one overriding an earlier one.
 */
export function paramsForNode(file: ParamsFile, nodeFqn: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of file.entries) {
    if (nodePatternMatches(entry.node, nodeFqn)) Object.assign(out, entry.params);
  }
  return out;
}

/** rclcpp: `/*` → `(/\w+)` (so `/**` → `(/\w+)*`), then a full-string regex match. */
export function nodePatternMatches(pattern: string, nodeFqn: string): boolean {
  if (pattern === nodeFqn) return true;
  if (!pattern.includes('*')) return false;
  const source = pattern.split('/*').map(escapeRegExp).join('(/\\w+)').replace(/\\\*/g, '*');
  return new RegExp(`^${source}$`).test(nodeFqn);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\*]/g, '\\$&');
}
