import { ConfigError } from '../errors/ConfigError.js';

/** What substitutions read: launch configurations, environment, package share directories, the file. */
export interface SubstitutionScope {
  readonly vars: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The launch file being read (for `$(dirname)`, `$(filename)` and errors). */
  readonly file: string;
  findPackageShare(pkg: string): string;
  /** YAML path of the value, for errors. */
  readonly path: string;
}

/**
 * Expands ROS 2 launch substitutions in `text`: `$(var name)`, `$(env NAME [default])`,
 * `$(optenv NAME [default])`, `$(find-pkg-share pkg)`, `$(dirname)`, `$(filename)`. Substitutions
 * nest (`$(find-pkg-share $(var pkg))`); `'quoted words'` are one argument. Anything else is a
 * ConfigError naming the file and YAML path.
 */
export function substitute(text: string, scope: SubstitutionScope): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('$(', i);
    if (start < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, start);
    const end = matchingParen(text, start + 2, scope);
    out += evaluate(substitute(text.slice(start + 2, end), scope), scope);
    i = end + 1;
  }
  return out;
}

function matchingParen(text: string, from: number, scope: SubstitutionScope): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  throw fail(`unclosed substitution in '${text}'`, scope);
}

function evaluate(body: string, scope: SubstitutionScope): string {
  const words = splitWords(body.trim());
  const [kind, ...args] = words;
  switch (kind) {
    case 'var': {
      const name = one(args, kind, scope);
      const value = scope.vars[name];
      if (value === undefined) throw fail(`launch configuration '${name}' is not set (declare it with an arg)`, scope);
      return value;
    }
    case 'env': {
      const name = args[0] ?? '';
      const value = scope.env[name] ?? (args.length > 1 ? args.slice(1).join(' ') : undefined);
      if (value === undefined) throw fail(`environment variable ${name} is not set and has no default`, scope);
      return value;
    }
    case 'optenv':
      return scope.env[args[0] ?? ''] ?? args.slice(1).join(' ');
    case 'find-pkg-share':
      return scope.findPackageShare(one(args, kind, scope));
    case 'dirname':
      return scope.file.slice(0, Math.max(0, scope.file.lastIndexOf('/'))) || '/';
    case 'filename':
      return scope.file.slice(scope.file.lastIndexOf('/') + 1);
    default:
      throw fail(`unsupported substitution '$(${body})'`, scope);
  }
}

function one(args: readonly string[], kind: string, scope: SubstitutionScope): string {
  if (args.length !== 1 || args[0] === undefined) throw fail(`$(${kind}) takes one argument`, scope);
  return args[0];
}

function splitWords(body: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) words.push(m[1] ?? m[2] ?? m[3] ?? '');
  return words;
}

function fail(message: string, scope: SubstitutionScope): ConfigError {
  return new ConfigError(message, { context: { file: scope.file, field: scope.path } });
}
