import type { Subscription } from 'rxjs';
import type { Transport } from '@sensorium/core';

/**
 * What the one-line status shows, from the stack's own topics: commanded speed, gating weights, nearest
 * obstacle and safety interventions. Latest values only; nothing queues.
 */
export class StatusTaps {
  speed = 0;
  yawRate = 0;
  readonly weights = new Float32Array(4);
  weightNames: readonly string[] = ['vision', 'lidar', 'audio', 'touch'];
  nearest = Infinity;
  interventions = 0;
  readonly byReason = new Map<string, number>();
  private readonly subscriptions: Subscription[] = [];

  constructor(transport: Transport) {
    const best = { reliability: 'best_effort' as const };
    this.subscriptions.push(
      transport.subscribe('/cmd_vel', 'geometry_msgs/msg/Twist', best).subscribe((m) => {
        this.speed = m.linear.x;
        this.yawRate = m.angular.z;
      }),
      transport.subscribe('/fusion/gating', 'sensorium_msgs/msg/ModalityWeights', best).subscribe((m) => {
        this.weightNames = m.modalities;
        this.weights.fill(0);
        this.weights.set(m.weights.subarray(0, 4));
      }),
      // Nearest LiDAR return (the percept's obstacle summary reads 0 m when walls cluster around the robot).
      transport.subscribe('/perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges', best).subscribe((m) => {
        let nearest = Infinity;
        for (let i = 0; i < m.ranges.length; i++) {
          const r = m.ranges[i]!;
          if (r > 0 && r < nearest) nearest = r;
        }
        this.nearest = nearest;
      }),
      transport.subscribe('/safety/events', 'sensorium_msgs/msg/SafetyEvent', { reliability: 'reliable', depth: 100 }).subscribe((m) => {
        this.interventions += 1;
        this.byReason.set(m.reason, (this.byReason.get(m.reason) ?? 0) + 1);
      }),
    );
  }

  /** Clears per-scenario state. */
  reset(): void {
    this.speed = 0;
    this.yawRate = 0;
    this.weights.fill(0);
    this.nearest = Infinity;
    this.interventions = 0;
    this.byReason.clear();
  }

  line(simSec: number, scenario: string): string {
    const w = this.weightNames.map((n, i) => `${n.slice(0, 3)} ${(this.weights[i] ?? 0).toFixed(2)}`).join(' ');
    const nearest = Number.isFinite(this.nearest) ? `${this.nearest.toFixed(2)} m` : 'none';
    return `t ${simSec.toFixed(1).padStart(5)} s | ${scenario} | v ${this.speed.toFixed(2)} m/s ω ${this.yawRate.toFixed(2)} | gate ${w} | nearest ${nearest} | interventions ${this.interventions}`;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }
}
