/**
 * Recorded simulator FusionSamples (JSON lines written by recordSimSamples.ts) and the held-out gating
 * evaluation shared by trainSimGate.ts and loraSim.ts.
 */
import { readFileSync } from 'node:fs';
import { POLICY_MAX_ANGULAR, POLICY_MAX_LINEAR, writePolicyFeatures, policyFeatureDim } from '@sensorium/fusion';
import type { FusionModel, FusionSample, PolicyHead } from '@sensorium/fusion';

export interface RecordedSample {
  scenario: string;
  variant: number;
  sample: FusionSample;
}

interface Row {
  scenario: string;
  variant: number;
  tokens: ({ count: number; data: number[] } | null)[];
  available: number[];
  cues: number[];
  goal: { x: number; y: number };
  perceived: { nearestDistanceM: number | null; nearestBearing: number; count: number; contact: boolean };
  expert: { linear: number; angular: number };
  obstacleAhead: number;
  obstacleDistanceM: number;
  gateTarget: number[];
  pointEncoderTarget: number;
}

export function readSamples(files: readonly string[]): RecordedSample[] {
  const out: RecordedSample[] = [];
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as Row;
      out.push({
        scenario: r.scenario,
        variant: r.variant,
        sample: {
          tokens: r.tokens.map((b) => (b === null ? undefined : { count: b.count, data: Float32Array.from(b.data) })),
          available: Float32Array.from(r.available),
          cues: Float32Array.from(r.cues),
          goal: r.goal,
          perceived: { ...r.perceived, nearestDistanceM: r.perceived.nearestDistanceM ?? Infinity },
          expert: r.expert,
          obstacleAhead: r.obstacleAhead,
          obstacleDistanceM: r.obstacleDistanceM,
          gateTarget: Float32Array.from(r.gateTarget),
          pointEncoderTarget: r.pointEncoderTarget,
        },
      });
    }
  }
  return out;
}

/** A modality the target gives nothing although it is fresh (dark/frozen camera, LiDAR dropout), or a missing one. */
export function inFault(s: FusionSample): boolean {
  return Array.from(s.available).some((a, m) => (a > 0.5 && (s.gateTarget[m] ?? 0) === 0) || a < 0.5);
}

export interface GateEvaluation {
  samples: number;
  /** Mean vision weight with nothing within 3 m ahead (no fault). */
  clearVision: number | null;
  clearSteps: number;
  /** Steps with an obstacle within 2 m ahead (no fault), and the share with vision ≥ 0.7 and point encoder ≥ 0.6. */
  nearSteps: number;
  nearAnswered: number | null;
  /** Mean weight the gate leaves on failed modalities. */
  failedModalityWeight: number | null;
  /** Mean |action − expert| (m/s, rad/s) with the policy head on the model's percept. */
  actionError: { linear: number; angular: number } | null;
  perScenario?: Record<string, Omit<GateEvaluation, 'perScenario'>>;
}

/**
 * Per sample, open loop (a proxy for the runner's metrics.gating, which needs closed-loop runs): the model's
 * step on the recorded inputs against the ground-truth labels.
 */
export function evaluateGate(model: FusionModel, policy: PolicyHead | null, set: readonly RecordedSample[], options: { perScenario?: boolean } = {}): GateEvaluation {
  const features = new Float32Array(policyFeatureDim(model.config.embeddingDim));
  const acc = (): { clear: number[]; near: number; answered: number; fault: number[]; lin: number[]; ang: number[]; n: number } => ({ clear: [], near: 0, answered: 0, fault: [], lin: [], ang: [], n: 0 });
  const all = acc();
  const per = new Map<string, ReturnType<typeof acc>>();
  for (const { scenario, sample } of set) {
    const o = model.step({ tokens: sample.tokens, available: sample.available, cues: sample.cues });
    const vision = o.weights[0] ?? 0;
    const targets = [all, ...(options.perScenario === true ? [per.get(scenario) ?? per.set(scenario, acc()).get(scenario)!] : [])];
    let actErr: [number, number] | null = null;
    if (policy !== null) {
      const percept = {
        embedding: o.embedding,
        weights: o.weights,
        nearest_obstacle_distance: sample.perceived.nearestDistanceM,
        nearest_obstacle_bearing: sample.perceived.nearestBearing,
        obstacle_ahead_score: o.obstaclePresence,
        obstacle_count: sample.perceived.count,
        contact: sample.perceived.contact,
      };
      writePolicyFeatures(features, percept, sample.goal);
      const a = policy.act(features);
      actErr = [Math.abs(a.linear - sample.expert.linear), Math.abs(a.angular - sample.expert.angular)];
    }
    for (const t of targets) {
      t.n++;
      if (actErr !== null) {
        t.lin.push(actErr[0]);
        t.ang.push(actErr[1]);
      }
      if (inFault(sample)) {
        const failed = Array.from(sample.gateTarget).reduce((s, g, m) => ((sample.available[m] ?? 0) > 0.5 && g === 0 ? s + (o.weights[m] ?? 0) : s), 0);
        t.fault.push(failed);
      } else if (sample.obstacleDistanceM > 3) t.clear.push(vision);
      else if (sample.obstacleAhead === 1) {
        t.near++;
        if (vision >= 0.7 && o.pointEncoderProb >= 0.6) t.answered++;
      }
    }
  }
  const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((x, y) => x + y, 0) / xs.length);
  const summary = (a: ReturnType<typeof acc>): Omit<GateEvaluation, 'perScenario'> => ({
    samples: a.n,
    clearVision: mean(a.clear),
    clearSteps: a.clear.length,
    nearSteps: a.near,
    nearAnswered: a.near === 0 ? null : a.answered / a.near,
    failedModalityWeight: mean(a.fault),
    actionError: a.lin.length === 0 ? null : { linear: mean(a.lin)!, angular: mean(a.ang)! },
  });
  return { ...summary(all), ...(options.perScenario === true ? { perScenario: Object.fromEntries([...per].map(([k, v]) => [k, summary(v)])) } : {}) };
}

/** Normalised squared action error, as the BC loss measures it. */
export function normalisedActionError(e: { linear: number; angular: number }): number {
  return (e.linear / POLICY_MAX_LINEAR + e.angular / POLICY_MAX_ANGULAR) / 2;
}
