import { ConfigError } from '../errors/ConfigError.js';

/** Where a relative or private name is resolved: the node's (remapped) name and absolute namespace. */
export interface NameScope {
  readonly nodeName: string;
  readonly namespace: string;
}

const TOKEN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Expands a topic name as rcl does (`rcl_expand_topic_name`): `~` and `~/x` are private to the node,
 * `{node}` and `{ns}`/`{namespace}` are substituted, relative names are prefixed with the namespace, and
 * absolute names are kept. The result is validated; an invalid name is a ConfigError naming it.
 */
export function expandTopicName(name: string, scope: NameScope): string {
  const ns = scope.namespace === '/' ? '' : scope.namespace;
  let expanded = name
    .replaceAll('{node}', scope.nodeName)
    .replaceAll('{namespace}', ns)
    .replaceAll('{ns}', ns);
  if (expanded === '~') expanded = `${ns}/${scope.nodeName}`;
  else if (expanded.startsWith('~/')) expanded = `${ns}/${scope.nodeName}/${expanded.slice(2)}`;
  else if (!expanded.startsWith('/')) expanded = `${ns}/${expanded}`;
  validateFullyQualifiedName(expanded, name);
  return expanded;
}

/** Throws a ConfigError unless `name` is a valid fully qualified ROS 2 name (`/a/b_c`). */
export function validateFullyQualifiedName(name: string, original: string = name): void {
  const fail = (why: string): never => {
    throw new ConfigError(`invalid ROS name '${original}': ${why}`, {
      context: { actual: name, expected: 'tokens of [A-Za-z0-9_] not starting with a digit, separated by single /' },
    });
  };
  if (!name.startsWith('/')) fail('not absolute');
  if (name === '/') return;
  if (name.endsWith('/')) fail('ends with /');
  for (const token of name.slice(1).split('/')) {
    if (token === '') fail('contains //');
    if (!TOKEN.test(token)) fail(`bad token '${token}'`);
  }
}

/** Makes a namespace absolute (`perception` → `/perception`, `''` → `/`) and validates it. */
export function normalizeNamespace(namespace: string | undefined): string {
  if (namespace === undefined || namespace === '' || namespace === '/') return '/';
  let ns = namespace.startsWith('/') ? namespace : `/${namespace}`;
  if (ns.length > 1 && ns.endsWith('/')) ns = ns.slice(0, -1);
  validateFullyQualifiedName(ns, namespace);
  return ns;
}

/** Validates a node base name (one token). */
export function validateNodeName(name: string): void {
  if (!TOKEN.test(name)) {
    throw new ConfigError(`invalid node name '${name}'`, {
      context: { node: name, expected: 'one token of [A-Za-z0-9_], not starting with a digit' },
    });
  }
}

/** `/ns/name` (or `/name` in the root namespace). */
export function fullyQualifiedNodeName(scope: NameScope): string {
  return scope.namespace === '/' ? `/${scope.nodeName}` : `${scope.namespace}/${scope.nodeName}`;
}
