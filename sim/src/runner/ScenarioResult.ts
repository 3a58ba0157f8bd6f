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

/** How a modality's weight reacted to one scenario fault (`faults:` entry). */
export interface GatingFaultResponse {
  sensor: string;
  kind: string;
  /** Sim s the fault started. */
  at: number;
  /** The modality's mean weight over the 1 s before the fault, and the other modalities' summed mean. */
  weightBefore: number;
  othersBefore: number;
  /** Mean weights from 0.5 s after the fault start to its end (or 1 s later, whichever is first). */
  weightAfter: number;
  othersAfter: number;
  /** Sim s from the fault start until the weight first fell below max(0.05, weightBefore / 3); null if never. */
  fallSeconds: number | null;
}

export interface GatingReport {
  /** `not_evaluated` until a `fusion/gating` message is seen. */
  status: 'not_evaluated' | 'passed' | 'failed' | 'none';
  messages: number;
  checks: GatingCheck[];
  /** Mean vision weight over messages received with no solid (boundary walls aside) within 3 m; null if none. */
  clearVisionWeight: number | null;
  clearMessages: number;
  /**
   * Obstacle-within-2 m-ahead onsets, and how many were followed within 0.5 s by vision ≥ 0.7 and
   * `lidar_point_encoder` among the active modules.
   */
  onsets: number;
  onsetsAnswered: number;
  faults: GatingFaultResponse[];
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
