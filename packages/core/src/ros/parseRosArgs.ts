import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors/ConfigError.js';
import type { RemapRule } from '../node/RemapRule.js';

/** A `-p [node:]name:=value` override. */
export interface ParamArg {
  readonly name: string;
  readonly value: unknown;
  /** Only for this node. */
  readonly node?: string;
}

/** What `--ros-args … [--]` sections of a command line say, rcl's way. */
export interface RosArgs {
  /** Everything outside `--ros-args` sections: the program's own arguments. */
  readonly args: string[];
  /** `-r/--remap [node:]from:=to`, in order (including `__node`, `__ns`). */
  readonly remaps: RemapRule[];
  /** `-p/--param [node:]name:=value`, values read as YAML scalars (or flow sequences). */
  readonly params: ParamArg[];
  /** `--params-file FILE`, in order. */
  readonly paramsFiles: string[];
  /** `-e/--enclave`. */
  readonly enclave?: string;
  /** `--log-level [logger:=]level`. */
  readonly logLevels: { readonly logger?: string; readonly level: string }[];
  readonly logConfigFile?: string;
  /** `--enable-/--disable-{rosout,stdout,external-lib}-logs`. */
  readonly logFlags: Readonly<Record<'rosout' | 'stdout' | 'external-lib', boolean | undefined>>;
}

const LOG_FLAG = /^--(enable|disable)-(rosout|stdout|external-lib)-logs$/;

/**
 * Parses ROS 2 command-line arguments: any number of `--ros-args` sections, each ended by `--` or the end
 * of argv. Inside a section an unknown flag or a malformed rule is a ConfigError naming the argument (as
 * rclcpp refuses unknown ROS arguments).
 *
 * ```ts
 * parseRosArgs(['--ros-args', '-r', '__ns:=/robot', '-p', 'voxel_size:=0.2', '--params-file', 'p.yaml']);
 * ```
 */
export function parseRosArgs(argv: readonly string[]): RosArgs {
  const args: string[] = [];
  const remaps: RemapRule[] = [];
  const params: ParamArg[] = [];
  const paramsFiles: string[] = [];
  const logLevels: { logger?: string; level: string }[] = [];
  const logFlags: Record<'rosout' | 'stdout' | 'external-lib', boolean | undefined> = {
    rosout: undefined,
    stdout: undefined,
    'external-lib': undefined,
  };
  let enclave: string | undefined;
  let logConfigFile: string | undefined;
  let inRos = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!inRos) {
      if (arg === '--ros-args') inRos = true;
      else args.push(arg);
      continue;
    }
    if (arg === '--') {
      inRos = false;
      continue;
    }
    if (arg === '--ros-args') continue;
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined || next === '--') {
        throw new ConfigError(`ROS argument ${arg} needs a value`, { context: { field: arg, expected: 'a value after it' } });
      }
      i++;
      return next;
    };
    const logFlag = LOG_FLAG.exec(arg);
    if (logFlag !== null) {
      logFlags[logFlag[2] as 'rosout' | 'stdout' | 'external-lib'] = logFlag[1] === 'enable';
      continue;
    }
    switch (arg) {
      case '-r':
      case '--remap': {
        const rule = splitRule(value(), arg);
        remaps.push(rule.node === undefined ? { from: rule.name, to: rule.value } : { node: rule.node, from: rule.name, to: rule.value });
        break;
      }
      case '-p':
      case '--param': {
        const rule = splitRule(value(), arg);
        const parsed = parseScalar(rule.value);
        params.push(rule.node === undefined ? { name: rule.name, value: parsed } : { node: rule.node, name: rule.name, value: parsed });
        break;
      }
      case '--params-file':
        paramsFiles.push(value());
        break;
      case '-e':
      case '--enclave':
        enclave = value();
        break;
      case '--log-level': {
        const v = value();
        const at = v.indexOf(':=');
        logLevels.push(at < 0 ? { level: v.toLowerCase() } : { logger: v.slice(0, at), level: v.slice(at + 2).toLowerCase() });
        break;
      }
      case '--log-config-file':
        logConfigFile = value();
        break;
      default:
        throw new ConfigError(`unknown ROS argument '${arg}'`, {
          context: { field: arg, expected: '-r, -p, --params-file, -e, --log-level, --log-config-file, --enable/--disable-*-logs' },
        });
    }
  }
  return {
    args,
    remaps,
    params,
    paramsFiles,
    ...(enclave === undefined ? {} : { enclave }),
    logLevels,
    ...(logConfigFile === undefined ? {} : { logConfigFile }),
    logFlags,
  };
}

/** `[node:]name:=value`; the node prefix is what precedes the first `:` before `:=`. */
function splitRule(text: string, flag: string): { node?: string; name: string; value: string } {
  const at = text.indexOf(':=');
  if (at <= 0) {
    throw new ConfigError(`malformed ${flag} rule '${text}'`, { context: { field: flag, actual: text, expected: '[node:]name:=value' } });
  }
  const left = text.slice(0, at);
  const rightValue = text.slice(at + 2);
  const colon = left.indexOf(':');
  const node = colon < 0 ? undefined : left.slice(0, colon);
  const name = colon < 0 ? left : left.slice(colon + 1);
  if (name === '' || node === '' || (flag !== '-p' && flag !== '--param' && rightValue === '')) {
    throw new ConfigError(`malformed ${flag} rule '${text}'`, { context: { field: flag, actual: text, expected: '[node:]name:=value' } });
  }
  return node === undefined ? { name, value: rightValue } : { node, name, value: rightValue };
}

/** A `-p` value as rcl reads it: a YAML scalar or flow sequence; text YAML cannot read stays text. */
function parseScalar(text: string): unknown {
  try {
    const value: unknown = parseYaml(text);
    return value === null && text !== 'null' && text !== '~' ? text : value;
  } catch {
    return text;
  }
}
