import { controlNodes } from '@sensorium/control';
import { fusionNodes } from '@sensorium/fusion';
import { perceptionNodes } from '@sensorium/perception';
import { simNodes } from '@sensorium/sim';
import { describe, expect, it } from 'vitest';
import { createNodeRegistry } from '../src/nodeRegistry.js';

describe('createNodeRegistry', () => {
  it('holds every node of every package, by exec', () => {
    const registry = createNodeRegistry();
    const all = [...perceptionNodes, ...fusionNodes, ...controlNodes, ...simNodes];
    expect(registry.execs()).toEqual(all.map((d) => d.exec).sort());
    for (const d of all) expect(registry.get(d.exec)).toBe(d);
    // The execs the launch files name (launch/stack.launch.yaml, sim.launch.yaml).
    for (const exec of ['lidar_processor', 'camera_encoder', 'audio_processor', 'touch_processor', 'fusion', 'policy', 'safety_supervisor', 'simulator']) {
      expect(registry.has(exec)).toBe(true);
    }
  });
});
