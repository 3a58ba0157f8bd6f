import type { FusionConfig } from '../FusionConfig.js';
import { cueDim, writeCues } from '../CueVector.js';
import { AUDIO, LIDAR, TOUCH, VISION } from '../Modality.js';
import type { TokenBlock } from '../model/FusionModel.js';
import { AUX_MAX_DISTANCE_M } from '../model/FusionModel.js';
import { POLICY_MAX_ANGULAR, POLICY_MAX_LINEAR } from '../model/PolicyHead.js';
import { SeededRandom } from '../model/SeededRandom.js';
import type { FusionDataset, FusionSample } from './FusionSample.js';
import { gateTarget } from './gateTarget.js';

/**
 * A small 2-D stand-in for the simulator, used when simulator data is not available: a disc robot drives
 * to a goal among circular obstacles (materials default / glass / absorbing, coloured), with scenario-like
 * faults (camera dark or frozen, LiDAR dropout, audio or touch missing) and a privileged expert that plans
 * on the true obstacles. Each step yields what the fusion node would see — cue vector, availability and
 * tokens — where tokens come from fixed random "synthetic encoders" (a seeded projection of per-column /
 * per-sector features plus noise), NOT from the perception package's encoders. See models/fusion/MODEL_CARD.md.
 */
export type Fault = 'none' | 'camera_dark' | 'camera_freeze' | 'lidar_dropout' | 'audio_missing' | 'touch_missing';
export type Material = 'default' | 'glass' | 'absorbing';

export interface Obstacle {
  x: number;
  y: number;
  r: number;
  material: Material;
  /** Hue in [0, 1). */
  hue: number;
}

export interface Episode {
  obstacles: Obstacle[];
  goal: { x: number; y: number };
  startYaw: number;
  fault: Fault;
  /** Step at which the fault begins. */
  faultStep: number;
}

export interface SyntheticWorldOptions {
  config: FusionConfig;
  seed?: number;
  /** Hue range of obstacle colours: `[0, 0.5)` by default; the LoRA experiment uses `[0.5, 1)`. */
  hueRange?: readonly [number, number];
  /** Probability that an episode has a fault. */
  faultProbability?: number;
  /** Faults to draw from (with repeats as weights); default dark ×2, freeze, dropout ×2, audio, touch. */
  faults?: readonly Fault[];
  /** Fraction of expert episodes driven with noisy actions (labels stay the clean expert's). */
  noisyExpertFraction?: number;
}

export interface RolloutResult {
  reward: number;
  collided: boolean;
  reachedGoal: boolean;
  steps: number;
}

/** Decides the command at each step of a closed-loop rollout. */
export type Driver = (sample: FusionSample) => { linear: number; angular: number };

export const WORLD_DT = 0.1;
const MAX_STEPS = 130;
const ROBOT_RADIUS = 0.25;
const CAMERA_HALF_FOV = (35 * Math.PI) / 180;
const VISION_COLUMNS = 8;
const VISION_FEATURES = 6;
const LIDAR_FEATURES = 4;
const AUDIO_TOKENS = 4;
const TOUCH_TOKENS = 2;
const ENCODER_SEED = 0x5e45;
/** "Ahead" for labels and the vision cue: an obstacle overlapping ±0.5 rad of the heading. */
const AHEAD_HALF_ANGLE = 0.5;

interface StepRecord {
  cues: Float32Array;
  available: Float32Array;
  visionFeatures: Float32Array | null;
  brightness: number;
  lidarTokens: boolean;
  sectorRanges: Float32Array;
  audio: Float32Array;
  touch: Float32Array;
  goal: { x: number; y: number };
  perceived: FusionSample['perceived'];
  expert: { linear: number; angular: number };
  obstacleAheadM: number;
  informative: [boolean, boolean, boolean, boolean];
  noiseSeed: number;
}

export class SyntheticWorld {
  readonly config: FusionConfig;
  private readonly seed: number;
  private readonly hueRange: readonly [number, number];
  private readonly faultProbability: number;
  private readonly faults: readonly Fault[];
  private readonly noisyExpertFraction: number;
  private readonly projections: Float32Array[];
  private readonly cueLength: number;

  constructor(options: SyntheticWorldOptions) {
    this.config = options.config;
    this.seed = options.seed ?? 1;
    this.hueRange = options.hueRange ?? [0, 0.5];
    this.faultProbability = options.faultProbability ?? 0.45;
    this.faults = options.faults ?? ['camera_dark', 'camera_dark', 'camera_freeze', 'lidar_dropout', 'lidar_dropout', 'audio_missing', 'touch_missing'];
    this.noisyExpertFraction = options.noisyExpertFraction ?? 0.4;
    this.cueLength = cueDim(this.config.sectors);
    const rng = new SeededRandom(ENCODER_SEED);
    const c = this.config;
    const proj = (rows: number, cols: number): Float32Array => Float32Array.from({ length: rows * cols }, () => rng.normal() / Math.sqrt(rows) * 1.5);
    this.projections = [proj(VISION_FEATURES, c.tokenDims.vision), proj(LIDAR_FEATURES, c.tokenDims.lidar), proj(4, c.tokenDims.audio), proj(2, c.tokenDims.touch)];
  }

  /** A random episode layout; `index` makes it reproducible. */
  episode(index: number): Episode {
    const rng = new SeededRandom((this.seed * 7919 + index * 104729) >>> 0);
    const goal = { x: rng.uniform(6, 9), y: rng.uniform(-1.5, 1.5) };
    const obstacles: Obstacle[] = [];
    const count = rng.int(6);
    const material = (): Material => {
      const u = rng.next();
      return u < 0.8 ? 'default' : u < 0.9 ? 'glass' : 'absorbing';
    };
    const hue = (): number => rng.uniform(this.hueRange[0], this.hueRange[1]);
    if (rng.next() < 0.7) {
      // One obstacle on the way, like the pop-out and static-field scenarios.
      const along = rng.uniform(2.5, 6);
      obstacles.push({ x: goal.x * (along / 9), y: goal.y * (along / 9) + rng.uniform(-0.4, 0.4), r: rng.uniform(0.2, 0.5), material: material(), hue: hue() });
    }
    for (let i = 0; i < count; i++) {
      const o = { x: rng.uniform(1.5, 7.5), y: rng.uniform(-3, 3), r: rng.uniform(0.15, 0.45), material: material(), hue: hue() };
      if (Math.hypot(o.x, o.y) < o.r + 1 || Math.hypot(o.x - goal.x, o.y - goal.y) < o.r + 0.8) continue;
      obstacles.push(o);
    }
    let fault: Fault = 'none';
    if (rng.next() < this.faultProbability) {
      fault = this.faults[rng.int(this.faults.length)] ?? 'none';
    }
    return { obstacles, goal, startYaw: rng.uniform(-0.6, 0.6), fault, faultStep: rng.int(40) };
  }

  /**
   * Records `episodes` layouts with expert labels and returns every step as a (lazily tokenised) dataset.
   * The robot is driven by the expert (some episodes with noisy actions), or by `driver` when given
   * (DAgger: the learner's own states, labelled by the expert).
   */
  expertDataset(options: { episodes: number; firstEpisode?: number; driver?: Driver }): FusionDataset & { records: number } {
    const records: StepRecord[] = [];
    for (let e = 0; e < options.episodes; e++) {
      const index = (options.firstEpisode ?? 0) + e;
      const ep = this.episode(index);
      const noise = new SeededRandom(index * 31 + 5);
      const noisy = noise.next() < this.noisyExpertFraction;
      this.run(ep, index, (record) => {
        records.push(record);
        if (options.driver !== undefined) return options.driver(this.toSample(record));
        const a = record.expert;
        return noisy ? { linear: a.linear * noise.uniform(0.5, 1.1), angular: a.angular + noise.normal() * 0.6 } : a;
      });
    }
    return {
      length: records.length,
      records: records.length,
      get: (i: number) => this.toSample(records[i] as StepRecord),
    };
  }

  /** Closed loop: `driver` commands the robot from what the node would see. Reward = progress + outcome. */
  rollout(index: number, driver: Driver): RolloutResult {
    const ep = this.episode(index);
    return this.run(ep, index, (record) => driver(this.toSample(record)));
  }

  private run(ep: Episode, index: number, act: (record: StepRecord) => { linear: number; angular: number }): RolloutResult {
    let x = 0;
    let y = 0;
    let yaw = ep.startYaw;
    let reward = 0;
    let alarm = { until: -1, bearing: 0, levelDb: -50 };
    const rng = new SeededRandom(index * 977 + 13);
    for (let step = 0; step < MAX_STEPS; step++) {
      const goalDist = Math.hypot(ep.goal.x - x, ep.goal.y - y);
      if (goalDist < 0.35) return { reward: reward + 5, collided: false, reachedGoal: true, steps: step };
      if (rng.next() < 0.03) alarm = { until: step + 10, bearing: rng.uniform(-Math.PI, Math.PI), levelDb: rng.uniform(-25, -5) };
      const record = this.observe(ep, step, x, y, yaw, step < alarm.until ? alarm : null, rng, index * 100_003 + step);
      const cmd = act(record);
      const v = clamp(Number.isFinite(cmd.linear) ? cmd.linear : 0, -0.3, POLICY_MAX_LINEAR);
      const w = clamp(Number.isFinite(cmd.angular) ? cmd.angular : 0, -POLICY_MAX_ANGULAR, POLICY_MAX_ANGULAR);
      yaw += w * WORLD_DT;
      x += v * Math.cos(yaw) * WORLD_DT;
      y += v * Math.sin(yaw) * WORLD_DT;
      const after = Math.hypot(ep.goal.x - x, ep.goal.y - y);
      reward += goalDist - after - 0.01;
      if (ep.obstacles.some((o) => Math.hypot(o.x - x, o.y - y) < o.r + ROBOT_RADIUS)) {
        return { reward: reward - 5, collided: true, reachedGoal: false, steps: step + 1 };
      }
    }
    return { reward, collided: false, reachedGoal: false, steps: MAX_STEPS };
  }

  private observe(
    ep: Episode,
    step: number,
    x: number,
    y: number,
    yaw: number,
    alarm: { bearing: number; levelDb: number } | null,
    rng: SeededRandom,
    noiseSeed: number,
  ): StepRecord {
    const c = this.config;
    const faultOn = ep.fault !== 'none' && step >= ep.faultStep;
    const dark = faultOn && ep.fault === 'camera_dark';
    const frozen = faultOn && ep.fault === 'camera_freeze';
    const lidarDown = faultOn && ep.fault === 'lidar_dropout';
    const audioMissing = faultOn && ep.fault === 'audio_missing';
    const touchMissing = faultOn && ep.fault === 'touch_missing';
    const cos = Math.cos(yaw);
    const sin = Math.sin(yaw);
    // Obstacles in base_link.
    const local = ep.obstacles.map((o) => {
      const dx = o.x - x;
      const dy = o.y - y;
      const lx = cos * dx + sin * dy;
      const ly = -sin * dx + cos * dy;
      const centre = Math.hypot(lx, ly);
      return { o, lx, ly, centre, surface: Math.max(0, centre - o.r - ROBOT_RADIUS), bearing: Math.atan2(ly, lx), half: Math.asin(Math.min(1, o.r / Math.max(centre, 1e-6))) };
    });
    let aheadM = Number.POSITIVE_INFINITY;
    let contactPressure = 0;
    for (const l of local) {
      if (Math.abs(l.bearing) - l.half < AHEAD_HALF_ANGLE) aheadM = Math.min(aheadM, l.surface);
      if (l.surface < 0.05) contactPressure = Math.max(contactPressure, (0.05 - l.surface) * 1000);
    }
    // LiDAR sectors: glass is invisible, absorbing returns only sometimes.
    const S = c.sectors;
    const width = (2 * Math.PI) / S;
    const sectors = new Float32Array(S).fill(Number.POSITIVE_INFINITY);
    let perceivedNearest = Number.POSITIVE_INFINITY;
    let perceivedBearing = 0;
    let perceivedCount = 0;
    for (const l of local) {
      if (l.o.material === 'glass' || (l.o.material === 'absorbing' && rng.next() < 0.7)) continue;
      const range = Math.max(0, l.centre - l.o.r) + rng.normal() * 0.02;
      if (range > 10) continue;
      perceivedCount++;
      if (l.surface < perceivedNearest) {
        perceivedNearest = l.surface;
        perceivedBearing = l.bearing;
      }
      for (let k = 0; k < S; k++) {
        const delta = Math.abs(wrap(l.bearing - k * width));
        if (delta - l.half < width / 2 && range < (sectors[k] ?? Infinity)) sectors[k] = range;
      }
    }
    // Camera: per-column nearest visible obstacle, and the obstacle-ahead score perception would publish.
    const brightness = dark ? 0.04 : 1;
    const visionFeatures = frozen ? null : new Float32Array(VISION_COLUMNS * VISION_FEATURES);
    let visionScore = 0;
    for (const l of local) {
      if (l.lx <= 0 || Math.abs(l.bearing) - l.half > CAMERA_HALF_FOV) continue;
      const visibility = l.o.material === 'glass' ? 0.35 : 1;
      if (Math.abs(l.bearing) - l.half < AHEAD_HALF_ANGLE && l.surface < 3) visionScore = Math.max(visionScore, visibility * Math.min(1, (3 - l.surface) / 2.2));
      if (visionFeatures === null) continue;
      for (let col = 0; col < VISION_COLUMNS; col++) {
        const centre = CAMERA_HALF_FOV - (col + 0.5) * ((2 * CAMERA_HALF_FOV) / VISION_COLUMNS);
        if (Math.abs(wrap(l.bearing - centre)) - l.half > CAMERA_HALF_FOV / VISION_COLUMNS) continue;
        const near = 1 / (1 + l.surface);
        const f = col * VISION_FEATURES;
        if (near * visibility > (visionFeatures[f] ?? 0)) {
          visionFeatures[f] = near * visibility;
          visionFeatures[f + 1] = Math.cos(2 * Math.PI * l.o.hue) * visibility;
          visionFeatures[f + 2] = Math.sin(2 * Math.PI * l.o.hue) * visibility;
          visionFeatures[f + 3] = l.o.material === 'absorbing' ? 1 : 0;
        }
      }
    }
    if (visionFeatures !== null) for (let col = 0; col < VISION_COLUMNS; col++) { visionFeatures[col * VISION_FEATURES + 4] = 1; visionFeatures[col * VISION_FEATURES + 5] = col / VISION_COLUMNS - 0.5; }
    visionScore = clamp(visionScore * brightness + rng.normal() * 0.04, 0, 1);
    const audio = new Float32Array([alarm === null ? 0.15 : clamp((alarm.levelDb + 60) / 60, 0, 1), alarm === null ? 0 : Math.cos(alarm.bearing), alarm === null ? 0 : Math.sin(alarm.bearing), alarm === null ? 0 : 1]);
    const touch = new Float32Array([contactPressure > 0 ? 1 : 0, Math.min(1, contactPressure / 100)]);
    const available = new Float32Array([frozen ? 0 : 1, lidarDown ? 0 : 1, audioMissing ? 0 : 1, touchMissing ? 0 : 1]);
    const cues = writeCues(new Float32Array(this.cueLength), S, {
      sectorRangesM: lidarDown ? undefined : sectors,
      visionObstacleAhead: frozen ? undefined : visionScore,
      audioEvent: audioMissing || alarm === null ? undefined : { levelDb: alarm.levelDb, bearing: alarm.bearing },
      touch: touchMissing ? undefined : { contact: contactPressure > 0, totalPressure: contactPressure },
    });
    const gx = ep.goal.x - x;
    const gy = ep.goal.y - y;
    const goal = { x: cos * gx + sin * gy, y: -sin * gx + cos * gy };
    return {
      cues,
      available,
      visionFeatures,
      brightness,
      lidarTokens: !lidarDown && (aheadM < 2.5 || rng.next() < 0.3),
      sectorRanges: sectors,
      audio,
      touch,
      goal,
      perceived: lidarDown
        ? { nearestDistanceM: Number.POSITIVE_INFINITY, nearestBearing: 0, count: 0, contact: contactPressure > 0 }
        : { nearestDistanceM: perceivedNearest, nearestBearing: perceivedBearing, count: perceivedCount, contact: contactPressure > 0 },
      expert: expertCommand(local, goal),
      obstacleAheadM: aheadM,
      informative: [!dark && !frozen, !lidarDown, !audioMissing, !touchMissing],
      noiseSeed,
    };
  }

  private toSample(r: StepRecord): FusionSample {
    const c = this.config;
    const rng = new SeededRandom(r.noiseSeed);
    const tokens: (TokenBlock | undefined)[] = [undefined, undefined, undefined, undefined];
    if (r.visionFeatures !== null) tokens[VISION] = this.encode(VISION, r.visionFeatures, VISION_COLUMNS, VISION_FEATURES, c.tokenDims.vision, r.brightness, rng);
    if (r.lidarTokens) {
      const f = new Float32Array(c.sectors * LIDAR_FEATURES);
      const width = (2 * Math.PI) / c.sectors;
      for (let k = 0; k < c.sectors; k++) {
        const range = r.sectorRanges[k] ?? Infinity;
        f[k * 4] = Number.isFinite(range) ? 1 / (1 + range) : 0;
        f[k * 4 + 1] = Math.cos(k * width);
        f[k * 4 + 2] = Math.sin(k * width);
        f[k * 4 + 3] = 1;
      }
      tokens[LIDAR] = this.encode(LIDAR, f, c.sectors, LIDAR_FEATURES, c.tokenDims.lidar, 1, rng);
    }
    if ((r.available[AUDIO] ?? 0) > 0) {
      const f = new Float32Array(AUDIO_TOKENS * 4);
      for (let t = 0; t < AUDIO_TOKENS; t++) f.set(r.audio, t * 4);
      tokens[AUDIO] = this.encode(AUDIO, f, AUDIO_TOKENS, 4, c.tokenDims.audio, 1, rng);
    }
    if ((r.available[TOUCH] ?? 0) > 0) {
      const f = new Float32Array(TOUCH_TOKENS * 2);
      for (let t = 0; t < TOUCH_TOKENS; t++) f.set(r.touch, t * 2);
      tokens[TOUCH] = this.encode(TOUCH, f, TOUCH_TOKENS, 2, c.tokenDims.touch, 1, rng);
    }
    const dAhead = r.obstacleAheadM;
    return {
      tokens,
      available: r.available,
      cues: r.cues,
      goal: r.goal,
      perceived: r.perceived,
      expert: r.expert,
      obstacleAhead: dAhead < 2 ? 1 : 0,
      obstacleDistanceM: Math.min(dAhead, AUX_MAX_DISTANCE_M),
      gateTarget: gateTarget(new Float32Array(4), { obstacleAheadM: dAhead, informative: r.informative }),
      pointEncoderTarget: dAhead < 2.5 && r.informative[LIDAR] ? 1 : 0,
    };
  }

  /** The synthetic encoder: tokens = gain · tanh(features · P) + noise. */
  private encode(m: number, features: Float32Array, count: number, featureDim: number, dim: number, gain: number, rng: SeededRandom): TokenBlock {
    const p = this.projections[m] as Float32Array;
    const data = new Float32Array(count * dim);
    for (let t = 0; t < count; t++) {
      for (let j = 0; j < dim; j++) {
        let s = 0;
        for (let i = 0; i < featureDim; i++) s += (features[t * featureDim + i] ?? 0) * (p[i * dim + j] ?? 0);
        data[t * dim + j] = gain * Math.tanh(s) + rng.normal() * 0.03;
      }
    }
    return { count, data };
  }
}

/**
 * The privileged expert: among headings within ±90°, pick the one that best trades goal alignment
 * against free corridor length on the true obstacles (glass included); slow down as the corridor shortens.
 */
function expertCommand(local: readonly { lx: number; ly: number; o: Obstacle }[], goal: { x: number; y: number }): { linear: number; angular: number } {
  const goalBearing = Math.atan2(goal.y, goal.x);
  const goalDist = Math.hypot(goal.x, goal.y);
  let best = { score: -Infinity, heading: 0, clearance: 0 };
  for (let i = -12; i <= 12; i++) {
    const heading = (i * Math.PI) / 24;
    const ux = Math.cos(heading);
    const uy = Math.sin(heading);
    let clearance = 4;
    for (const l of local) {
      const along = l.lx * ux + l.ly * uy;
      const perp = Math.abs(-l.lx * uy + l.ly * ux);
      const reach = l.o.r + ROBOT_RADIUS + 0.12;
      if (along > 0 && perp < reach) clearance = Math.min(clearance, Math.max(0, along - Math.sqrt(reach * reach - perp * perp)));
      else if (Math.hypot(l.lx, l.ly) < reach) clearance = Math.min(clearance, along > 0 ? 0 : clearance);
    }
    const blocked = clearance < Math.min(goalDist, 1.8);
    const score = Math.cos(wrap(heading - goalBearing)) - (blocked ? 1.5 * (1.8 - clearance) : 0) - 0.05 * Math.abs(heading);
    if (score > best.score) best = { score, heading, clearance };
  }
  const angular = clamp(2.2 * best.heading, -POLICY_MAX_ANGULAR, POLICY_MAX_ANGULAR);
  const linear = clamp(Math.min(POLICY_MAX_LINEAR, 0.6 * best.clearance, 0.9 * goalDist) * Math.max(0.15, Math.cos(best.heading)), 0, POLICY_MAX_LINEAR);
  return { linear, angular };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function wrap(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}
