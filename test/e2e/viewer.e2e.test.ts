import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { LocalTransport, NodeRuntime, SimClock } from '@sensorium/core';
import type { NodeDefinition, ParamSpecs, Publisher, WorldState } from '@sensorium/core';
import { createSimulatorNode, expertControllerNode, loadScenario } from '@sensorium/sim';
import { createVizServer } from '@sensorium/viz';
import type { VizServer } from '@sensorium/viz';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`test/e2e: skipping the browser tests: ${CHROMIUM} is absent (apt-get install chromium)`);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOKEN = 'e2e-token-0123456789';
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface VizDebug {
  clouds: number; pointCount: number; frames: number; connection: string;
  cloudColor: { mode: 'height' | 'intensity'; shown: 'height' | 'intensity' };
  cloudPointOnScreen(i: number): { x: number; y: number };
  mapPointOnScreen(x: number, y: number): { x: number; y: number };
  viewFrom(x: number, y: number, z: number, tx: number, ty: number): void;
}
declare global { interface Window { __viz: VizDebug } }

describe.skipIf(!HAVE_CHROMIUM)('viewer in real Chromium, on the simulator', () => {
  let transport: LocalTransport;
  let clock: SimClock;
  let runtimes: NodeRuntime[];
  let server: VizServer;
  let browser: Browser;
  let page: Page;
  let gating: Publisher<'sensorium_msgs/msg/ModalityWeights'>;
  let robot = { x: NaN, y: NaN };

  /** Advances sim time in 0.1 s steps, letting sockets flush between steps. */
  const step = async (seconds: number): Promise<void> => {
    for (let t = 0; t < seconds - 1e-9; t += 0.1) {
      clock.advanceBy(0.1);
      await new Promise((r) => setImmediate(r));
    }
  };

  beforeAll(async () => {
    transport = new LocalTransport({ onWarning: () => undefined });
    clock = new SimClock();
    const file = path.join(ROOT, 'sim/scenarios/open-field.yaml');
    const scenario = loadScenario(readFileSync(file, 'utf8'), { file });
    runtimes = [
      new NodeRuntime(createSimulatorNode({ scenario }) as unknown as NodeDefinition<ParamSpecs>, { transport, clock, params: [{ values: { seed: 1 } }], logger: quiet }),
      new NodeRuntime(expertControllerNode as unknown as NodeDefinition<ParamSpecs>, { transport, clock, logger: quiet }),
    ];
    for (const r of runtimes) await r.configure();
    for (const r of runtimes) r.activate();
    transport.subscribe('/sim/world', 'sensorium_msgs/msg/WorldState', { reliability: 'best_effort' }).subscribe((w: WorldState) => {
      const r = w.objects.find((o) => o.shape === 'robot');
      if (r !== undefined) robot = { x: r.pose.position.x, y: r.pose.position.y };
    });
    gating = transport.advertise('/fusion/gating', 'sensorium_msgs/msg/ModalityWeights');
    // Default viewer options: builds packages/viz/dist-viewer when missing, as a fresh clone's `npm test` does.
    server = await createVizServer({ transport, clock, port: 0, topicPollMs: 50, clientPublish: { token: TOKEN } });
    await step(0.5);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    await page.goto(`${server.url}?token=${TOKEN}`);
    await page.waitForFunction(() => window.__viz?.connection === 'connected');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const r of runtimes ?? []) await r.shutdown();
    await transport?.close();
  });

  it('loads the page and connects', async () => {
    await expect(page.title()).resolves.toBe('Sensorium viewer');
    expect(await page.textContent('#connection')).toBe('connected');
  });

  it('renders the LiDAR point cloud (screenshot pixels change where the points are)', async () => {
    await step(0.3);
    await page.waitForFunction(() => window.__viz.clouds > 0 && window.__viz.pointCount > 1000);
    await page.evaluate(() => window.__viz.viewFrom(-6, -0.01, 14, -6, 0)); // straight down on the robot
    const framesAfter = (): Promise<void> => afterFrames(page);
    await framesAfter();
    const scene = (await page.locator('#scene canvas').boundingBox())!;
    const withPoints = (await page.screenshot({ clip: scene })).toString('base64');
    await page.uncheck('#layer-points');
    await framesAfter();
    const without = (await page.screenshot({ clip: scene })).toString('base64');
    await page.check('#layer-points');
    const samples = await cloudSamples(page);
    const result = await compareAtPoints(page, withPoints, without, samples, { x: scene.x, y: scene.y });
    expect(result.changed).toBeGreaterThan(500);
    expect(result.onScreen).toBeGreaterThan(20);
    expect(result.hits / result.onScreen).toBeGreaterThan(0.5);
  });

  it('colours the cloud by intensity on the toggle, and by height when the cloud has no intensity field', async () => {
    await page.evaluate(() => window.__viz.viewFrom(-6, -0.01, 14, -6, 0));
    await afterFrames(page);
    expect(await page.evaluate(() => window.__viz.cloudColor)).toEqual({ mode: 'height', shown: 'height' });
    const scene = (await page.locator('#scene canvas').boundingBox())!;
    // No sim step in between: the same cloud, only its colours change.
    const byHeight = (await page.screenshot({ clip: scene })).toString('base64');
    await page.selectOption('#cloud-color', 'intensity');
    await afterFrames(page);
    expect(await page.evaluate(() => window.__viz.cloudColor)).toEqual({ mode: 'intensity', shown: 'intensity' });
    const byIntensity = (await page.screenshot({ clip: scene })).toString('base64');
    const samples = await cloudSamples(page);
    const result = await compareAtPoints(page, byHeight, byIntensity, samples, { x: scene.x, y: scene.y });
    expect(result.onScreen).toBeGreaterThan(20);
    expect(result.hits / result.onScreen).toBeGreaterThan(0.5);

    // A cloud without an intensity field (x y z only) is drawn by height, and the panel says so.
    const n = 2000;
    const data = new Uint8Array(n * 12);
    const view = new DataView(data.buffer);
    for (let i = 0; i < n; i++) {
      view.setFloat32(i * 12, 1 + (i % 50) * 0.05, true);
      view.setFloat32(i * 12 + 4, -1 + Math.floor(i / 50) * 0.05, true);
      view.setFloat32(i * 12 + 8, (i % 5) * 0.3, true);
    }
    const xyz = transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2', { reliability: 'best_effort' });
    const fields = [['x', 0], ['y', 4], ['z', 8]].map(([name, offset]) => ({ name: name as string, offset: offset as number, datatype: 7, count: 1 }));
    const before = await page.evaluate(() => window.__viz.clouds);
    xyz.publish({ header: { stamp: clock.now(), frame_id: 'lidar_link' }, height: 1, width: n, fields, is_bigendian: false, point_step: 12, row_step: n * 12, data, is_dense: true });
    await page.waitForFunction((b) => window.__viz.clouds > b, before);
    expect(await page.evaluate(() => window.__viz.cloudColor)).toEqual({ mode: 'intensity', shown: 'height' });
    expect(await page.textContent('#cloud-color-shown')).toContain('no intensity field');
    await page.selectOption('#cloud-color', 'height');
    expect(await page.evaluate(() => window.__viz.cloudColor)).toEqual({ mode: 'height', shown: 'height' });
    expect(await page.textContent('#cloud-color-shown')).toBe('');
    xyz.close();
  });

  it('renders a 100k-point cloud in place (all points in the draw range)', async () => {
    const n = 100_000;
    const data = new Uint8Array(n * 20);
    const view = new DataView(data.buffer);
    for (let i = 0; i < n; i++) {
      view.setFloat32(i * 20, 1 + (i % 400) * 0.02, true);
      view.setFloat32(i * 20 + 4, -4 + Math.floor(i / 400) * 0.032, true);
      view.setFloat32(i * 20 + 8, (i % 7) * 0.2, true);
      view.setFloat32(i * 20 + 12, 0.5, true);
      view.setUint16(i * 20 + 16, i % 16, true);
    }
    const big = transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2', { reliability: 'best_effort' });
    const fields = [['x', 0], ['y', 4], ['z', 8], ['intensity', 12]].map(([name, offset]) => ({ name: name as string, offset: offset as number, datatype: 7, count: 1 }));
    const before = await page.evaluate(() => window.__viz.clouds);
    big.publish({ header: { stamp: clock.now(), frame_id: 'lidar_link' }, height: 1, width: n, fields: [...fields, { name: 'ring', offset: 16, datatype: 4, count: 1 }], is_bigendian: false, point_step: 20, row_step: n * 20, data, is_dense: true });
    await page.waitForFunction((b) => window.__viz.clouds > b, before);
    expect(await page.evaluate(() => window.__viz.pointCount)).toBe(n);
    expect(await page.textContent('#point-count')).toBe(`${n} points`);
    const ms = await page.evaluate(() => (window.__viz as unknown as { cloudUpdateMs: number }).cloudUpdateMs);
    console.log(`viewer: 100k-point cloud written into the GPU buffers in ${ms.toFixed(1)} ms (SwiftShader Chromium)`);
    big.close();
  });

  it('scenario controls publish on scenario/control', async () => {
    const commands: string[] = [];
    const sub = transport.subscribe('/scenario/control', 'std_msgs/msg/String').subscribe((m) => commands.push(m.data));
    await page.selectOption('#scenario-name', 'pop-out-obstacle');
    await page.click('#scenario-pause');
    await waitFor(() => commands.length >= 1);
    await page.click('#scenario-resume');
    await page.click('#scenario-start');
    await waitFor(() => commands.length >= 3);
    expect(commands).toEqual(['pause', 'resume', 'start pop-out-obstacle']);
    sub.unsubscribe();
  });

  it('moves the gating bars with fusion/gating', async () => {
    const weights = (vision: number) => {
      const rest = (1 - vision) / 3;
      return { header: { stamp: clock.now(), frame_id: 'base_link' }, modalities: ['vision', 'lidar', 'audio', 'touch'], weights: new Float32Array([vision, rest, rest, rest]), active_modules: vision > 0.5 ? ['lidar_point_encoder'] : [], stale: [false, false, false, false] };
    };
    // The bar's rendered width relative to its track, measured by the browser's layout.
    const visionFraction = (): Promise<number> => page.evaluate(() => {
      const fill = document.querySelector<HTMLElement>('[data-modality="vision"] .fill')!;
      return fill.getBoundingClientRect().width / fill.parentElement!.getBoundingClientRect().width;
    });
    await page.waitForFunction(() => (window.__viz as unknown as { stats: { byTopic: Record<string, number> } }).stats !== undefined);
    // The channel appears after the next topic poll; publish until the viewer has subscribed.
    await waitForSubscriber(gating);
    gating.publish(weights(0.3));
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-modality="vision"] .fill')?.dataset['weight'] === '0.30');
    const low = await visionFraction();
    gating.publish(weights(0.8));
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-modality="vision"] .fill')?.dataset['weight'] === '0.80');
    const high = await visionFraction();
    expect(low).toBeCloseTo(0.3, 2);
    expect(high).toBeCloseTo(0.8, 2);
    expect(await page.textContent('#gating-active')).toContain('lidar_point_encoder');
  });

  it('a click on the floor sets a goal and the robot drives toward it', async () => {
    const goals: { x: number; y: number }[] = [];
    transport.subscribe('/goal_pose', 'geometry_msgs/msg/PoseStamped', { durability: 'transient_local', reliability: 'reliable', depth: 1, history: 'keep_last' })
      .subscribe((g) => goals.push({ x: g.pose.position.x, y: g.pose.position.y }));
    const scenarioGoals = goals.length; // the scenario's own goal (latched, straight ahead at +6, 0)
    await page.evaluate(() => window.__viz.viewFrom(-3, -9, 12, -3, 0));
    const target = { x: -5, y: 3.5 }; // to the robot's left: the scenario goal lies the other way
    const at = await page.evaluate(({ x, y }) => window.__viz.mapPointOnScreen(x, y), target);
    await page.mouse.click(at.x, at.y);
    await waitFor(() => goals.length > scenarioGoals);
    const goal = goals.at(-1)!;
    expect(goal.x).toBeCloseTo(target.x, 0);
    expect(goal.y).toBeCloseTo(target.y, 0);
    const distance = (): number => Math.hypot(robot.x - goal.x, robot.y - goal.y);
    const before = distance();
    await step(6);
    const after = distance();
    expect(after).toBeLessThan(before - 1);
    await page.waitForFunction(() => document.querySelector('#scenario-status')?.textContent?.includes('open-field') ?? false);
  });
});

function waitFor(predicate: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => (predicate() ? resolve() : void setImmediate(check));
    check();
  });
}

function waitForSubscriber(publisher: { subscriberCount(): number }): Promise<void> {
  return waitFor(() => publisher.subscriberCount() > 0);
}

/** Waits until the viewer has drawn a few more frames (what is on the canvas reflects the last change). */
async function afterFrames(page: Page): Promise<void> {
  const f0 = await page.evaluate(() => window.__viz.frames);
  await page.waitForFunction((f) => window.__viz.frames >= f + 3, f0);
}

/** Client pixels of ~200 points spread over the cloud. */
function cloudSamples(page: Page): Promise<{ x: number; y: number }[]> {
  return page.evaluate(() => {
    const out: { x: number; y: number }[] = [];
    for (let i = 0; i < window.__viz.pointCount; i += Math.floor(window.__viz.pointCount / 200)) out.push(window.__viz.cloudPointOnScreen(i));
    return out;
  });
}

/**
 * Compares two PNG screenshots of the scene (decoded in the page: no image library on the Node side):
 * how many pixels differ overall, and at how many of the sampled cloud points (3×3 around each) they differ.
 */
function compareAtPoints(page: Page, a: string, b: string, samples: { x: number; y: number }[], origin: { x: number; y: number }): Promise<{ changed: number; onScreen: number; hits: number }> {
  return page.evaluate(async ({ a, b, samples, origin }) => {
    const decode = async (b64: string): Promise<ImageData> => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    };
    const [ia, ib] = [await decode(a), await decode(b)];
    const differs = (x: number, y: number): boolean => {
      // a point sprite is a few pixels wide: look at a 3×3 neighbourhood
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const px = Math.round(x) + dx, py = Math.round(y) + dy;
        if (px < 0 || py < 0 || px >= ia.width || py >= ia.height) continue;
        const o = 4 * (py * ia.width + px);
        if (Math.abs(ia.data[o]! - ib.data[o]!) + Math.abs(ia.data[o + 1]! - ib.data[o + 1]!) + Math.abs(ia.data[o + 2]! - ib.data[o + 2]!) > 40) return true;
      }
      return false;
    };
    let changed = 0;
    for (let i = 0; i < ia.data.length; i += 4) if (Math.abs(ia.data[i]! - ib.data[i]!) + Math.abs(ia.data[i + 1]! - ib.data[i + 1]!) + Math.abs(ia.data[i + 2]! - ib.data[i + 2]!) > 40) changed++;
    const onScreen = samples.filter((s) => s.x >= origin.x && s.y >= origin.y && s.x < origin.x + ia.width && s.y < origin.y + ia.height);
    const hits = onScreen.filter((s) => differs(s.x - origin.x, s.y - origin.y)).length;
    return { changed, onScreen: onScreen.length, hits };
  }, { a, b, samples, origin });
}
