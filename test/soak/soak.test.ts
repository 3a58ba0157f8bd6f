import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LocalTransport } from '@sensorium/core';
import { FusionModel, PolicyHead, saveFusionModel, savePolicyHead } from '@sensorium/fusion';
import { initBackend } from '@sensorium/ml';
import { loadScenario } from '@sensorium/sim';
import { createNodeRegistry } from '../../packages/cli/src/nodeRegistry.js';
import { StackSession } from '../../packages/cli/src/stack/StackSession.js';
import { REPO_ROOT, loadStackGraph, worldBounds } from '../../packages/cli/src/stack/stackGraph.js';

/** Simulated seconds (SOAK_SIM_SECONDS overrides for a quick check). */
const SIM_SECONDS = Number(process.env['SOAK_SIM_SECONDS'] ?? 3600);
const WARMUP_SECONDS = Math.min(300, SIM_SECONDS / 6);
const SAMPLE_EVERY = Math.max(10, Math.round(SIM_SECONDS / 120));
const MB = 1024 * 1024;

/** The shipped models when present; otherwise seeded untrained ones (memory and safety do not depend on training). */
async function modelReader(): Promise<{ read: (p: string) => Promise<Uint8Array>; which: string }> {
  const shipped = existsSync(path.join(REPO_ROOT, 'models/fusion/model.json')) && existsSync(path.join(REPO_ROOT, 'models/policy/model.json'));
  let dir = path.join(REPO_ROOT, 'models');
  if (!shipped) {
    await initBackend({ log: () => undefined });
    dir = mkdtempSync(path.join(tmpdir(), 'soak-models-'));
    const fusion = new FusionModel({ seed: 4 });
    const policy = new PolicyHead(fusion.config.embeddingDim, [128, 64], { seed: 5 });
    for (const [sub, files] of [['fusion', saveFusionModel(fusion)], ['policy', savePolicyHead(policy)]] as const) {
      mkdirSync(path.join(dir, sub));
      for (const [name, bytes] of files) writeFileSync(path.join(dir, sub, name), bytes);
    }
    fusion.dispose();
    policy.dispose();
  }
  const read = async (p: string) => new Uint8Array(readFileSync(p.startsWith('models/') ? path.join(dir, p.slice(7)) : path.resolve(REPO_ROOT, p)));
  return { read, which: shipped ? 'shipped models/' : 'seeded untrained models (models/ not present)' };
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / MB;
}

describe('soak', () => {
  it(`${SIM_SECONDS} s of simulated time through the whole stack: bounded heap, constant tensors, no collisions`, async () => {
    const { read, which } = await modelReader();
    // A long pedestrian-free obstacle course, run well past its goal: with the goal reached the policy holds
    // still, so the robot is sent on round trips by re-publishing goals (start ↔ goal) for the whole hour.
    const file = path.join(REPO_ROOT, 'sim/scenarios/static-obstacle-field.yaml');
    const base = loadScenario(readFileSync(file, 'utf8'), { file });
    const scenario = { ...base, duration: SIM_SECONDS + 10 };
    const transport = new LocalTransport({ onWarning: () => undefined });
    const errors: string[] = [];
    const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => void errors.push(m) };
    const session = await StackSession.create({
      scenario,
      stack: loadStackGraph({ params: { policy: { map_bounds: worldBounds(base.world.size) }, planner: { map_bounds: worldBounds(base.world.size) } } }),
      registry: createNodeRegistry(),
      transport,
      logger,
      readResource: read,
      resourceRoot: REPO_ROOT,
    });
    const goalPub = transport.advertise('/goal_pose', 'geometry_msgs/msg/PoseStamped', { durability: 'transient_local', reliability: 'reliable' });
    const ends = [base.goal.position, base.robot.start.position] as const;
    let leg = 0;
    let lastLeg = 0;
    const samples: { t: number; heapMb: number; tensors: number; rssMb: number }[] = [];
    const wallStart = performance.now();
    let score: ReturnType<typeof session.simulator.scorer.snapshot>;
    let diagnostics: ReturnType<typeof session.diagnostics>;
    try {
      let nextSample = 0;
      while (session.time < SIM_SECONDS - 1e-9) {
        session.advance(0.5);
        // A new leg every 120 s (or sooner at the goal): the robot keeps driving for the whole soak.
        if (session.time - lastLeg >= 120) {
          leg += 1;
          lastLeg = session.time;
          const [x, y] = ends[leg % 2]!;
          goalPub.publish({ header: { stamp: session.clock.now(), frame_id: 'map' }, pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } });
        }
        if (session.time >= nextSample) {
          nextSample += SAMPLE_EVERY;
          const sample = { t: Math.round(session.time), heapMb: heapMb(), tensors: tf.memory().numTensors, rssMb: process.memoryUsage().rss / MB };
          samples.push(sample);
          process.stderr.write(`soak t ${sample.t} s heap ${sample.heapMb.toFixed(1)} MB tensors ${sample.tensors} rss ${sample.rssMb.toFixed(0)} MB collisions ${session.simulator.scorer.snapshot().collisions} wall ${((performance.now() - wallStart) / 1000).toFixed(0)} s\n`);
        }
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      score = session.simulator.scorer.snapshot();
      diagnostics = session.diagnostics();
      await session.shutdown();
      await transport.close();
    }
    const wallSeconds = (performance.now() - wallStart) / 1000;
    const afterWarmup = samples.filter((s) => s.t >= WARMUP_SECONDS);
    const baseline = afterWarmup[0]!;
    const growth = Math.max(...afterWarmup.map((s) => s.heapMb)) - baseline.heapMb;
    const tensorCounts = new Set(afterWarmup.map((s) => s.tensors));
    const queueDrops = diagnostics.nodes.flatMap((n) => n.drops.filter((d) => /queue/.test(d.reason)).map((d) => `${n.node} ${d.topic} ${d.reason} ${d.count}`));
    process.stderr.write(
      `soak summary (${which}): ${SIM_SECONDS} s sim in ${wallSeconds.toFixed(0)} s wall (×${(SIM_SECONDS / wallSeconds).toFixed(2)}), ` +
        `heap after warm-up ${baseline.heapMb.toFixed(1)} → max ${(baseline.heapMb + growth).toFixed(1)} MB (growth ${growth.toFixed(1)} MB), ` +
        `tensors ${[...tensorCounts].join(',')}, collisions ${score.collisions}, route legs ${leg}, queue drops ${queueDrops.length}, errors ${errors.length}\n`,
    );
    expect(score.collisions).toBe(0);
    expect(growth).toBeLessThanOrEqual(20);
    expect(tensorCounts.size).toBe(1);
    expect(queueDrops).toEqual([]);
    expect(SIM_SECONDS / wallSeconds).toBeGreaterThan(1);
  });
});
