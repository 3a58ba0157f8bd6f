import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { LocalTransport, NodeRuntime, PointCloud2Reader, SensorDataQoS, SimClock, ValidationError, type CameraInfo, type Image, type Logger, type PointCloud2, type TFMessage } from '@sensorium/core';
import { loadScenario, Simulator, simulatorParams, type SimulatorOutputs } from '@sensorium/sim';
import { describe, expect, it } from 'vitest';
import { FloorMarkingDetector, floorMarkingDetector, FrameTree } from '../src/index.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const stamp = { sec: 0, nanosec: 0 };

/** A pinhole camera 0.5 m up, 0.2 m forward, pitched 20° down: the mount as tf would carry it. */
const W = 320;
const H = 240;
const F = 200;
const CX = (W - 1) / 2;
const CY = (H - 1) / 2;
const MOUNT = { x: 0.2, z: 0.5, pitch: (20 * Math.PI) / 180 };
const info: CameraInfo = {
  header: { stamp, frame_id: 'camera_optical_frame' },
  height: H,
  width: W,
  distortion_model: 'plumb_bob',
  d: new Float64Array(5),
  k: Float64Array.of(F, 0, CX, 0, F, CY, 0, 0, 1),
  r: Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1),
  p: Float64Array.of(F, 0, CX, 0, 0, F, CY, 0, 0, 0, 1, 0),
  binning_x: 0,
  binning_y: 0,
  roi: { x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: false },
};
const mountTf: TFMessage = {
  transforms: [
    { header: { stamp, frame_id: 'base_link' }, child_frame_id: 'camera_link', transform: { translation: { x: MOUNT.x, y: 0, z: MOUNT.z }, rotation: { x: 0, y: Math.sin(MOUNT.pitch / 2), z: 0, w: Math.cos(MOUNT.pitch / 2) } } },
    { header: { stamp, frame_id: 'camera_link' }, child_frame_id: 'camera_optical_frame', transform: { translation: { x: 0, y: 0, z: 0 }, rotation: { x: -0.5, y: 0.5, z: -0.5, w: 0.5 } } },
  ],
};

/** base_link point → pixel (u, v) by the forward pinhole model (independent of the detector's back-projection). */
function project(x: number, y: number, z: number): [number, number] | undefined {
  const px = x - MOUNT.x;
  const pz = z - MOUNT.z;
  // camera_link is base_link turned by +pitch about y: its coordinates are R_y(pitch)ᵀ p
  const c = Math.cos(MOUNT.pitch);
  const s = Math.sin(MOUNT.pitch);
  const lx = c * px - s * pz;
  const ly = y;
  const lz = s * px + c * pz;
  // optical: x right (−y_link), y down (−z_link), z forward (x_link)
  if (lx <= 0) return undefined;
  return [(F * -ly) / lx + CX, (F * -lz) / lx + CY];
}

/** A grey checker floor (0.42/0.5 grey, like the simulator's) with a red rectangle painted on it, × lighting. */
function syntheticImage(rect: { x0: number; x1: number; y0: number; y1: number }, lighting: number, paint: [number, number, number] = [230, 20, 25]): Image {
  const data = new Uint8Array(W * H * 3);
  for (let v = 0; v < H; v++) {
    for (let u = 0; u < W; u++) {
      const grey = ((u >> 4) + (v >> 4)) & 1 ? 128 : 107;
      const o = (v * W + u) * 3;
      data[o] = Math.min(255, grey * lighting);
      data[o + 1] = Math.min(255, grey * lighting);
      data[o + 2] = Math.min(255, grey * 0.95 * lighting);
    }
  }
  // splat dense floor samples of the rectangle forward into the image
  for (let x = rect.x0; x <= rect.x1; x += 0.004) {
    for (let y = rect.y0; y <= rect.y1; y += 0.004) {
      const p = project(x, y, 0);
      if (p === undefined) continue;
      const u = Math.round(p[0]);
      const v = Math.round(p[1]);
      if (u < 0 || u >= W || v < 0 || v >= H) continue;
      const o = (v * W + u) * 3;
      data[o] = Math.min(255, paint[0] * lighting);
      data[o + 1] = Math.min(255, paint[1] * lighting);
      data[o + 2] = Math.min(255, paint[2] * lighting);
    }
  }
  return { header: { stamp, frame_id: 'camera_optical_frame' }, height: H, width: W, encoding: 'rgb8', is_bigendian: 0, step: W * 3, data };
}

function cameraPose(): Float64Array {
  const frames = new FrameTree();
  frames.add(mountTf);
  const pose = new Float64Array(12);
  expect(frames.lookup('base_link', 'camera_optical_frame', pose)).toBe(true);
  return pose;
}

describe('FrameTree', () => {
  it('composes base_link ← camera_link ← camera_optical_frame: the optical axis looks forward and 20° down', () => {
    const pose = cameraPose();
    // optical z (column 2) in base_link
    expect(pose[2]).toBeCloseTo(Math.cos(MOUNT.pitch), 9);
    expect(pose[5]).toBeCloseTo(0, 9);
    expect(pose[8]).toBeCloseTo(-Math.sin(MOUNT.pitch), 9);
    // optical x (column 0, image right) is base −y
    expect(pose[3]).toBeCloseTo(-1, 9);
    expect([pose[9], pose[10], pose[11]]).toEqual([MOUNT.x, 0, MOUNT.z]);
    expect(new FrameTree().lookup('base_link', 'camera_optical_frame', pose)).toBe(false);
  });
});

describe('FloorMarkingDetector', () => {
  const rect = { x0: 1.5, x1: 2.5, y0: -0.6, y1: 0.4 };

  it.each([0.5, 1, 1.5])('finds a red rectangle on the floor within a few cm (lighting ×%s), one point per 5 cm cell, nothing on the grey floor', (lighting) => {
    const detector = new FloorMarkingDetector({ cellSizeM: 0.05 });
    const n = detector.detect(syntheticImage(rect, lighting), info, cameraPose());
    // the rectangle is 1 × 1 m: ~400 cells of 5 cm; near its far edge a pixel is ~2.5 cm deep
    expect(n).toBeGreaterThan(300);
    expect(n).toBeLessThanOrEqual(441 + 40);
    let worst = 0;
    const cells = new Set<string>();
    for (let i = 0; i < n; i++) {
      const x = detector.xs[i]!;
      const y = detector.ys[i]!;
      const outside = Math.max(rect.x0 - x, x - rect.x1, rect.y0 - y, y - rect.y1, 0);
      worst = Math.max(worst, outside);
      cells.add(`${Math.round(x / 0.05)},${Math.round(y / 0.05)}`);
    }
    expect(worst).toBeLessThan(0.03);
    expect(cells.size).toBe(n);
    // centroid of the marks is the rectangle's centre
    let sx = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      sx += detector.xs[i]!;
      sy += detector.ys[i]!;
    }
    expect(sx / n).toBeCloseTo((rect.x0 + rect.x1) / 2, 1);
    expect(sy / n).toBeCloseTo((rect.y0 + rect.y1) / 2, 1);
  });

  it('marks yellow paint, ignores blue, brown-grey and dark noisy pixels', () => {
    const detector = new FloorMarkingDetector();
    expect(detector.detect(syntheticImage(rect, 1, [240, 210, 20]), info, cameraPose())).toBeGreaterThan(300);
    expect(detector.detect(syntheticImage(rect, 1, [30, 60, 220]), info, cameraPose())).toBe(0);
    expect(detector.detect(syntheticImage(rect, 1, [150, 120, 100]), info, cameraPose())).toBe(0);
    // a dark frame: noise alone makes a dim pixel "saturated"
    expect(detector.detect(syntheticImage(rect, 0.08), info, cameraPose())).toBe(0);
  });

  it('reuses its buffers frame to frame', () => {
    const detector = new FloorMarkingDetector();
    const image = syntheticImage(rect, 1);
    const pose = cameraPose();
    detector.detect(image, info, pose);
    const xs = detector.xs;
    const first = Array.from(xs.subarray(0, detector.count));
    detector.detect(image, info, pose);
    expect(detector.xs).toBe(xs);
    expect(Array.from(detector.xs.subarray(0, detector.count))).toEqual(first);
  });

  it('rejects images without colour and camera_info for another size with ValidationError naming the field', () => {
    const detector = new FloorMarkingDetector();
    const mono: Image = { header: { stamp, frame_id: 'camera_optical_frame' }, height: H, width: W, encoding: 'mono8', is_bigendian: 0, step: W, data: new Uint8Array(W * H) };
    expect(() => detector.detect(mono, info, cameraPose(), { topic: '/camera/image_raw' })).toThrow(/colour image.*topic=\/camera\/image_raw.*field=encoding/);
    expect(() => detector.detect(syntheticImage(rect, 1), { ...info, width: 640 }, cameraPose())).toThrow(ValidationError);
    expect(() => detector.detect(syntheticImage(rect, 1), { ...info, k: Float64Array.of(0, 0, CX, 0, F, CY, 0, 0, 1) }, cameraPose())).toThrow(/camera_info\.k/);
    expect(() => new FloorMarkingDetector({ paint: { hueRangesDeg: [10] } })).toThrow(/hueRangesDeg/);
  });
});

const sink = { publish(): void {} };

/** A scenario's simulator (default parameters) and its base_link → camera_optical_frame from its own tf_static. */
async function simulator(file: string): Promise<{ sim: Simulator; pose: Float64Array }> {
  const frames = new FrameTree();
  const outputs = Object.fromEntries(['clock', 'tf', 'tfStatic', 'odom', 'imu', 'lidar', 'image', 'cameraInfo', 'depth', 'audio', 'audioInfo', 'tactile', 'world', 'status', 'goal'].map((k) => [k, k === 'tfStatic' ? { publish: (m: TFMessage) => frames.add(m) } : sink])) as unknown as SimulatorOutputs;
  const scenario = loadScenario(await readFile(path.join(ROOT, file), 'utf8'), { file });
  const params = Object.fromEntries(Object.entries(simulatorParams).map(([k, s]) => [k, (s as { default: unknown }).default]));
  const sim = await Simulator.create({ scenario, params: params as never, outputs, readResource: (p) => readFile(path.join(ROOT, p)) });
  sim.start();
  const pose = new Float64Array(12);
  expect(frames.lookup('base_link', 'camera_optical_frame', pose)).toBe(true);
  return { sim, pose };
}

describe('FloorMarkingDetector on simulator frames', () => {
  it('painted-keep-out-zone: marks fall on the zone (x −1..1 in the world) from 1–4 m away (its camera_info), under lighting ×0.5–1.5; open-field: none', async () => {
    const { sim, pose } = await simulator('sim/scenarios/painted-keep-out-zone.yaml');
    const detector = new FloorMarkingDetector();
    const camInfo = { ...sim.camera.info, header: { stamp, frame_id: 'camera_optical_frame' } };
    const lighting = sim.world.lighting;
    for (const light of [0.5, 1, 1.5]) {
      (sim.world as { lighting: number }).lighting = lighting * light;
      for (const [rx, ry] of [[-2, 0], [-3, 0.5], [-5, -1]] as const) {
        const { image } = sim.camera.render({ x: rx, y: ry, yaw: 0 }, stamp, { extraNoiseStd: 0, dark: false });
        const n = detector.detect(image, camInfo, pose);
        let inZone = 0;
        let worst = 0;
        for (let i = 0; i < n; i++) {
          // base_link → world (robot facing +x)
          const wx = rx + detector.xs[i]!;
          const wy = ry + detector.ys[i]!;
          const out = Math.max(-1 - wx, wx - 1, -2.5 - wy, wy - 2, 0);
          worst = Math.max(worst, out);
          if (out === 0) inZone++;
        }
        if (process.env['FLOOR_MARKS_LOG'] !== undefined) console.log(`light ×${light} from (${rx}, ${ry}): ${n} marks, ${inZone} in the zone, worst ${worst.toFixed(2)} m outside`);
        expect(n).toBeGreaterThan(20);
        // every mark is on the paint (the pixel centre's ray hits it; a pixel 5 m out spans ~1 m of floor)
        expect(inZone / n).toBeGreaterThan(0.95);
        expect(worst).toBeLessThan(0.05);
      }
    }
    (sim.world as { lighting: number }).lighting = lighting;
    // looking away from the zone: nothing
    const away = sim.camera.render({ x: -2, y: 0, yaw: Math.PI }, stamp, { extraNoiseStd: 0, dark: false });
    expect(detector.detect(away.image, camInfo, pose)).toBe(0);
    sim.dispose();
    const open = await simulator('sim/scenarios/open-field.yaml');
    for (const yaw of [0, Math.PI / 2, Math.PI, -Math.PI / 2]) {
      const { image } = open.sim.camera.render({ x: 0, y: 0, yaw }, stamp, { extraNoiseStd: 0, dark: false });
      expect(detector.detect(image, camInfo, open.pose)).toBe(0);
    }
    open.sim.dispose();
  });
});

describe('floor_marking_detector node', () => {
  it('publishes one PointCloud2 per frame in base_link (x, y, z = 0), empty when nothing is marked; drops frames before camera_info or tf', async () => {
    const transport = new LocalTransport();
    const node = new NodeRuntime(floorMarkingDetector, { transport, clock: new SimClock(), logger: quiet });
    const clouds: PointCloud2[] = [];
    transport.subscribe('/perception/vision/floor_marks', 'sensor_msgs/msg/PointCloud2', SensorDataQoS).subscribe((m) => clouds.push(m));
    await node.configure();
    node.activate();
    const images = transport.advertise('/camera/image_raw', 'sensor_msgs/msg/Image', SensorDataQoS);
    const infos = transport.advertise('/camera/camera_info', 'sensor_msgs/msg/CameraInfo', SensorDataQoS);
    const tfStatic = transport.advertise('/tf_static', 'tf2_msgs/msg/TFMessage', { durability: 'transient_local', depth: 1 });
    const red = syntheticImage({ x0: 1.5, x1: 2.5, y0: -0.6, y1: 0.4 }, 1);
    images.publish(red); // no camera_info yet
    infos.publish(info);
    images.publish(red); // no transform yet
    tfStatic.publish(mountTf);
    images.publish({ ...red, header: { stamp: { sec: 3, nanosec: 5 }, frame_id: 'camera_optical_frame' } });
    images.publish(syntheticImage({ x0: 1.5, x1: 2.5, y0: -0.6, y1: 0.4 }, 1, [120, 120, 120]));
    images.publish({ ...red, encoding: 'rgb8', step: 1 }); // malformed
    expect(clouds).toHaveLength(2);
    const [marked, empty] = clouds as [PointCloud2, PointCloud2];
    expect(marked.header).toEqual({ stamp: { sec: 3, nanosec: 5 }, frame_id: 'base_link' });
    expect(marked.fields.map((f) => f.name)).toEqual(['x', 'y', 'z']);
    const reader = new PointCloud2Reader(marked);
    expect(reader.pointCount).toBeGreaterThan(300);
    const x = reader.field('x');
    const z = reader.field('z');
    for (let i = 0; i < reader.pointCount; i++) {
      expect(x.get(i)).toBeGreaterThan(1.45);
      expect(x.get(i)).toBeLessThan(2.55);
      expect(z.get(i)).toBe(0);
    }
    expect(empty.width).toBe(0);
    expect(empty.data.length).toBe(0);
    const drops = node.diagnostics.snapshot().drops.filter((d) => d.topic === '/camera/image_raw');
    expect(Object.fromEntries(drops.map((d) => [d.reason, d.count]))).toEqual({ no_camera_info: 1, no_transform: 1, VALIDATION_ERROR: 1 });
    await node.shutdown();
  });
});
