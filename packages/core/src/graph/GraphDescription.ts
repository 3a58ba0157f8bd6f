import type { ParamsFile } from '../node/loadParamsFile.js';
import type { RemapRule } from '../node/RemapRule.js';

/** Parameters for one node, in launch order: a params file (matched by node name) or inline values. */
export type GraphParamSource =
  | { readonly kind: 'file'; readonly params: ParamsFile }
  | { readonly kind: 'values'; readonly values: Readonly<Record<string, unknown>>; readonly file?: string };

/** One `node` entry of a launch file, substitutions done and namespaces pushed. */
export interface GraphNodeDescription {
  readonly pkg: string;
  /** Looked up in the NodeRegistry. */
  readonly exec: string;
  /** Node name; default the definition's exec. */
  readonly name?: string;
  /** Absolute namespace (`/` for the root). */
  readonly namespace: string;
  readonly params: readonly GraphParamSource[];
  /** `remap` entries, then `ros_args` remaps; all apply to this node only. */
  readonly remaps: readonly RemapRule[];
  /** The `args` string split on whitespace (the executable's own arguments). */
  readonly args: readonly string[];
  /** Where it was declared: launch file and YAML path, for error messages. */
  readonly source: { readonly file: string; readonly path: string };
}

/** What a launch file describes: the nodes to run, and the launch arguments' final values. */
export interface GraphDescription {
  readonly file?: string;
  /** Repository root (what `$(find-pkg-share sensorium_bringup)` resolved to); nodes' resource root by default. */
  readonly repoRoot?: string;
  readonly args: Readonly<Record<string, string>>;
  readonly nodes: readonly GraphNodeDescription[];
}
