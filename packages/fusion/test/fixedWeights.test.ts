import { beforeAll, describe, expect, it } from 'vitest';
import { FusionModel, SeededRandom } from '@sensorium/fusion';
import { randomSample, useWasm } from './helpers.js';

/** Ablation `gating` (fusion node `fixed_weights`): equal weights over what is available, nothing learned. */
describe('FusionModel fixedWeights', () => {
  beforeAll(useWasm);

  it('gives equal weights over the available modalities and leaves the gate path alone otherwise', () => {
    const model = new FusionModel({ seed: 3 });
    const s = randomSample(model.config, new SeededRandom(5), { drop: [2] });
    const fixed = model.step({ tokens: s.tokens, available: s.available, cues: s.cues, fixedWeights: true });
    expect(Array.from(fixed.weights)).toEqual([1 / 3, 1 / 3, 0, 1 / 3].map((x) => Math.fround(x)));
    expect(fixed.pointEncoderProb).toBeGreaterThan(0.99);
    const learned = Array.from(model.step({ tokens: s.tokens, available: s.available, cues: s.cues }).weights);
    expect(learned[2]).toBe(0);
    expect(Math.abs((learned[0] ?? 0) - 1 / 3) + Math.abs((learned[1] ?? 0) - 1 / 3)).toBeGreaterThan(1e-4);
    model.dispose();
  });
});
