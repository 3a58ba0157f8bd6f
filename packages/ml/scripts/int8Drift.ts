/**
 * ViT token drift of the int8 export against fp32 on ORT, for choices of kernels kept float, and their
 * time ratio (batch 4, 1 thread): how the int8 export's defaults were picked.
 *
 *   npx tsx packages/ml/scripts/int8Drift.ts [--seed]     (default and the stack's ViT; --seed: ViT-B/16)
 */
import * as ort from 'onnxruntime-node';
import { exportVitOnnx, initBackend, weightsFromTensors } from '../src/index.js';
import { VIT_SEED, VIT_SMALL, VitEncoder } from '@sensorium/perception';
import { seededInput } from '../test/onnxModels.js';
await initBackend({ prefer: ['wasm'], log: () => {} });
const cfgs = process.argv.includes('--seed') ? [VIT_SEED] : [VIT_SMALL, { ...VIT_SMALL, imageSize: 64, dim: 96, depth: 2, heads: 2 }];
for (const cfg of cfgs) {
  const vit = new VitEncoder(cfg);
  const w = weightsFromTensors(vit.weights);
  const pd = cfg.patchSize ** 2 * 3;
  const batch = 4;
  const data = seededInput(batch * vit.patches * pd, 3);
  const feed = { patches: new ort.Tensor('float32', data, [batch, vit.patches, pd]) };
  const open = (b: Uint8Array) => ort.InferenceSession.create(b, { executionProviders: ['cpu'], intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const f = await open(exportVitOnnx(w, vit.config));
  const ref = (await f.run(feed))['tokens']!.data as Float32Array;
  const time = async (s: ort.InferenceSession) => { for (let i = 0; i < 2; i++) await s.run(feed); const t: number[] = []; for (let i = 0; i < (cfg.dim > 400 ? 3 : 15); i++) { const t0 = performance.now(); await s.run(feed); t.push(performance.now() - t0); } t.sort((a, b) => a - b); return t[Math.floor(t.length / 2)]! / batch; };
  const fpMs = await time(f);
  const last = `blocks/${cfg.depth - 1}/`;
  const variants: [string, ((k: string) => boolean) | undefined][] = [
    ['all int8', () => false],
    ['default', undefined],
    ['patch float', (k) => k === 'patch/w'],
    ['mlp/w2 float', (k) => k.endsWith('mlp/w2')],
    ['last block float', (k) => k.startsWith(last)],
    ['patch+last float', (k) => k === 'patch/w' || k.startsWith(last)],
    ['proj+head float', (k) => k === 'proj/w' || k.startsWith('obstacle/')],
    ['patch+proj+head', (k) => k === 'patch/w' || k === 'proj/w' || k.startsWith('obstacle/')],
  ];
  let range = 0; let lo = Infinity, hi = -Infinity; for (const v of ref) { lo = Math.min(lo, v); hi = Math.max(hi, v); } range = hi - lo;
  for (const [label, keep] of variants) {
    const s = await open(exportVitOnnx(w, vit.config, { int8: true, ...(keep ? { keepFloat: keep } : {}) }));
    const out = (await s.run(feed))['tokens']!.data as Float32Array;
    let d = 0; for (let i = 0; i < ref.length; i++) d = Math.max(d, Math.abs(out[i]! - ref[i]!));
    let m = 0; for (const v of ref) m = Math.max(m, Math.abs(v));
    console.log(cfg.dim, label.padEnd(18), 'drift % of max|t|', (100 * d / m).toFixed(2), '% of range', (100 * d / range).toFixed(2), 'time ratio', ((await time(s)) / fpMs).toFixed(2));
    await s.release();
  }
}
