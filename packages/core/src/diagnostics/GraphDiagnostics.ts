import type { LifecycleState } from '../node/NodeRuntime.js';
import type { Time } from '../time/Time.js';
import type { NodeDiagnosticsSnapshot } from './NodeDiagnosticsRecorder.js';

/** One node's health, as `graph.diagnostics()` returns it and `/diagnostics` publishes it. */
export interface NodeStatus extends NodeDiagnosticsSnapshot {
  /** Fully qualified node name. */
  readonly node: string;
  readonly exec: string;
  readonly state: LifecycleState;
  /** `error`: a transition failed; `warn`: inactive, or messages dropped in the last 5 s; else `ok`. */
  readonly level: 'ok' | 'warn' | 'error';
  readonly message: string;
}

export interface GraphDiagnostics {
  /** Graph clock time of the snapshot. */
  readonly stamp: Time;
  readonly nodes: readonly NodeStatus[];
}
