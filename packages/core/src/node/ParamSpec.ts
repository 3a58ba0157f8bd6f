/**
 * A node parameter's declaration: its ROS 2 type, default, allowed range and description.
 * Build them with the helpers below so the value type is inferred:
 *
 * ```ts
 * const parameters = {
 *   voxel_size: double(0.1, { min: 0.01, max: 2, description: 'voxel edge, m' }),
 *   min_cluster_points: integer(5, { min: 1, max: 100_000, description: 'smallest cluster kept' }),
 * };
 * ```
 */
export type ParamSpec =
  | { readonly type: 'double'; readonly default: number; readonly min?: number; readonly max?: number; readonly description: string }
  | { readonly type: 'integer'; readonly default: number; readonly min?: number; readonly max?: number; readonly description: string }
  | { readonly type: 'bool'; readonly default: boolean; readonly description: string }
  | { readonly type: 'string'; readonly default: string; readonly choices?: readonly string[]; readonly description: string }
  | { readonly type: 'double_array'; readonly default: readonly number[]; readonly length?: number; readonly description: string }
  | { readonly type: 'string_array'; readonly default: readonly string[]; readonly description: string };

export type ParamSpecs = Readonly<Record<string, ParamSpec>>;

export type ParamValue<S extends ParamSpec> = S extends { type: 'double' | 'integer' }
  ? number
  : S extends { type: 'bool' }
    ? boolean
    : S extends { type: 'string' }
      ? string
      : S extends { type: 'double_array' }
        ? readonly number[]
        : readonly string[];

export type ParamValues<P extends ParamSpecs> = { readonly [K in keyof P]: ParamValue<P[K]> };

interface RangeOptions {
  min?: number;
  max?: number;
  description: string;
}

export function double(defaultValue: number, options: RangeOptions): Extract<ParamSpec, { type: 'double' }> {
  return { type: 'double', default: defaultValue, ...options };
}
export function integer(defaultValue: number, options: RangeOptions): Extract<ParamSpec, { type: 'integer' }> {
  return { type: 'integer', default: defaultValue, ...options };
}
export function bool(defaultValue: boolean, options: { description: string }): Extract<ParamSpec, { type: 'bool' }> {
  return { type: 'bool', default: defaultValue, ...options };
}
export function string(
  defaultValue: string,
  options: { choices?: readonly string[]; description: string },
): Extract<ParamSpec, { type: 'string' }> {
  return { type: 'string', default: defaultValue, ...options };
}
export function doubleArray(
  defaultValue: readonly number[],
  options: { length?: number; description: string },
): Extract<ParamSpec, { type: 'double_array' }> {
  return { type: 'double_array', default: defaultValue, ...options };
}
export function stringArray(
  defaultValue: readonly string[],
  options: { description: string },
): Extract<ParamSpec, { type: 'string_array' }> {
  return { type: 'string_array', default: defaultValue, ...options };
}
