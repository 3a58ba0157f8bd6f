import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalTransport, NodeRuntime, SimClock, fromSec } from '@sensorium/core';
import type { FeatureTokens, FusedPercept, ModalityWeights, Publisher, SectorRanges } from '@sensorium/core';
import { FusionModel, SeededRandom, fusionNode, saveFusionModel } from '@sensorium/fusion';
import type { ModelFiles } from '@sensorium/fusion';
import { useWasm } from './helpers.js';

const DIMS = { vision: 64, lidar: 64, audio: 32, touch: 16 } as const;

function tokens(modality: keyof typeof DIMS, t: number, options: { count?: number; dim?: number; value?: number } = {}): FeatureTokens {
  const count = options.count ?? 4;
  const dim = options.dim ?? DIMS[modality];
  const rng = new SeededRandom(Math.round(t * 1000) + dim);
  const data = Float32Array.from({ length: count * dim }, () => options.value ?? rng.normal());
  return { header: { stamp: fromSec(t), frame_id: 'base_link' }, modality, count, dim, data };
}

function sectors(t: number, aheadM: number): SectorRanges {
  const ranges = new Float32Array(16).fill(8);
  ranges[0] = aheadM;
  return { header: { stamp: fromSec(t), frame_id: 'base_link' }, angle_min: 0, angle_increment: (2 * Math.PI) / 16, ranges };
}

describe('fusion node', () => {
  let files: ModelFiles;
  let runtime: NodeRuntime | undefined;
  beforeAll(async () => {
    await useWasm();
    const model = new FusionModel({ seed: 4 });
    files = saveFusionModel(model);
    model.dispose();
  });
  afterEach(async () => {
    await runtime?.shutdown();
    runtime = undefined;
  });

  async function start(): Promise<{ clock: SimClock; transport: LocalTransport; gating: ModalityWeights[]; percepts: FusedPercept[]; pub: Record<string, Publisher> }> {
    const transport = new LocalTransport();
    const clock = new SimClock({ start: { sec: 100, nanosec: 0 } });
    runtime = new NodeRuntime(fusionNode, {
      transport,
      clock,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      readResource: (path) => {
        const bytes = files.get(path.slice(path.lastIndexOf('/') + 1));
        return bytes === undefined ? Promise.reject(new Error(`no ${path}`)) : Promise.resolve(bytes);
      },
    });
    await runtime.configure();
    runtime.activate();
    const gating: ModalityWeights[] = [];
    const percepts: FusedPercept[] = [];
    transport.subscribe('/fusion/gating', 'sensorium_msgs/msg/ModalityWeights').subscribe((m) => gating.push(m));
    transport.subscribe('/fusion/percept', 'sensorium_msgs/msg/FusedPercept').subscribe((m) => percepts.push(m));
    const pub: Record<string, Publisher> = {};
    for (const m of Object.keys(DIMS)) pub[m] = transport.advertise(`/perception/${m}/tokens`, 'sensorium_msgs/msg/FeatureTokens');
    pub.sectors = transport.advertise('/perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges');
    return { clock, transport, gating, percepts, pub };
  }

  /** Advances sim time in 50 ms ticks, publishing what `feed` returns at each tick. */
  function run(clock: SimClock, seconds: number, feed: (t: number) => void): void {
    const steps = Math.round(seconds / 0.05);
    for (let i = 0; i < steps; i++) {
      clock.advanceBy(0.05);
      feed(clock.nowSec());
    }
  }

  it('publishes gating and percept at 10 Hz and gates a never-arriving modality to 0', async () => {
    const { clock, gating, percepts, pub } = await start();
    run(clock, 1, (t) => {
      pub.vision!.publish(tokens('vision', t) as never);
      pub.touch!.publish(tokens('touch', t) as never);
      pub.sectors!.publish(sectors(t, 5) as never);
    });
    expect(gating.length).toBe(10);
    expect(percepts.length).toBe(10);
    const last = gating.at(-1)!;
    expect(last.modalities).toEqual(['vision', 'lidar', 'audio', 'touch']);
    expect(last.weights[2]).toBe(0);
    expect(last.stale).toEqual([false, false, true, false]);
    expect((last.weights[0] ?? 0) + (last.weights[1] ?? 0) + (last.weights[3] ?? 0)).toBeCloseTo(1, 4);
    expect(percepts.at(-1)!.embedding.length).toBe(64);
    expect(percepts.at(-1)!.nearest_obstacle_distance).toBeCloseTo(5, 5);
  });

  it('keeps publishing with no inputs at all (all weights 0)', async () => {
    const { clock, gating } = await start();
    run(clock, 0.5, () => {});
    expect(gating.length).toBe(5);
    expect(Array.from(gating.at(-1)!.weights)).toEqual([0, 0, 0, 0]);
  });

  it.each([
    ['wrong dim', (t: number) => tokens('vision', t, { dim: 32 }), 'FUSION_BAD_DIM'],
    ['too many tokens', (t: number) => tokens('vision', t, { count: 500 }), 'FUSION_BAD_COUNT'],
    ['NaN values', (t: number) => tokens('vision', t, { value: Number.NaN }), 'FUSION_NOT_FINITE'],
    ['wrong modality', (t: number) => ({ ...tokens('vision', t), modality: 'audio' }), 'FUSION_MODALITY_MISMATCH'],
    ['length ≠ count × dim', (t: number) => ({ ...tokens('vision', t), count: 3 }), 'FUSION_BAD_LENGTH'],
  ])('rejects and counts %s, keeps publishing, masks the modality', async (_label, bad, reason) => {
    const { clock, gating, pub } = await start();
    run(clock, 1, (t) => {
      pub.vision!.publish(bad(t) as never);
      pub.touch!.publish(tokens('touch', t) as never);
    });
    expect(gating.length).toBe(10);
    expect(gating.at(-1)!.weights[0]).toBe(0);
    const drops = runtime!.diagnostics.snapshot().drops.filter((d) => d.topic === '/perception/vision/tokens' && d.reason === reason);
    expect(drops[0]?.count).toBe(20);
  });

  it('rejects out-of-order and repeated stamps; a frozen camera goes stale and loses its weight', async () => {
    const { clock, gating, pub } = await start();
    run(clock, 1, (t) => {
      pub.vision!.publish(tokens('vision', t) as never);
      pub.touch!.publish(tokens('touch', t) as never);
    });
    expect(gating.at(-1)!.weights[0]).toBeGreaterThan(0);
    const frozenAt = clock.nowSec();
    run(clock, 1, (t) => {
      pub.vision!.publish(tokens('vision', frozenAt) as never); // freeze: the same stamp again and again
      pub.vision!.publish(tokens('vision', frozenAt - 0.5) as never); // and one from the past
      pub.touch!.publish(tokens('touch', t) as never);
    });
    expect(gating.at(-1)!.weights[0]).toBe(0);
    expect(gating.at(-1)!.stale[0]).toBe(true);
    expect(gating.at(-1)!.weights[3]).toBeCloseTo(1, 5);
    const drops = runtime!.diagnostics.snapshot().drops.filter((d) => d.topic === '/perception/vision/tokens');
    expect(Object.fromEntries(drops.map((d) => [d.reason, d.count]))).toEqual({ FUSION_DUPLICATE_STAMP: 20, FUSION_OUT_OF_ORDER: 20 });
  });
});
