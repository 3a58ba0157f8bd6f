import { describe, expect, it } from 'vitest';
import { LocalTransport, SimClock, fromSec } from '@sensorium/core';
import type { DiagnosticArray, FusedPercept } from '@sensorium/core';
import { LatencyProbe } from '../src/stack/LatencyProbe.js';

function percept(t: number): FusedPercept {
  return {
    header: { stamp: fromSec(t), frame_id: 'base_link' },
    embedding: new Float32Array(4),
    modalities: ['vision', 'lidar', 'audio', 'touch'],
    weights: Float32Array.of(0.25, 0.25, 0.25, 0.25),
    nearest_obstacle_distance: Infinity,
    nearest_obstacle_bearing: 0,
    obstacle_ahead_score: 0,
    obstacle_count: 0,
    contact: false,
  };
}

function diagnostics(stages: Record<string, [number, number]>): DiagnosticArray {
  const values = Object.entries(stages).flatMap(([name, [p50, p99]]) => [
    { key: `stage ${name} processing_ms p50`, value: String(p50) },
    { key: `stage ${name} processing_ms p99`, value: String(p99) },
  ]);
  return { header: { stamp: fromSec(0), frame_id: '' }, status: [{ level: 0, name: '/node', message: '', hardware_id: '', values }] };
}

describe('LatencyProbe', () => {
  it('adds the queueing age of the newest LiDAR/camera data to the wall time of the stages on the path', async () => {
    const transport = new LocalTransport();
    const clock = new SimClock({ start: { sec: 10, nanosec: 0 } });
    const probe = new LatencyProbe(transport, clock);
    const pub = {
      percept: transport.advertise('/fusion/percept', 'sensorium_msgs/msg/FusedPercept'),
      sectors: transport.advertise('/perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges'),
      raw: transport.advertise('/cmd_vel_raw', 'geometry_msgs/msg/Twist'),
      diag: transport.advertise('/diagnostics', 'diagnostic_msgs/msg/DiagnosticArray'),
    };
    const twist = { linear: { x: 0.5, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } };
    for (let i = 0; i < 10; i++) {
      // LiDAR data stamped now, the command 40 ms of clock later.
      pub.sectors.publish({ header: { stamp: clock.now(), frame_id: 'lidar_link' }, angle_min: -Math.PI, angle_increment: Math.PI, ranges: Float32Array.of(5, 5) });
      clock.advanceBy(0.04);
      pub.percept.publish(percept(clock.nowSec()));
      pub.raw.publish(twist);
      clock.advanceBy(0.06);
    }
    pub.raw.publish(twist); // no percept before it: not a sample
    pub.diag.publish(diagnostics({ pointcloud_pipeline: [5, 20], vit_encoder: [8, 30], fusion: [2, 6], policy: [1, 2], safety: [0.1, 0.5], planner: [3, 90] }));
    const report = probe.report();
    probe.dispose();
    expect(report.samples).toBe(10);
    expect(report.queueMs.p50).toBeCloseTo(40, 6);
    // Slower sensor stage (the ViT) + fusion + policy + safety; the planner is not on the path.
    expect(report.computeMs.p50).toBeCloseTo(8 + 2 + 1 + 0.1, 6);
    expect(report.computeMs.p99).toBeCloseTo(30 + 6 + 2 + 0.5, 6);
    expect(report.endToEndMs.p99).toBeCloseTo(40 + 38.5, 6);
    expect(report.stagesMs['planner']).toEqual({ p50: 3, p99: 90 });
  });
});
