import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalTransport, loadLaunchFile } from '@sensorium/core';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runRunCommand } from '../src/commands/run.js';
import { main } from '../src/index.js';
import { splitBySimTime } from '../src/splitBySimTime.js';
import { captureIo } from './io.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function launchFile(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sensorium-run-'));
  const file = join(dir, 'test.launch.yaml');
  writeFileSync(file, body);
  return file;
}

const TWO_NODES = `launch:
  - arg: {name: sim, default: "false"}
  - node: {pkg: sensorium_bringup, exec: touch_processor, name: touch_a}
  - node:
      pkg: sensorium_bringup
      exec: touch_processor
      name: touch_b
      param:
        - {name: use_sim_time, value: $(var sim)}
`;

describe('sensorium run GRAPH', () => {
  it('starts every node of the launch file, prints a status line and stops (--duration 0)', async () => {
    const io = captureIo(ROOT);
    const signal = new AbortController().signal;
    const code = await runRunCommand([launchFile(TWO_NODES), '--duration', '0'], io, { signal });
    expect(io.err).toContain('2 node(s)');
    expect(code).toBe(0);
    expect(io.out).toMatch(/^\[\s+\d+\.\ds\] 2\/2 active, 0 warn, 0 error \| in 0 msg\/s, out \d+ msg\/s \| 0 dropped\n$/);
  });

  it('runs nodes with use_sim_time on the /clock topic, the others on wall time', async () => {
    const io = captureIo(ROOT);
    const transport = new LocalTransport();
    const signal = new AbortController().signal;
    const code = await runRunCommand([launchFile(TWO_NODES), 'sim:=true', '--duration', '0'], io, { signal, transport });
    expect(code).toBe(0);
    expect(io.err).toContain('(1 on sim time from /clock)');
    expect(io.out).toMatch(/2\/2 active.*\| sim 0\.00 s\n$/);
  });

  it('stops when its signal fires', async () => {
    const io = captureIo(ROOT);
    const controller = new AbortController();
    controller.abort();
    expect(await runRunCommand([launchFile(TWO_NODES)], io, { signal: controller.signal })).toBe(0);
    expect(io.out).toContain('2/2 active');
  });

  it('serves the viewer with --port (HTTP page and a Foxglove WebSocket on the same port)', async () => {
    const controller = new AbortController();
    let url: string | undefined;
    const served = new Promise<{ status: number; protocol: string }>((resolvePage, reject) => {
      const io = {
        ...captureIo(ROOT),
        stderr: (text: string) => {
          const found = /viewer at (http:\/\/\S+)/.exec(text)?.[1];
          if (found === undefined) return;
          url = found;
          const page = new URL(found);
          void fetch(`${page.origin}/`)
            .then(async (response) => {
              const ws = new WebSocket(`ws://${page.host}/`, ['foxglove.websocket.v1']);
              const protocol = await new Promise<string>((open, fail) => {
                ws.once('open', () => open(ws.protocol));
                ws.once('error', fail);
              });
              ws.close();
              resolvePage({ status: response.status, protocol });
            })
            .catch(reject)
            .finally(() => controller.abort());
        },
      };
      void runRunCommand([launchFile(TWO_NODES), '--port', '0'], io, { signal: controller.signal });
    });
    const { status, protocol } = await served;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/?\?token=[0-9a-f]{24}$/);
    expect(status).toBeLessThan(500);
    expect(protocol).toBe('foxglove.websocket.v1');
  });

  it('serves other machines only when --host names an interface, and admits --origin pages', async () => {
    const controller = new AbortController();
    const opened = new Promise<{ url: string; allowed: boolean; refused: boolean }>((resolveRun, reject) => {
      const io = {
        ...captureIo(ROOT),
        stderr: (text: string) => {
          const found = /viewer at (http:\/\/\S+)/.exec(text)?.[1];
          if (found === undefined) return;
          const port = new URL(found).port;
          const tryOrigin = (origin: string): Promise<boolean> =>
            new Promise((done) => {
              const ws = new WebSocket(`ws://127.0.0.1:${port}/`, ['foxglove.websocket.v1'], { origin });
              ws.once('open', () => {
                ws.close();
                done(true);
              });
              ws.once('error', () => done(false));
            });
          void Promise.all([tryOrigin('http://robot.test:8080'), tryOrigin('http://elsewhere.test')])
            .then(([allowed, other]) => resolveRun({ url: found, allowed, refused: !other }))
            .catch(reject)
            .finally(() => controller.abort());
        },
      };
      void runRunCommand([launchFile(TWO_NODES), '--port', '0', '--host', '0.0.0.0', '--origin', 'http://robot.test:8080'], io, { signal: controller.signal });
    });
    const { url, allowed, refused } = await opened;
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+\/?\?token=/);
    expect(allowed).toBe(true);
    expect(refused).toBe(true);
  });

  it('rejects --host without --port, and a malformed --origin', async () => {
    const io = captureIo(ROOT);
    expect(await runRunCommand([launchFile(TWO_NODES), '--host', '0.0.0.0'], io, { signal: new AbortController().signal })).toBe(2);
    expect(io.err).toContain('--host');
    const io2 = captureIo(ROOT);
    expect(await runRunCommand([launchFile(TWO_NODES), '--port', '0', '--origin', 'robot.test/path'], io2, { signal: new AbortController().signal })).toBe(2);
    expect(io2.err).toContain('--origin');
  });

  it('rejects a bad --port', async () => {
    const io = captureIo(ROOT);
    expect(await runRunCommand([launchFile(TWO_NODES), '--port', 'x'], io, { signal: new AbortController().signal })).toBe(2);
    expect(io.err).toContain('--port');
  });

  it('fails naming the launch file and node for an unknown exec', async () => {
    const file = launchFile('launch:\n  - node: {pkg: sensorium_bringup, exec: warp_drive}\n');
    const io = captureIo(ROOT);
    expect(await main(['run', file, '--duration', '0'], io)).toBe(1);
    expect(io.err).toContain("unknown node exec 'warp_drive'");
    expect(io.err).toContain(`file=${file}`);
    expect(io.err).toContain('touch_processor');
  });

  it('rejects bad arguments with exit 2 and the usage', async () => {
    for (const args of [[], ['x.launch.yaml', '--duration', '-1'], ['x.launch.yaml', '--transport', 'dds'], ['x.launch.yaml', 'notanarg']]) {
      const io = captureIo(ROOT);
      expect(await main(['run', ...args], io)).toBe(2);
      expect(io.err).toContain('Usage: sensorium run');
    }
  });

  it('with --transport ros2 and no rclnodejs, says what to source and install', async () => {
    const io = captureIo(ROOT);
    expect(await main(['run', launchFile(TWO_NODES), '--transport', 'ros2', '--duration', '0'], io)).toBe(1);
    expect(io.err).toContain('rclnodejs is not available');
    expect(io.err).toContain('source /opt/ros/humble/setup.bash');
    expect(io.err).toContain('--transport local');
  });
});

describe('splitBySimTime', () => {
  it('keeps the simulator of sim.launch.yaml on wall time and puts the stack on sim time', () => {
    const description = loadLaunchFile(join(ROOT, 'launch/sim.launch.yaml'));
    const split = splitBySimTime(description, { remaps: [], params: [] });
    expect(split.wall.nodes.map((n) => n.exec)).toEqual(['simulator']);
    expect(split.sim.nodes.map((n) => n.exec)).toEqual(description.nodes.filter((n) => n.exec !== 'simulator').map((n) => n.exec));
    expect(split.sim.nodes.length).toBeGreaterThan(3);
  });

  it('lets a command-line parameter override the launch file (use_sim_time:=false)', () => {
    const description = loadLaunchFile(join(ROOT, 'launch/sim.launch.yaml'));
    const split = splitBySimTime(description, { remaps: [], params: [{ kind: 'values', values: { use_sim_time: false } }] });
    expect(split.sim.nodes).toEqual([]);
    expect(split.wall.nodes.length).toBe(description.nodes.length);
  });
});

describe('sensorium run --scenario', () => {
  it('runs one scenario with the expert controller, prints the score and writes JSON', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sensorium-run-')), 'result.json');
    const io = captureIo(ROOT);
    const code = await main(['run', '--scenario', 'sim/scenarios/open-field.yaml', '--controller', 'expert', '--json', out], io);
    const result = JSON.parse(readFileSync(out, 'utf8')) as { name: string; passed: boolean; controller: string; metrics: { routeCompletion: number } };
    expect(result.name).toBe('open-field');
    expect(result.controller).toBe('expert');
    expect(code).toBe(result.passed ? 0 : 1);
    expect(io.out).toMatch(new RegExp(`^${result.passed ? 'PASS' : 'FAIL'} open-field \\(controller expert, seed \\d+\\): score`));
    expect(io.out).toContain(`route ${(100 * result.metrics.routeCompletion).toFixed(0)}%`);
    expect(io.err).toMatch(/open-field: 1\.0\/\d+ s sim/);
  });

  it('rejects an unknown controller with exit 2', async () => {
    const io = captureIo(ROOT);
    expect(await main(['run', '--scenario', 'sim/scenarios/open-field.yaml', '--controller', 'warp_drive'], io)).toBe(2);
    expect(io.err).toContain("unknown controller 'warp_drive'");
  });
});
