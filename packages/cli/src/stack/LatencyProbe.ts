import type { Subscription } from 'rxjs';
import { toSec, type Clock, type Transport } from '@sensorium/core';

/** Stages on the sensor → cmd_vel path; the slower of the two sensor stages counts (they run side by side). */
const SENSOR_STAGES = ['pointcloud_pipeline', 'vit_encoder'] as const;
const CHAIN_STAGES = ['fusion', 'policy', 'safety'] as const;

export interface LatencyReport {
  /** Newest LiDAR/camera stamp behind each command → its cmd_vel, in clock time: queueing between stages (timers, rates). */
  queueMs: { p50: number; p99: number };
  /** Wall time spent computing on the path: slowest sensor stage + fusion + policy + safety. */
  computeMs: { p50: number; p99: number };
  /** End to end on a robot running in real time: queue + compute (p99 sums p99s: an upper bound). */
  endToEndMs: { p50: number; p99: number };
  /** Each stage's wall-time p50/p99 from /diagnostics (the ones on the path and any other), ms. */
  stagesMs: Record<string, { p50: number; p99: number }>;
  samples: number;
}

/**
 * Sensor stamp → cmd_vel latency of the stack. In simulation compute takes no sim time, so the probe
 * measures the two parts apart: the clock-time age of the fused percept's stamp (its oldest fresh sensor
 * stamp) when the command it produced goes out, and the nodes' own stage timings from `/diagnostics`.
 */
export class LatencyProbe {
  private readonly ages: number[] = [];
  private readonly stageP50 = new Map<string, number>();
  private readonly stageP99 = new Map<string, number>();
  private readonly subscriptions: Subscription[] = [];
  private perceptStampSec = Number.NaN;
  private lidarSec = Number.NaN;
  private cameraSec = Number.NaN;

  constructor(transport: Transport, clock: Pick<Clock, 'nowSec'>, options: { maxSamples?: number } = {}) {
    const max = options.maxSamples ?? 100_000;
    const best = { reliability: 'best_effort' as const };
    this.subscriptions.push(
      // The policy answers a percept synchronously and the supervisor answers the policy at once, so the
      // cmd_vel_raw that follows a percept carries that percept's data.
      transport.subscribe('/fusion/percept', 'sensorium_msgs/msg/FusedPercept', best).subscribe((m) => (this.perceptStampSec = toSec(m.header.stamp))),
      transport.subscribe('/perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges', best).subscribe((m) => (this.lidarSec = toSec(m.header.stamp))),
      transport.subscribe('/perception/vision/tokens', 'sensorium_msgs/msg/FeatureTokens', best).subscribe((m) => (this.cameraSec = toSec(m.header.stamp))),
      transport.subscribe('/cmd_vel_raw', 'geometry_msgs/msg/Twist', best).subscribe(() => {
        if (Number.isNaN(this.perceptStampSec)) return;
        // The newest obstacle-sensor data (LiDAR or camera) the fusion step just used: a dropped-out or frozen
        // sensor must not count as latency. (The percept's own stamp is its oldest token's, an audio chunk's
        // first sample, 100 ms before the chunk ends.)
        const sensor = Math.max(Number.isFinite(this.lidarSec) ? this.lidarSec : -Infinity, Number.isFinite(this.cameraSec) ? this.cameraSec : -Infinity);
        if (this.ages.length < max && Number.isFinite(sensor)) this.ages.push((clock.nowSec() - sensor) * 1000);
        this.perceptStampSec = Number.NaN;
      }),
      transport.subscribe('/diagnostics', 'diagnostic_msgs/msg/DiagnosticArray', best).subscribe((m) => {
        for (const status of m.status) {
          for (const kv of status.values) {
            const match = /^stage (\S+) processing_ms (p50|p99)$/.exec(kv.key);
            if (match === null) continue;
            (match[2] === 'p50' ? this.stageP50 : this.stageP99).set(match[1]!, Number(kv.value));
          }
        }
      }),
    );
  }

  report(): LatencyReport {
    const queue = { p50: percentile(this.ages, 0.5), p99: percentile(this.ages, 0.99) };
    const compute = { p50: this.computeSum(this.stageP50), p99: this.computeSum(this.stageP99) };
    const stagesMs: Record<string, { p50: number; p99: number }> = {};
    for (const [name, p50] of this.stageP50) stagesMs[name] = { p50, p99: this.stageP99.get(name) ?? Number.NaN };
    return { queueMs: queue, computeMs: compute, endToEndMs: { p50: queue.p50 + compute.p50, p99: queue.p99 + compute.p99 }, stagesMs, samples: this.ages.length };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  private computeSum(stages: ReadonlyMap<string, number>): number {
    let sensor = 0;
    for (const s of SENSOR_STAGES) sensor = Math.max(sensor, stages.get(s) ?? 0);
    let sum = sensor;
    for (const s of CHAIN_STAGES) sum += stages.get(s) ?? 0;
    return sum;
  }
}

function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
