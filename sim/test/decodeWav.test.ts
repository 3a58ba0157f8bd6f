import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '@sensorium/core';
import { loadScenario, Simulator } from '@sensorium/sim';
import { params } from './helpers.js';

const REAL_WAV = path.resolve(import.meta.dirname, '../..', '../shared/data/real/audio/speech_16k_mono.wav');

describe('WAV sound sources', () => {
  it('plays a real recording through the microphone array', async () => {
    const scenario = loadScenario(`name: speech
duration: 2
world:
  size: [10, 10]
  sounds:
    - {position: [2, 0], signal: wav, file: speech.wav, level_db: 85, start: 0}
robot:
  start: {position: [0, 0]}
goal: {position: [4, 0]}
`);
    const chunks: Uint8Array[] = [];
    const noop = { publish() {} };
    const outputs = new Proxy({}, { get: (_t, k) => (k === 'audio' ? { publish: (m: { audio: { data: Uint8Array } }) => chunks.push(m.audio.data.slice()) } : noop) });
    const sim = await Simulator.create({
      scenario,
      params: params({ ambient_db: 0, motor_hum_db: 0 }),
      outputs: outputs as never,
      readResource: (p) => (p === 'speech.wav' ? Promise.resolve(new Uint8Array(readFileSync(REAL_WAV))) : Promise.reject(new Error(p))),
    });
    sim.start();
    for (let i = 0; i < 150; i++) sim.step();
    sim.dispose();
    const energy = chunks.map((c) => {
      const v = new Int16Array(c.buffer, c.byteOffset, c.byteLength / 2);
      return v.reduce((s, x) => s + x * x, 0) / v.length;
    });
    expect(energy.length).toBe(15);
    expect(Math.max(...energy)).toBeGreaterThan(100 * (Math.min(...energy) + 1));
  });

  it('rejects a file that is not a WAV, naming it', async () => {
    const scenario = loadScenario(`name: bad
duration: 1
world:
  size: [10, 10]
  sounds:
    - {position: [2, 0], signal: wav, file: notes.txt}
robot:
  start: {position: [0, 0]}
goal: {position: [4, 0]}
`);
    const create = Simulator.create({ scenario, params: params(), outputs: new Proxy({}, { get: () => ({ publish() {} }) }) as never, readResource: () => Promise.resolve(new TextEncoder().encode('hello, not audio')) });
    await expect(create).rejects.toBeInstanceOf(DecodeError);
    await expect(create).rejects.toThrow(/notes\.txt/);
  });
});
