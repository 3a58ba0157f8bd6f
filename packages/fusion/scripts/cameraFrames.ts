/**
 * Labelled camera frames from the simulator for the camera encoder's obstacle-ahead head: the scenario
 * library and randomised variants (obstacle positions, colours, materials, lighting, mover times), the
 * robot placed at sampled poses (half of them facing an obstacle from 0.3–4.5 m, the rest anywhere),
 * each frame rendered by the simulator's own camera and encoded by the stack's ViT into its class-token
 * features. Labels come from ground truth: the nearest solid (any material, boundary walls included)
 * whose outline lies in the camera's forward cone, distance from the footprint.
 *
 * Scripts may import the simulator; the package itself never does.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { seededRandom } from '@sensorium/core';
import * as tf from '@tensorflow/tfjs';
import { layerNorm, TransformerBlock } from '@sensorium/ml';
import { imageToPatches, VitEncoder, type VitConfig } from '@sensorium/perception';
import { Simulator, simulatorParams, type Scenario, type SimulatorOutputs } from '@sensorium/sim';

/** Half-angle of the forward cone (the camera's horizontal FOV is 90°; the edges show little of a solid). */
export const CONE_HALF_ANGLE = (40 * Math.PI) / 180;
/** Obstacle-ahead: a solid within this distance of the footprint in the cone. */
export const AHEAD_M = 2;
const FOOT_HALF_LENGTH = 0.25;
const FOOT_HALF_WIDTH = 0.2;

export interface CameraFrame {
  scenario: string;
  variant: number;
  /** 1 if a solid is within AHEAD_M in the cone. */
  label: 0 | 1;
  /** Distance (m) from the footprint to the nearest in-cone solid, Infinity when none. */
  distanceM: number;
  /** Material of that solid ('none' when nothing is in the cone); 'black' for dark absorbing ones; 'dark' for a dark camera. */
  material: string;
  /** ViT tokens after the final layer norm, [1 + patches, dim] row-major: the class token, then the patch grid. */
  tokens: Float32Array;
  /** Per patch and pixel row, mean and mean square of each normalised input channel: [patches, P, 6]. */
  colour: Float32Array;
  /** The obstacle score of the encoder the frames were rendered with (the shipped head, for the old-vs-new table). */
  score: number;
}

/** The camera encoder's configuration in launch/stack.launch.yaml (camera_encoder params). */
export const STACK_VIT: Partial<VitConfig> = { imageSize: 64, patchSize: 16, dim: 96, depth: 2, heads: 2, pool: 2, tokenDim: 64, seed: 1 };

/**
 * The ViT's token features: the same forward as `VitEncoder.apply` up to the final norm, built from the
 * encoder's public weights (blocks re-created and assigned), so the token path is untouched.
 */
export class TokenFeatures {
  private readonly blocks: TransformerBlock[] = [];
  constructor(private readonly vit: VitEncoder) {
    const c = vit.config;
    for (let i = 0; i < c.depth; i++) {
      const block = new TransformerBlock({ dim: c.dim, heads: c.heads, mlpRatio: c.mlpRatio, seed: 0 });
      const prefix = `blocks/${i}/`;
      const own = new Map([...vit.weights].filter(([n]) => n.startsWith(prefix)).map(([n, v]) => [n.slice(prefix.length), v as tf.Tensor]));
      block.assignWeights(own);
      this.blocks.push(block);
    }
  }

  compute(patches: Float32Array): Float32Array {
    const c = this.vit.config;
    const pd = c.patchSize * c.patchSize * 3;
    const w = this.vit.weights;
    return tf.tidy(() => {
      const input = tf.tensor2d(patches.subarray(0, this.vit.patches * pd), [this.vit.patches, pd]);
      let x = tf.add(tf.concat([w.get('cls')! as tf.Tensor2D, this.vit.embedPatches(input)], 0), w.get('pos')!) as tf.Tensor2D;
      for (const b of this.blocks) x = b.apply(x);
      x = layerNorm(x, w.get('norm/gamma')! as tf.Tensor1D, w.get('norm/beta')! as tf.Tensor1D);
      return x.dataSync() as Float32Array;
    });
  }

  /**
   * Colour statistics of a patch buffer, per patch and pixel row: the channel means and mean squares over the
   * row's P pixels ([patches, P, 6]: r, g, b, r², g², b²). A pane shows as a faint tint starting at the row where
   * its foot meets the floor: row-level statistics keep that row, patch means blur it.
   */
  colour(patches: Float32Array): Float32Array {
    const P = this.vit.config.patchSize;
    const out = new Float32Array(this.vit.patches * P * 6);
    for (let p = 0; p < this.vit.patches; p++) {
      for (let row = 0; row < P; row++) {
        const o = (p * P + row) * 6;
        for (let col = 0; col < P; col++) {
          for (let ch = 0; ch < 3; ch++) {
            const v = patches[((p * P + row) * P + col) * 3 + ch]!;
            out[o + ch]! += v / P;
            out[o + 3 + ch]! += (v * v) / P;
          }
        }
      }
    }
    return out;
  }

  dispose(): void {
    for (const b of this.blocks) b.dispose();
  }
}

/** Simulator parameter defaults (what `runScenario` gives the simulator node apart from the seed). */
export function defaultSimParams(seed: number): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(simulatorParams)) p[k] = (spec as { default: unknown }).default;
  p['seed'] = seed;
  return p;
}

const sink = { publish(): void {} };
const OUTPUTS: SimulatorOutputs = {
  clock: sink, tf: sink, tfStatic: sink, odom: sink, imu: sink, lidar: sink, image: sink, cameraInfo: sink,
  depth: sink, audio: sink, audioInfo: sink, tactile: sink, world: sink, status: sink, goal: sink,
};

/** A seeded uniform generator (core's mulberry32), exported for the other training scripts. */
export const mulberry: (seed: number) => () => number = seededRandom;

const MATERIALS = ['default', 'default', 'default', 'glass', 'absorbing', 'soft'] as const;
/** Extra training variants: half the obstacles glass or soft, the pane the camera sees worst. */
export const CLEAR_HEAVY_MATERIALS = ['default', 'glass', 'glass', 'soft', 'soft', 'absorbing'] as const;

/**
 * Variant v of a scenario (v = 0 as written): obstacles moved up to ±`move` m (default 1) and turned, random
 * colours and materials (from `materials`, default ½ default, ⅙ each glass, absorbing — black —, soft),
 * lighting ×[0.5, 1.5] (a dark scene stays dark).
 */
export function cameraVariant(scenario: Scenario, v: number, options: { move?: number; materials?: readonly string[] } = {}): Scenario {
  const move = options.move ?? 1;
  const materials = options.materials ?? MATERIALS;
  if (v === 0) return scenario;
  const rand = mulberry(v * 7919 + scenario.name.length * 104729 + scenario.seed);
  const colour = (): string => `#${Math.floor(rand() * 0xffffff).toString(16).padStart(6, '0')}`;
  const obstacles = scenario.world.obstacles.map((o) => {
    const material = materials[Math.floor(rand() * materials.length)]!;
    const color = material === 'absorbing' ? `#${Math.floor(rand() * 0x20).toString(16).padStart(2, '0').repeat(3)}` : colour();
    const dx = (rand() - 0.5) * 2 * move;
    const dy = (rand() - 0.5) * 2 * move;
    if (o.type === 'wall') return { ...o, from: [o.from[0] + dx, o.from[1] + dy] as [number, number], to: [o.to[0] + dx, o.to[1] + dy] as [number, number], material, color };
    if (o.type === 'box') return { ...o, position: [o.position[0] + dx, o.position[1] + dy] as [number, number], yaw: o.yaw + (rand() - 0.5), material, color };
    return { ...o, position: [o.position[0] + dx, o.position[1] + dy] as [number, number], material, color };
  });
  return { ...scenario, seed: scenario.seed + 1000 * v, world: { ...scenario.world, lighting: scenario.world.lighting < 0.2 ? scenario.world.lighting : Math.min(2, scenario.world.lighting * (0.5 + rand())), obstacles } } as Scenario;
}

interface Outline {
  xs: Float64Array;
  ys: Float64Array;
  material: string;
}

/** Points every ~5 cm along each solid's plan-view outline. */
function outlines(sim: Simulator): Outline[] {
  const out: Outline[] = [];
  for (const s of sim.world.solids) {
    const xs: number[] = [];
    const ys: number[] = [];
    if (s.shape === 'circle') {
      const n = Math.max(12, Math.ceil((2 * Math.PI * s.hx) / 0.05));
      for (let i = 0; i < n; i++) {
        xs.push(s.x + s.hx * Math.cos((2 * Math.PI * i) / n));
        ys.push(s.y + s.hx * Math.sin((2 * Math.PI * i) / n));
      }
    } else {
      const c = s.corners;
      for (let k = 0; k < 4; k++) {
        const x0 = c[2 * k]!;
        const y0 = c[2 * k + 1]!;
        const x1 = c[(2 * k + 2) % 8]!;
        const y1 = c[(2 * k + 3) % 8]!;
        const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 0.05));
        for (let i = 0; i < n; i++) {
          xs.push(x0 + ((x1 - x0) * i) / n);
          ys.push(y0 + ((y1 - y0) * i) / n);
        }
      }
    }
    const dark = s.albedo[0] + s.albedo[1] + s.albedo[2] < 0.3;
    out.push({ xs: Float64Array.from(xs), ys: Float64Array.from(ys), material: s.material === 'absorbing' && dark ? 'black' : s.material });
  }
  return out;
}

/** Nearest in-cone solid: distance from the footprint and its material; also the nearest solid in any direction. */
export function nearestInCone(solids: readonly Outline[], pose: { x: number; y: number; yaw: number }): { distanceM: number; material: string; anyM: number } {
  const c = Math.cos(pose.yaw);
  const s = Math.sin(pose.yaw);
  let best = Infinity;
  let material = 'none';
  let any = Infinity;
  for (const o of solids) {
    for (let i = 0; i < o.xs.length; i++) {
      const dx = o.xs[i]! - pose.x;
      const dy = o.ys[i]! - pose.y;
      const bx = c * dx + s * dy;
      const by = -s * dx + c * dy;
      const d = Math.hypot(Math.max(0, Math.abs(bx) - FOOT_HALF_LENGTH), Math.max(0, Math.abs(by) - FOOT_HALF_WIDTH));
      if (d < any) any = d;
      if (bx <= FOOT_HALF_LENGTH || Math.abs(Math.atan2(by, bx - 0.22)) > CONE_HALF_ANGLE) continue;
      if (d < best) {
        best = d;
        material = o.material;
      }
    }
  }
  return { distanceM: best, material, anyM: any };
}

export interface FrameOptions {
  scenarios: readonly Scenario[];
  variants: number;
  /** Extra variants after `variants` with CLEAR_HEAVY_MATERIALS (training data; default 0). */
  clearHeavyVariants?: number;
  /** Render only variants from this one on (default 0: all). */
  firstVariant?: number;
  framesPerVariant: number;
  seed: number;
  vit: VitEncoder;
  onProgress?(done: number, total: number, name: string): void;
}

/** Renders and encodes the frames. */
export async function cameraFrames(options: FrameOptions): Promise<CameraFrame[]> {
  const { vit } = options;
  const features = new TokenFeatures(vit);
  const c = vit.config;
  const patches = new Float32Array(c.imageSize * c.imageSize * 3);
  const layout = { imageSize: c.imageSize, patchSize: c.patchSize };
  const frames: CameraFrame[] = [];
  const allVariants = options.variants + (options.clearHeavyVariants ?? 0);
  const first = options.firstVariant ?? 0;
  const total = options.scenarios.length * (allVariants - first);
  let done = 0;
  for (let v = first; v < allVariants; v++) {
    for (const base of options.scenarios) {
      const scenario = cameraVariant(base, v, v >= options.variants ? { materials: CLEAR_HEAVY_MATERIALS } : {});
      done++;
      const sim = await Simulator.create({ scenario, params: defaultSimParams(scenario.seed) as never, outputs: OUTPUTS, readResource: () => Promise.reject(new Error('no resources')) });
      const rand = mulberry(options.seed * 31 + v * 1009 + scenario.name.length * 17 + scenario.seed);
      const [sx, sy] = sim.world.size;
      const obstacles = sim.world.solids.filter((s) => !s.id.startsWith('boundary-'));
      for (let f = 0; f < options.framesPerVariant; f++) {
        sim.world.updateMovers(rand() * scenario.duration);
        const solids = outlines(sim);
        const pose = { x: 0, y: 0, yaw: 0 };
        let placed = false;
        for (let attempt = 0; attempt < 50 && !placed; attempt++) {
          if (obstacles.length > 0 && rand() < 0.6) {
            const o = solids[sim.world.solids.indexOf(obstacles[Math.floor(rand() * obstacles.length)]!)]!;
            const k = Math.floor(rand() * o.xs.length);
            const r = 0.3 + 4.2 * rand();
            const phi = 2 * Math.PI * rand();
            pose.x = o.xs[k]! + r * Math.cos(phi);
            pose.y = o.ys[k]! + r * Math.sin(phi);
            pose.yaw = Math.atan2(o.ys[k]! - pose.y, o.xs[k]! - pose.x) + (rand() - 0.5) * (Math.PI / 2);
          } else {
            pose.x = (rand() - 0.5) * (sx - 0.8);
            pose.y = (rand() - 0.5) * (sy - 0.8);
            pose.yaw = (rand() - 0.5) * 2 * Math.PI;
          }
          placed = Math.abs(pose.x) < sx / 2 - 0.35 && Math.abs(pose.y) < sy / 2 - 0.35 && nearestInCone(solids, pose).anyM > 0.05;
        }
        if (!placed) continue;
        const near = nearestInCone(solids, pose);
        // A dark camera (dark scene, or the `dark` fault on 5 % of frames) shows nothing: labelled 0, so the
        // score carries no false alarm into the gate when vision is uninformative.
        const dark = scenario.world.lighting < 0.2 || rand() < 0.05;
        const { image } = sim.camera.render(pose, { sec: 0, nanosec: 0 }, { extraNoiseStd: 0, dark: dark && scenario.world.lighting >= 0.2 });
        imageToPatches(image, layout, patches);
        const tokens = features.compute(patches);
        const score = vit.encode(patches).obstacleAhead;
        frames.push({ scenario: scenario.name, variant: v, label: !dark && near.distanceM <= AHEAD_M ? 1 : 0, distanceM: near.distanceM, material: dark ? 'dark' : near.material, tokens, colour: features.colour(patches), score });
      }
      sim.dispose();
      options.onProgress?.(done, total, scenario.name);
    }
  }
  features.dispose();
  return frames;
}

/**
 * Writes frames as `<file>` (JSON: labels, materials, scores, shapes) + `<file>.bin` (float32: each frame's
 * tokens then colour): the token features are ~7 kB a frame, too many for a JSON number list.
 */
export async function saveFrames(file: string, frames: readonly CameraFrame[]): Promise<void> {
  const first = frames[0];
  const tokenLength = first?.tokens.length ?? 0;
  const colourLength = first?.colour.length ?? 0;
  const stride = tokenLength + colourLength;
  const bin = new Float32Array(frames.length * stride);
  frames.forEach((f, i) => {
    bin.set(f.tokens, i * stride);
    bin.set(f.colour, i * stride + tokenLength);
  });
  const meta = frames.map(({ tokens: _t, colour: _c, distanceM, ...rest }) => ({ ...rest, distanceM: Number.isFinite(distanceM) ? distanceM : null }));
  await writeFile(file, JSON.stringify({ tokenLength, colourLength, frames: meta }));
  await writeFile(`${file}.bin`, new Uint8Array(bin.buffer));
}

/** Reads what `saveFrames` wrote. */
export async function loadFrames(file: string): Promise<CameraFrame[]> {
  const { tokenLength, colourLength, frames } = JSON.parse(await readFile(file, 'utf8')) as {
    tokenLength: number;
    colourLength: number;
    frames: Array<Omit<CameraFrame, 'tokens' | 'colour' | 'distanceM'> & { distanceM: number | null }>;
  };
  const raw = await readFile(`${file}.bin`);
  const bin = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const stride = tokenLength + colourLength;
  return frames.map((f, i) => ({
    ...f,
    distanceM: f.distanceM ?? Infinity,
    tokens: bin.subarray(i * stride, i * stride + tokenLength),
    colour: bin.subarray(i * stride + tokenLength, (i + 1) * stride),
  }));
}
