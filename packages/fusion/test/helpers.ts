import { initBackend } from '@sensorium/ml';
import { MODALITIES, SeededRandom, cueDim } from '@sensorium/fusion';
import type { FusionConfig, FusionSample, TokenBlock } from '@sensorium/fusion';

export async function useWasm(): Promise<void> {
  await initBackend({ prefer: ['wasm'], log: () => {} });
}

/** A random but well-formed sample; `drop` lists modalities given no tokens / marked unavailable. */
export function randomSample(config: FusionConfig, rng: SeededRandom, options: { drop?: readonly number[]; noTokens?: readonly number[] } = {}): FusionSample {
  const tokens: (TokenBlock | undefined)[] = MODALITIES.map((m, i) => {
    if (options.drop?.includes(i) === true || options.noTokens?.includes(i) === true) return undefined;
    const count = 1 + rng.int(config.maxTokens[m]);
    const data = new Float32Array(count * config.tokenDims[m]);
    for (let k = 0; k < data.length; k++) data[k] = rng.normal();
    return { count, data };
  });
  const available = new Float32Array(4).map((_, i) => (options.drop?.includes(i) === true ? 0 : 1));
  const cues = new Float32Array(cueDim(config.sectors)).map(() => rng.next());
  const gateTarget = new Float32Array([0.25, 0.25, 0.25, 0.25]);
  return {
    tokens,
    available,
    cues,
    goal: { x: rng.uniform(-5, 5), y: rng.uniform(-5, 5) },
    perceived: { nearestDistanceM: rng.uniform(0.5, 5), nearestBearing: rng.uniform(-1, 1), count: rng.int(4), contact: false },
    expert: { linear: rng.uniform(0, 1), angular: rng.uniform(-1, 1) },
    obstacleAhead: rng.int(2),
    obstacleDistanceM: rng.uniform(0.3, 5),
    gateTarget,
    pointEncoderTarget: rng.int(2),
  };
}
