/** Outcome of one gating expectation. */
export interface GatingCheck {
  modality: string;
  distance: number;
  minWeight: number;
  within: number;
  /** Times (sim s) an obstacle came within `distance` ahead. */
  events: number[];
  /** Events followed within `within` s by a weight ≥ minWeight. */
  satisfied: number;
  passed: boolean;
}

export interface GatingReport {
  /** `not_evaluated` until a `fusion/gating` message is seen. */
  status: 'not_evaluated' | 'passed' | 'failed' | 'none';
  messages: number;
  checks: GatingCheck[];
}

/** The metrics the issue fixes, per scenario. */
export interface ScenarioMetrics {
  collisions: number;
  /** Minimum distance between the robot footprint and any solid, m; null in an empty world. */
  minClearance: number | null;
  /** Fraction of the planned route driven, 0..1. */
  routeCompletion: number;
  /** Sim seconds to reach the goal, null if it was not reached. */
  timeToGoal: number | null;
  /** Keep-out zone entries. */
  infractions: number;
  /** CARLA: routeCompletion × 0.5^collisions × 0.8^keep-out entries. */
  drivingScore: number;
  simSeconds: number;
  wallSeconds: number;
  realtimeFactor: number;
  /** Sim-time age of the newest sensor/world message when each cmd_vel was published. */
  latencyMs: { p50: number; p99: number };
  gating: GatingReport;
}

export interface ScenarioResult {
  name: string;
  file?: string;
  seed: number;
  controller: string;
  passed: boolean;
  failures: string[];
  metrics: ScenarioMetrics;
  /** Node counters (cmd_vel_clamped, cmd_vel_rejected, plans, …) by node. */
  counters: Record<string, Record<string, number>>;
}

export interface ScenarioSummary {
  total: number;
  passed: number;
  failed: number;
  wallSeconds: number;
  results: ScenarioResult[];
}
