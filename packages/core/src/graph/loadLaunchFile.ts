import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { parse as parseYaml, parseDocument } from 'yaml';
import { ConfigError } from '../errors/ConfigError.js';
import { loadParamsFile } from '../node/loadParamsFile.js';
import type { RemapRule } from '../node/RemapRule.js';
import { parseRosArgs } from '../ros/parseRosArgs.js';
import type { GraphDescription, GraphNodeDescription, GraphParamSource } from './GraphDescription.js';
import { substitute } from './substitute.js';
import type { SubstitutionScope } from './substitute.js';

export interface LoadLaunchFileOptions {
  /** Launch arguments (`name:=value` on the `ros2 launch` command line). */
  args?: Readonly<Record<string, string>>;
  /** Package share directories for `$(find-pkg-share)`. `sensorium_bringup` defaults to the repository root. */
  packages?: Readonly<Record<string, string>>;
  /** Repository root; default: the nearest directory above the launch file whose package.json is `sensorium`. */
  repoRoot?: string;
  /** Environment for `$(env)`; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

interface Scope {
  vars: Record<string, string>;
  namespace: string;
  remaps: RemapRule[];
  globalParams: Record<string, unknown>;
}

interface Loader {
  readonly options: LoadLaunchFileOptions;
  readonly repoRoot: string;
  readonly nodes: GraphNodeDescription[];
  readonly stack: string[];
}

/**
 * Reads a ROS 2 YAML launch file (the `launch:` format `ros2 launch` reads, launch_ros frontend) into a
 * GraphDescription. Supported: `arg`, `let`, `node` (pkg, exec, name, namespace, param — values,
 * nested groups and `from:` files —, remap, ros_args, args), `include` (file, arg), `group` (a list of
 * actions, or `{scoped, children}`), `push-ros-namespace`, `set-remap`, `set-parameter`, and `if` /
 * `unless` on any action; substitutions `$(var)`, `$(env)`, `$(optenv)`, `$(find-pkg-share)`,
 * `$(dirname)`, `$(filename)`. Anything else is a ConfigError naming the file and the YAML path, so a
 * file that loads here also loads under `ros2 launch`.
 */
export function loadLaunchFile(path: string, options: LoadLaunchFileOptions = {}): GraphDescription {
  const file = resolvePath(path);
  const loader: Loader = { options, repoRoot: options.repoRoot ?? findRepoRoot(dirname(file)), nodes: [], stack: [] };
  const vars = includeFile(loader, file, { ...(options.args ?? {}) }, { vars: {}, namespace: '/', remaps: [], globalParams: {} });
  return { file, repoRoot: loader.repoRoot, args: vars, nodes: loader.nodes };
}

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'sensorium') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    if (dirname(dir) === dir) return process.cwd();
  }
}

function includeFile(loader: Loader, file: string, given: Record<string, string>, parent: Scope): Record<string, string> {
  if (loader.stack.includes(file)) {
    throw new ConfigError('launch files include each other in a cycle', { context: { file, actual: [...loader.stack, file].join(' → ') } });
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError('cannot read launch file', { context: { file }, cause });
  }
  const doc = parseDocument(text, { prettyErrors: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    throw new ConfigError(`launch file is not valid YAML: ${first.message.split('\n')[0] ?? ''}`, {
      context: { file, field: `line ${first.linePos?.[0].line ?? '?'}`, offset: first.pos[0] },
    });
  }
  const root: unknown = doc.toJS();
  if (!isRecord(root) || !Array.isArray(root['launch'])) {
    throw new ConfigError('a YAML launch file must hold a top-level `launch:` list', { context: { file, field: 'launch' } });
  }
  loader.stack.push(file);
  const scope: Scope = { vars: { ...given }, namespace: parent.namespace, remaps: [...parent.remaps], globalParams: { ...parent.globalParams } };
  // Arguments given by the includer (or the command line) win over `default`, as in launch.
  const ctx: FileContext = { loader, file, given };
  actions(ctx, root['launch'] as unknown[], 'launch', scope);
  loader.stack.pop();
  return scope.vars;
}

interface FileContext {
  readonly loader: Loader;
  readonly file: string;
  readonly given: Readonly<Record<string, string>>;
}

function actions(ctx: FileContext, list: readonly unknown[], path: string, scope: Scope): void {
  list.forEach((entry, i) => action(ctx, entry, `${path}[${i}]`, scope));
}

function action(ctx: FileContext, entry: unknown, path: string, scope: Scope): void {
  if (!isRecord(entry) || Object.keys(entry).length !== 1) throw fail(ctx, path, 'each action must be a map with exactly one key');
  const [kind, body] = Object.entries(entry)[0] as [string, unknown];
  const here = `${path}.${kind}`;
  if (isRecord(body) && !conditionHolds(ctx, body, here, scope)) return;
  switch (kind) {
    case 'arg': {
      const a = record(ctx, body, here);
      const name = text(ctx, a['name'], `${here}.name`, scope);
      if (ctx.given[name] !== undefined) scope.vars[name] = ctx.given[name];
      else if (a['default'] !== undefined) scope.vars[name] = text(ctx, a['default'], `${here}.default`, scope);
      else if (scope.vars[name] === undefined) throw fail(ctx, here, `launch argument '${name}' is required (no default given)`);
      return;
    }
    case 'let': {
      const a = record(ctx, body, here);
      scope.vars[text(ctx, a['name'], `${here}.name`, scope)] = text(ctx, a['value'], `${here}.value`, scope);
      return;
    }
    case 'node':
      ctx.loader.nodes.push(node(ctx, record(ctx, body, here), here, scope));
      return;
    case 'include': {
      const a = record(ctx, body, here);
      const target = resolveFile(ctx, text(ctx, a['file'], `${here}.file`, scope));
      if (!target.endsWith('.yaml') && !target.endsWith('.yml')) {
        throw fail(ctx, `${here}.file`, `only YAML launch files can be included here (got ${target})`);
      }
      const given: Record<string, string> = {};
      list(ctx, a['arg'], `${here}.arg`).forEach((item, i) => {
        const arg = record(ctx, item, `${here}.arg[${i}]`);
        given[text(ctx, arg['name'], `${here}.arg[${i}].name`, scope)] = text(ctx, arg['value'], `${here}.arg[${i}].value`, scope);
      });
      includeFile(ctx.loader, target, given, scope);
      return;
    }
    case 'group': {
      const children = Array.isArray(body) ? body : list(ctx, record(ctx, body, here)['children'], `${here}.children`);
      const scoped = !isRecord(body) || body['scoped'] === undefined || bool(ctx, body['scoped'], `${here}.scoped`, scope);
      const inner: Scope = scoped
        ? { vars: { ...scope.vars }, namespace: scope.namespace, remaps: [...scope.remaps], globalParams: { ...scope.globalParams } }
        : scope;
      actions(ctx, children, Array.isArray(body) ? here : `${here}.children`, inner);
      return;
    }
    case 'push-ros-namespace':
    case 'push_ros_namespace': {
      const ns = text(ctx, record(ctx, body, here)['namespace'], `${here}.namespace`, scope);
      scope.namespace = joinNamespace(scope.namespace, ns);
      return;
    }
    case 'set-remap':
    case 'set_remap': {
      const a = record(ctx, body, here);
      scope.remaps.push({ from: text(ctx, a['from'], `${here}.from`, scope), to: text(ctx, a['to'], `${here}.to`, scope) });
      return;
    }
    case 'set-parameter':
    case 'set_parameter': {
      const a = record(ctx, body, here);
      scope.globalParams[text(ctx, a['name'], `${here}.name`, scope)] = paramValue(ctx, a['value'], `${here}.value`, scope);
      return;
    }
    default:
      throw fail(ctx, here, `unsupported launch action '${kind}'`);
  }
}

function node(ctx: FileContext, a: Record<string, unknown>, path: string, scope: Scope): GraphNodeDescription {
  // launch_ros Node attributes plus the ExecuteProcess ones it inherits (accepted; they affect processes, not us).
  const known = new Set([
    'pkg', 'exec', 'name', 'namespace', 'param', 'remap', 'ros_args', 'args', 'exec_name', 'node-name',
    'output', 'if', 'unless', 'respawn', 'respawn_delay', 'launch-prefix', 'env', 'cwd', 'shell',
    'emulate_tty', 'sigterm_timeout', 'sigkill_timeout', 'output_format',
  ]);
  for (const key of Object.keys(a)) if (!known.has(key)) throw fail(ctx, `${path}.${key}`, `unknown node attribute '${key}'`);
  const pkg = text(ctx, a['pkg'], `${path}.pkg`, scope);
  const exec = text(ctx, a['exec'], `${path}.exec`, scope);
  const name = a['name'] === undefined ? undefined : text(ctx, a['name'], `${path}.name`, scope);
  const ns = a['namespace'] === undefined ? '' : text(ctx, a['namespace'], `${path}.namespace`, scope);
  const namespace = joinNamespace(scope.namespace, ns);
  const params: GraphParamSource[] = [];
  if (Object.keys(scope.globalParams).length > 0) params.push({ kind: 'values', values: { ...scope.globalParams }, file: ctx.file });
  const inline: Record<string, unknown> = {};
  const flushInline = (): void => {
    if (Object.keys(inline).length === 0) return;
    params.push({ kind: 'values', values: { ...inline }, file: ctx.file });
    for (const key of Object.keys(inline)) delete inline[key];
  };
  const readParams = (items: unknown, at: string, prefix: string): void => {
    list(ctx, items, at).forEach((item, i) => {
      const p = record(ctx, item, `${at}[${i}]`);
      const here = `${at}[${i}]`;
      if (p['from'] !== undefined) {
        flushInline();
        params.push({ kind: 'file', params: loadParamsFile(resolveFile(ctx, text(ctx, p['from'], `${here}.from`, scope))) });
        return;
      }
      const pname = text(ctx, p['name'], `${here}.name`, scope);
      const full = prefix === '' ? pname : `${prefix}.${pname}`;
      if (p['param'] !== undefined) readParams(p['param'], `${here}.param`, full);
      else inline[full] = paramValue(ctx, p['value'], `${here}.value`, scope);
    });
  };
  if (a['param'] !== undefined) readParams(a['param'], `${path}.param`, '');
  flushInline();
  const remaps: RemapRule[] = [...scope.remaps];
  list(ctx, a['remap'], `${path}.remap`).forEach((item, i) => {
    const r = record(ctx, item, `${path}.remap[${i}]`);
    remaps.push({ from: text(ctx, r['from'], `${path}.remap[${i}].from`, scope), to: text(ctx, r['to'], `${path}.remap[${i}].to`, scope) });
  });
  if (a['ros_args'] !== undefined) {
    const words = text(ctx, a['ros_args'], `${path}.ros_args`, scope).split(/\s+/).filter((w) => w !== '');
    let ros;
    try {
      ros = parseRosArgs(['--ros-args', ...words]);
    } catch (cause) {
      throw new ConfigError(`bad ros_args: ${(cause as Error).message}`, { context: { file: ctx.file, field: `${path}.ros_args` }, cause });
    }
    remaps.push(...ros.remaps);
    for (const f of ros.paramsFiles) params.push({ kind: 'file', params: loadParamsFile(resolveFile(ctx, f)) });
    const rosParams: Record<string, unknown> = {};
    for (const p of ros.params) if (p.node === undefined || p.node === (name ?? exec)) rosParams[p.name] = p.value;
    if (Object.keys(rosParams).length > 0) params.push({ kind: 'values', values: rosParams, file: ctx.file });
  }
  const args = a['args'] === undefined ? [] : text(ctx, a['args'], `${path}.args`, scope).split(/\s+/).filter((w) => w !== '');
  return {
    pkg,
    exec,
    ...(name === undefined ? {} : { name }),
    namespace,
    params,
    remaps,
    args,
    source: { file: ctx.file, path },
  };
}

/** A parameter value as launch_ros reads it: strings are substituted, then read as YAML (`'5'` → 5). */
function paramValue(ctx: FileContext, value: unknown, path: string, scope: Scope): unknown {
  if (value === undefined) throw fail(ctx, path, 'missing value');
  if (typeof value === 'string') {
    const s = substitute(value, substitutionScope(ctx, path, scope));
    try {
      const parsed: unknown = parseYaml(s);
      return parsed === null || typeof parsed === 'object' ? (Array.isArray(parsed) ? parsed : s) : parsed;
    } catch {
      return s;
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => paramValue(ctx, v, `${path}[${i}]`, scope));
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  throw fail(ctx, path, 'a parameter value must be a scalar or a list of scalars');
}

function joinNamespace(current: string, ns: string): string {
  if (ns === '' || ns === '/') return ns === '/' ? '/' : current;
  if (ns.startsWith('/')) return ns.replace(/\/+$/, '') || '/';
  const base = current === '/' ? '' : current;
  return `${base}/${ns.replace(/\/+$/, '')}`;
}

function conditionHolds(ctx: FileContext, body: Record<string, unknown>, path: string, scope: Scope): boolean {
  if (body['if'] !== undefined && !bool(ctx, body['if'], `${path}.if`, scope)) return false;
  if (body['unless'] !== undefined && bool(ctx, body['unless'], `${path}.unless`, scope)) return false;
  return true;
}

function bool(ctx: FileContext, value: unknown, path: string, scope: Scope): boolean {
  if (typeof value === 'boolean') return value;
  const s = text(ctx, value, path, scope).trim().toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw fail(ctx, path, `expected true or false, got '${s}'`);
}

function text(ctx: FileContext, value: unknown, path: string, scope: Scope): string {
  if (value === undefined || value === null) throw fail(ctx, path, 'missing value');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') throw fail(ctx, path, 'expected a string');
  return substitute(value, substitutionScope(ctx, path, scope));
}

function substitutionScope(ctx: FileContext, path: string, scope: Scope): SubstitutionScope {
  const { loader } = ctx;
  return {
    vars: scope.vars,
    env: loader.options.env ?? process.env,
    file: ctx.file,
    path,
    findPackageShare: (pkg) => {
      const dir = loader.options.packages?.[pkg] ?? (pkg === 'sensorium_bringup' ? loader.repoRoot : undefined);
      if (dir === undefined) {
        throw new ConfigError(`package '${pkg}' not found for $(find-pkg-share)`, {
          context: { file: ctx.file, field: path, expected: 'sensorium_bringup or a package given in options.packages' },
        });
      }
      return dir;
    },
  };
}

function resolveFile(ctx: FileContext, path: string): string {
  // Relative paths are read next to the launch file that names them.
  return isAbsolute(path) ? path : resolvePath(dirname(ctx.file), path);
}

function record(ctx: FileContext, value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw fail(ctx, path, 'expected a map');
  return value;
}

function list(ctx: FileContext, value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fail(ctx, path, 'expected a list');
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(ctx: FileContext, path: string, message: string): ConfigError {
  return new ConfigError(message, { context: { file: ctx.file, field: path } });
}
