import { ParameterError } from '../errors/ParameterError.js';
import type { ParamSpec, ParamSpecs, ParamValues } from './ParamSpec.js';

/** Parameter values from one source (a params file, a launch `param` list, `-p` arguments). */
export interface ParamLayer {
  readonly values: Readonly<Record<string, unknown>>;
  /** Where they came from, named in errors. */
  readonly file?: string;
}

/** Parameters every ROS 2 node accepts without declaring them. */
function isWellKnown(name: string): boolean {
  return name === 'use_sim_time' || name.startsWith('qos_overrides.');
}

/**
 * Resolves a node's parameters: each declared default, overridden by the layers in order (later wins),
 * each value checked against its spec. An unknown name or a bad value is a ParameterError naming the
 * node, the parameter, the file it came from and what is allowed.
 *
 * Integers may arrive as BigInt (rclnodejs) and are converted; a double parameter given an integer is
 * fine (YAML `1` for a double), as in rclcpp.
 */
export function validateParams<P extends ParamSpecs>(
  specs: P,
  layers: readonly ParamLayer[],
  context: { node: string },
): ParamValues<P> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) out[name] = spec.default;
  for (const layer of layers) {
    for (const [name, raw] of Object.entries(layer.values)) {
      const spec = specs[name];
      if (spec === undefined) {
        if (isWellKnown(name)) continue;
        const known = Object.keys(specs);
        throw new ParameterError(`node ${context.node} has no parameter '${name}'`, {
          context: {
            node: context.node,
            parameter: name,
            file: layer.file,
            expected: known.length === 0 ? 'no parameters' : `one of ${known.join(', ')}`,
          },
        });
      }
      out[name] = coerceParam(spec, raw, { node: context.node, parameter: name, file: layer.file });
    }
  }
  return out as ParamValues<P>;
}

/** Checks one value against its spec and returns it in the spec's JS type. */
export function coerceParam(
  spec: ParamSpec,
  raw: unknown,
  where: { node: string; parameter: string; file?: string | undefined },
): unknown {
  const fail = (expected: string): never => {
    throw new ParameterError(`bad value for parameter '${where.parameter}' of node ${where.node}`, {
      context: { node: where.node, parameter: where.parameter, file: where.file, expected, actual: show(raw) },
    });
  };
  switch (spec.type) {
    case 'double':
    case 'integer': {
      let value: number;
      if (typeof raw === 'bigint') {
        value = Number(raw);
        if (!Number.isSafeInteger(value)) fail('an integer within ±2^53');
      } else if (typeof raw === 'number' && !Number.isNaN(raw)) value = raw;
      else return fail(`${spec.type === 'integer' ? 'an integer' : 'a number'}${range(spec)}`);
      if (spec.type === 'integer' && !Number.isInteger(value)) fail(`an integer${range(spec)}`);
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        fail(range(spec).slice(1));
      }
      return value;
    }
    case 'bool':
      return typeof raw === 'boolean' ? raw : fail('true or false');
    case 'string':
      if (typeof raw !== 'string') return fail(spec.choices ? `one of ${spec.choices.join(' | ')}` : 'a string');
      if (spec.choices !== undefined && !spec.choices.includes(raw)) fail(`one of ${spec.choices.join(' | ')}`);
      return raw;
    case 'double_array': {
      const values = toArray(raw);
      const lengthText = spec.length === undefined ? '' : ` of length ${spec.length}`;
      if (values === undefined) return fail(`an array of numbers${lengthText}`);
      const numbers = values.map((v) => (typeof v === 'bigint' ? Number(v) : v));
      if (!numbers.every((v) => typeof v === 'number' && !Number.isNaN(v))) fail(`an array of numbers${lengthText}`);
      if (spec.length !== undefined && numbers.length !== spec.length) fail(`an array of numbers${lengthText}`);
      return Object.freeze(numbers as number[]);
    }
    case 'string_array': {
      const values = toArray(raw);
      if (values === undefined || !values.every((v) => typeof v === 'string')) return fail('an array of strings');
      return Object.freeze([...(values as string[])]);
    }
  }
}

function toArray(raw: unknown): unknown[] | undefined {
  if (Array.isArray(raw)) return raw;
  if (ArrayBuffer.isView(raw) && !(raw instanceof DataView)) return Array.from(raw as unknown as ArrayLike<unknown>);
  return undefined;
}

function range(spec: { min?: number; max?: number }): string {
  if (spec.min !== undefined && spec.max !== undefined) return ` ${spec.min} ≤ value ≤ ${spec.max}`;
  if (spec.min !== undefined) return ` ≥ ${spec.min}`;
  if (spec.max !== undefined) return ` ≤ ${spec.max}`;
  return '';
}

function show(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw);
  if (typeof raw === 'bigint') return `${raw}n`;
  if (Array.isArray(raw)) return `[${raw.map(show).join(', ')}]`;
  return String(raw);
}
