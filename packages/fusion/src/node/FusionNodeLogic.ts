import type {
  AudioEventArray,
  Detection3DArray,
  FeatureTokens,
  FusedPercept,
  ModalityWeights,
  SectorRanges,
  Time,
  TouchContacts,
} from '@sensorium/core';
import { compareTime, diffSec } from '@sensorium/core';
import { CUE_MAX_RANGE_M, poolSectorRanges, writeCues } from '../CueVector.js';
import type { CueInputs } from '../CueVector.js';
import { LIDAR, MODALITIES } from '../Modality.js';
import type { FusionModel, FusionStepInput, FusionStepOutput, TokenBlock } from '../model/FusionModel.js';
import { PointEncoderSwitch } from '../model/PointEncoderSwitch.js';
import { FusionInputError } from './FusionInputError.js';
import { TokenSlot } from './TokenSlot.js';

export interface FusionNodeOptions {
  /** Inputs older than this (clock now − header.stamp) are stale: masked, weight 0. */
  staleTimeoutSec: number;
  pointEncoderOn: number;
  pointEncoderOff: number;
  /** Resolved topic names, for error context. */
  topics?: Partial<Record<'vision' | 'lidar' | 'audio' | 'touch', string>>;
  frameId?: string;
  /** Ablation: equal weights over the available modalities instead of the learned gate. */
  fixedWeights?: boolean;
  /** Runs the step instead of `model.step` (an inference session: `SessionFusionStep`); same inputs and outputs. */
  stepper?: { step(input: FusionStepInput): FusionStepOutput };
}

/**
 * What the model sees at one fusion step, and the obstacle summary the percept carries. Owned by the
 * logic and overwritten by the next `prepare` (the training recorder copies what it keeps).
 */
export interface PreparedInputs {
  readonly tokens: readonly (TokenBlock | undefined)[];
  readonly available: Float32Array;
  readonly cues: Float32Array;
  nearestM: number;
  bearing: number;
  count: number;
  contact: boolean;
  /** Oldest fresh token stamp, null when no tokens are fresh. */
  oldest: Time | null;
}

/** The module names published in ModalityWeights.active_modules. */
export const POINT_ENCODER_MODULE = 'lidar_point_encoder';
const ALWAYS_ACTIVE = ['gating_network', 'cross_modal_attention'] as const;

/**
 * The fusion node's logic without any transport: feed it messages, call `step(now)` on the fusion clock,
 * publish what it returns. Bad inputs throw FusionInputError from the `on…` methods (the shell counts
 * them); `step` never throws on missing or stale inputs — they get weight 0 and the rest carries on.
 */
export class FusionNodeLogic {
  readonly slots: TokenSlot[];
  readonly pointEncoder: PointEncoderSwitch;
  private sectors: SectorRanges | null = null;
  private obstacles: { stamp: Time; nearestM: number; bearing: number; count: number } | null = null;
  private audio: AudioEventArray | null = null;
  private touch: TouchContacts | null = null;
  private visionScore: { stamp: Time; value: number } | null = null;
  private readonly cues: Float32Array;
  private readonly pooled: Float32Array;
  private readonly available = new Float32Array(4);
  private readonly blocks: (TokenBlock | undefined)[] = [undefined, undefined, undefined, undefined];
  private readonly cueInputs: CueInputs = {};
  private readonly prepared: PreparedInputs;

  constructor(
    readonly model: FusionModel,
    readonly options: FusionNodeOptions,
  ) {
    const c = model.config;
    this.slots = MODALITIES.map((m) => new TokenSlot(m, options.topics?.[m] ?? `perception/${m}/tokens`, c.tokenDims[m], c.maxTokens[m]));
    this.pointEncoder = new PointEncoderSwitch(options.pointEncoderOn, options.pointEncoderOff);
    this.cues = new Float32Array(model.cueDim);
    this.pooled = new Float32Array(c.sectors);
    this.prepared = { tokens: this.blocks, available: this.available, cues: this.cues, nearestM: Infinity, bearing: 0, count: 0, contact: false, oldest: null };
  }

  onTokens(modality: number, msg: FeatureTokens): void {
    this.slots[modality]?.accept(msg);
  }

  onSectors(msg: SectorRanges): void {
    if (this.sectors !== null && compareTime(msg.header.stamp, this.sectors.header.stamp) <= 0) {
      throw new FusionInputError('out_of_order', 'sector ranges not newer than the last ones', { field: 'header.stamp' });
    }
    this.sectors = msg;
  }

  /** A scan's obstacles, matched to its sector ranges by approximateTimeSync. */
  onObstacles(msg: Detection3DArray): void {
    let nearestM = Number.POSITIVE_INFINITY;
    let bearing = 0;
    for (const d of msg.detections) {
      const p = d.bbox.center.position;
      const half = Math.max(d.bbox.size.x, d.bbox.size.y) / 2;
      const dist = Math.max(0, Math.hypot(p.x, p.y) - half);
      if (Number.isFinite(dist) && dist < nearestM) {
        nearestM = dist;
        bearing = Math.atan2(p.y, p.x);
      }
    }
    this.obstacles = { stamp: msg.header.stamp, nearestM, bearing, count: msg.detections.length };
  }

  onAudioEvents(msg: AudioEventArray): void {
    this.audio = msg;
  }

  onTouchContacts(msg: TouchContacts): void {
    this.touch = msg;
  }

  /** The camera encoder's obstacle-ahead score, as FeatureTokens with count 1, dim 1. */
  onVisionScore(msg: FeatureTokens): void {
    const value = msg.data[0];
    if (msg.data.length < 1 || value === undefined || !Number.isFinite(value)) {
      throw new FusionInputError('not_finite', 'obstacle-ahead score missing or not finite', { field: 'data[0]' });
    }
    this.visionScore = { stamp: msg.header.stamp, value };
  }

  /**
   * The model inputs at `now` (fresh tokens, availability, cue vector) and the obstacle summary, without
   * running the model: `step` uses it, and so does the recorder that builds training data from the same
   * messages the node sees.
   */
  prepare(now: Time): PreparedInputs {
    const timeout = this.options.staleTimeoutSec;
    const isFresh = (stamp: Time | undefined): boolean => stamp !== undefined && diffSec(now, stamp) <= timeout;
    let oldest: Time | null = null;
    for (let m = 0; m < MODALITIES.length; m++) {
      const msg = this.slots[m]?.fresh(now, timeout) ?? null;
      this.blocks[m] = msg === null ? undefined : { count: msg.count, data: msg.data };
      this.available[m] = msg === null ? 0 : 1;
      if (msg !== null && (oldest === null || compareTime(msg.header.stamp, oldest) < 0)) oldest = msg.header.stamp;
    }
    const sectorsFresh = this.sectors !== null && isFresh(this.sectors.header.stamp);
    // LiDAR counts as available through its cheap sectors even while the point encoder is off.
    if (sectorsFresh) this.available[LIDAR] = 1;
    const c = this.model.config;
    const sectors = this.sectors;
    this.cueInputs.sectorRangesM =
      sectorsFresh && sectors !== null ? poolSectorRanges(this.pooled, c.sectors, sectors.angle_min, sectors.angle_increment, sectors.ranges) : undefined;
    this.cueInputs.visionObstacleAhead = this.visionScore !== null && isFresh(this.visionScore.stamp) ? this.visionScore.value : undefined;
    const loudest = this.audio !== null && isFresh(this.audio.header.stamp) ? loudestEvent(this.audio) : undefined;
    this.cueInputs.audioEvent = loudest === undefined ? undefined : { levelDb: loudest.level_db, bearing: loudest.bearing };
    const touch = this.touch !== null && isFresh(this.touch.header.stamp) ? this.touch : null;
    this.cueInputs.touch = touch === null ? undefined : { contact: touch.bump || touch.total_pressure > 0, totalPressure: touch.total_pressure };
    writeCues(this.cues, c.sectors, this.cueInputs);

    // Obstacle summary: the synced scan's detections, else the sector minimum, else nothing (inf).
    let nearest = Number.POSITIVE_INFINITY;
    let bearing = 0;
    let count = 0;
    if (this.obstacles !== null && isFresh(this.obstacles.stamp)) {
      ({ nearestM: nearest, bearing, count } = this.obstacles);
    } else if (this.cueInputs.sectorRangesM !== undefined) {
      for (let k = 0; k < c.sectors; k++) {
        const r = this.pooled[k] ?? Number.POSITIVE_INFINITY;
        if (r < nearest && r <= CUE_MAX_RANGE_M) {
          nearest = r;
          bearing = (k * 2 * Math.PI) / c.sectors;
        }
      }
      if (bearing > Math.PI) bearing -= 2 * Math.PI;
    }
    const p = this.prepared;
    p.nearestM = nearest;
    p.bearing = bearing;
    p.count = count;
    p.contact = this.cueInputs.touch?.contact ?? false;
    p.oldest = oldest;
    return p;
  }

  /** One fusion step at `now`: new ModalityWeights and FusedPercept messages (fresh objects, safe to publish). */
  step(now: Time): { gating: ModalityWeights; percept: FusedPercept; sensorStamp: Time | null } {
    const { nearestM: nearest, bearing, count, contact, oldest } = this.prepare(now);
    const out = (this.options.stepper ?? this.model).step({ tokens: this.blocks, available: this.available, cues: this.cues, fixedWeights: this.options.fixedWeights === true });
    const encoderOn = this.available[LIDAR] === 1 && this.pointEncoder.update(out.pointEncoderProb);
    if (this.available[LIDAR] === 0) this.pointEncoder.reset();
    const header = { stamp: oldest ?? now, frame_id: this.options.frameId ?? 'base_link' };
    const modalities = [...MODALITIES];
    const gating: ModalityWeights = {
      header,
      modalities,
      weights: Float32Array.from(out.weights),
      active_modules: encoderOn ? [...ALWAYS_ACTIVE, POINT_ENCODER_MODULE] : [...ALWAYS_ACTIVE],
      stale: Array.from(this.available, (a) => a === 0),
    };
    const percept: FusedPercept = {
      header,
      embedding: Float32Array.from(out.embedding),
      modalities,
      weights: gating.weights,
      nearest_obstacle_distance: nearest,
      nearest_obstacle_bearing: bearing,
      obstacle_ahead_score: out.obstaclePresence,
      obstacle_count: count,
      contact,
    };
    return { gating, percept, sensorStamp: oldest };
  }
}

function loudestEvent(msg: AudioEventArray): AudioEventArray['events'][number] | undefined {
  let best: AudioEventArray['events'][number] | undefined;
  for (const e of msg.events) if (Number.isFinite(e.level_db) && Number.isFinite(e.bearing) && (best === undefined || e.level_db > best.level_db)) best = e;
  return best;
}
