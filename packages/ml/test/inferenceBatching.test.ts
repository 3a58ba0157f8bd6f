import { beforeAll, describe, expect, it } from 'vitest';
import { createInferenceSession, initBackend, ModalityBatcher, sampleSize, type Feeds, type InferenceSession } from '../src/index.js';
import { relativeError, seededInput, vitModel } from './onnxModels.js';

/** A session that doubles its input and finishes when the test says so, recording batch sizes. */
function controlledSession(): { session: InferenceSession; batches: number[]; finish: () => void } {
  const batches: number[] = [];
  const waiting: (() => void)[] = [];
  const session: InferenceSession = {
    backend: 'cpu',
    reason: 'test',
    model: { name: 'fake', inputs: [{ name: 'x', shape: ['batch', 2] }], outputs: [{ name: 'y', shape: ['batch', 2] }] },
    run(feeds: Feeds, { batch }: { batch: number }): Promise<Feeds> {
      batches.push(batch);
      const y = feeds['x']!.map((v) => 2 * v);
      return new Promise((resolve) => waiting.push(() => resolve({ y })));
    },
    runSync(): Feeds {
      throw new Error('the batcher runs asynchronously');
    },
    dispose: () => Promise.resolve(),
  };
  return { session, batches, finish: () => waiting.shift()?.() };
}

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ModalityBatcher: waiting messages of one modality run as one batch', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['wasm'], log: () => {} });
  });

  it('runs a lone message at once and the backlog behind it as one batch, with latency per message', async () => {
    const { session, batches, finish } = controlledSession();
    let clock = 0;
    const batcher = new ModalityBatcher(session, { maxBatch: 4, now: () => clock });
    const first = batcher.submit({ x: Float32Array.of(1, 2) });
    await flush();
    expect(batches).toEqual([1]);
    clock = 10;
    const backlog = [3, 5, 7, 9, 11].map((v) => batcher.submit({ x: Float32Array.of(v, v + 1) }));
    clock = 30;
    finish(); // first run done
    await flush();
    expect(batches).toEqual([1, 4]); // maxBatch caps the backlog run
    clock = 50;
    finish();
    await flush();
    expect(batches).toEqual([1, 4, 1]);
    clock = 55;
    finish();
    const results = await Promise.all([first, ...backlog]);
    expect(results.map((r) => r.batchSize)).toEqual([1, 4, 4, 4, 4, 1]);
    expect(results.map((r) => r.latencyMs)).toEqual([30, 40, 40, 40, 40, 45]);
    expect([...results[3]!.outputs['y']!]).toEqual([14, 16]); // rows go back to their own message
    expect(batcher.stats()).toMatchObject({ messages: 6, runs: 3, maxLatencyMs: 45 });
  });

  it('rejects a wrongly sized sample naming the model input', async () => {
    const { session } = controlledSession();
    await expect(new ModalityBatcher(session).submit({ x: new Float32Array(3) })).rejects.toThrow(/fake\.x/);
  });

  it('batched ViT outputs on ORT equal one-at-a-time outputs', async () => {
    const vit = vitModel({ depth: 2 });
    const session = await createInferenceSession(vit.model, { prefer: ['onnxruntime'], log: () => {} });
    const size = sampleSize(vit.model.inputs[0]!);
    const frames = [1, 2, 3].map((s) => seededInput(size, s));
    const batcher = new ModalityBatcher(session);
    const batched = await Promise.all(frames.map((f) => batcher.submit({ patches: f })));
    expect(batched.every((r) => r.batchSize === 3)).toBe(true);
    for (const [i, f] of frames.entries()) {
      const single = await session.run({ patches: f }, { batch: 1 });
      expect(relativeError(batched[i]!.outputs['tokens']!, single['tokens']!)).toBeLessThan(1e-5);
    }
    await session.dispose();
    vit.dispose();
  });
});
