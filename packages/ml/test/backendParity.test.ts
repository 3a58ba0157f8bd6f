// Backend parity in the scenario library: the learned stack on ONNX Runtime and on TensorFlow.js drives the
// same (one short scenario here; packages/ml/scripts/backendParity.ts runs the whole library).
import { describe, expect, it } from 'vitest';
import { main } from '@sensorium/cli';
import { commandDifference, loadScenarioFile, REPO_ROOT, runStack, scenarioFiles } from '../scripts/stackRuns.js';

describe('backend parity: the stack in the simulator', () => {
  it('open-field (first 6 s): same commands (|Δ| < 1e-3) and the same outcome with backend auto (ONNX Runtime) and tfjs', async () => {
    const scenario = loadScenarioFile(scenarioFiles(['open-field'])[0]!, { duration: 6 });
    const ort = await runStack(scenario, { backend: 'auto' });
    const tfjs = await runStack(scenario, { backend: 'tfjs' });
    // every model node says which backend serves it (the LiDAR point encoder only once the gate switches it on)
    expect(Object.keys(ort.backends)).toEqual(expect.arrayContaining(['/camera_encoder', '/fusion', '/policy']));
    expect(new Set(Object.values(ort.backends))).toEqual(new Set(['onnxruntime']));
    expect(Object.keys(tfjs.backends)).toEqual(expect.arrayContaining(['/camera_encoder', '/fusion', '/policy']));
    expect(new Set(Object.values(tfjs.backends))).toEqual(new Set(['wasm']));
    // nodes answer in the same tick on either backend, so the command streams line up one to one
    expect(ort.commands.length).toBeGreaterThan(50);
    expect(ort.commands.map((c) => c[0])).toEqual(tfjs.commands.map((c) => c[0]));
    const diff = commandDifference(ort, tfjs);
    expect(diff.linear).toBeLessThan(1e-3);
    expect(diff.angular).toBeLessThan(1e-3);
    // it drove (the comparison is not between two standing robots)
    expect(Math.max(...ort.commands.map((c) => c[1]))).toBeGreaterThan(0.2);
    expect(ort.result.passed).toBe(tfjs.result.passed);
    expect(ort.result.metrics.collisions).toBe(tfjs.result.metrics.collisions);
    expect(ort.result.metrics.routeCompletion).toBeCloseTo(tfjs.result.metrics.routeCompletion, 2);
  });

  it('sensorium scenario --backend / --precision: listed in --help, a bad value is rejected before anything runs', async () => {
    let out = '';
    let err = '';
    const io = { cwd: REPO_ROOT, stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t) };
    expect(await main(['scenario', '--help'], io)).toBe(0);
    expect(out).toMatch(/--backend B .*auto \| onnxruntime \| tfjs \| wasm/);
    expect(out).toMatch(/--precision P .*fp32 \| int8/);
    expect(await main(['scenario', 'sim/scenarios/open-field.yaml', '--backend', 'cuda'], io)).toBe(2);
    expect(err).toMatch(/--backend must be one of auto, onnxruntime, tfjs, wasm/);
    expect(await main(['scenario', 'sim/scenarios/open-field.yaml', '--precision=int4'], io)).toBe(2);
    expect(err).toMatch(/--precision must be one of fp32, int8/);
  });
});
