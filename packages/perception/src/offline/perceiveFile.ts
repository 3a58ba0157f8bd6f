import {
  bytesReadable,
  compareTime,
  decodePcmToFloat32,
  LocalTransport,
  McapSource,
  NodeRuntime,
  readPcd,
  readTactileCsv,
  readWav,
  SensorDataQoS,
  SimClock,
  ValidationError,
  type AudioEventArray,
  type Detection3DArray,
  type Logger,
  type PoseStamped,
  type NodeDefinition,
  type ParamSpecs,
  type SectorRanges,
  type Time,
  type TouchContacts,
} from '@sensorium/core';
import { AudioFrontEnd } from '../audio/AudioFrontEnd.js';
import { audioProcessor } from '../nodes/audioProcessor.js';
import { lidarProcessor, poseToPlane } from '../nodes/lidarProcessor.js';
import { touchProcessor } from '../nodes/touchProcessor.js';
import { extractXyz } from '../pointcloud/extractXyz.js';
import { PointCloudPipeline, type PointCloudPipelineInit, type PointCloudResult } from '../pointcloud/PointCloudPipeline.js';
import { TouchProcessor } from '../touch/TouchProcessor.js';

export interface PerceiveOptions {
  /** Tactile CSV sample rate, Hz (required for .csv). */
  rateHz?: number;
  /** Tactile CSV: number of leading taxel columns (default: all). */
  taxelColumns?: number;
  /** Point-cloud pipeline overrides (.pcd). */
  pointcloud?: PointCloudPipelineInit;
}

export interface GroundSummary {
  normal: [number, number, number];
  /** d of `normal · p + d = 0`: the height of the frame origin above the ground (its signed distance), m. */
  offset: number;
  inliers: number;
}

export interface ClusterSummary {
  /** `structure`: walls, a room's outline (over the max obstacle size, or around the sensor). */
  kind: 'obstacle' | 'structure';
  center: [number, number, number];
  size: [number, number, number];
  nearestDistance: number;
  bearing: number;
  points: number;
}

export interface CloudSummary {
  points: number;
  ground: GroundSummary | null;
  clusters: ClusterSummary[];
  /** The structure clusters in segments (≤ 1 m across by default), nearest first. */
  structureSegments: number;
  /** Nearest cluster of kind obstacle. */
  nearest: { distance: number; bearing: number } | null;
}

export interface AudioEventSummary {
  timeSec: number;
  levelDb: number;
  /** rad in base_link; null for mono input. */
  bearing: number | null;
  confidence: number;
}

export type PerceiveReport =
  | ({ kind: 'pointcloud'; file: string } & CloudSummary)
  | { kind: 'audio'; file: string; sampleRate: number; channels: number; durationSec: number; events: AudioEventSummary[] }
  | { kind: 'tactile'; file: string; samples: number; taxels: number; contacts: Array<{ startSec: number; endSec: number; peakPressure: number }>; bumpsSec: number[] }
  | {
      kind: 'mcap';
      file: string;
      /** Recorded topics and their types. */
      topics: Array<{ topic: string; type: string }>;
      clouds: Array<{
        topic: string;
        stampSec: number;
        ground: GroundSummary | null;
        /** Detections on perception/obstacles (structures included, as the node publishes them). */
        obstacles: number;
        structureSegments: number;
        /** Nearest detection of class obstacle. */
        nearest: { distance: number; bearing: number } | null;
        minSectorRange: number;
      }>;
      audioEvents: AudioEventSummary[];
      touchBumpsSec: number[];
      /** Messages the nodes rejected, by reason (node diagnostics). */
      drops: Array<{ node: string; topic: string; reason: string; count: number }>;
    };

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * `sensorium perceive FILE`: runs the matching perception on a recording held in memory (the CLI reads
 * the file). `.pcd` → ground plane, clusters, nearest obstacle; `.wav` → onset events with times (and
 * bearings for a 4-channel array); tactile `.csv` (`rateHz` needed) → contacts with times; `.mcap` → every
 * PointCloud2, AudioDataStamped and TactileArray message through the same nodes that run live
 * (lidar_processor, audio_processor, touch_processor on a LocalTransport with sim time).
 */
export async function perceiveFile(input: { name: string; bytes: Uint8Array }, options: PerceiveOptions = {}): Promise<PerceiveReport> {
  const { name, bytes } = input;
  const ext = name.toLowerCase().slice(name.lastIndexOf('.') + 1);
  switch (ext) {
    case 'pcd': {
      const { cloud } = readPcd(bytes, { file: name });
      const { xyz, count } = extractXyz(cloud);
      return { kind: 'pointcloud', file: name, ...summarizeCloud(new PointCloudPipeline(options.pointcloud).process(xyz, count)) };
    }
    case 'wav':
      return perceiveWav(name, bytes);
    case 'csv':
      return perceiveTactile(name, bytes, options);
    case 'mcap':
      return perceiveMcap(name, bytes);
    default:
      throw new ValidationError('no perception pipeline for this file type', { context: { file: name, expected: '.pcd | .mcap | .wav | .csv', actual: `.${ext}` } });
  }
}

export function summarizeCloud(r: PointCloudResult): CloudSummary {
  const near = r.obstacles.find((o) => o.kind === 'obstacle');
  return {
    points: r.inputPoints,
    ground: r.ground === undefined ? null : { normal: r.ground.normal, offset: r.ground.d, inliers: r.ground.inliers },
    clusters: r.obstacles.map((o) => ({ kind: o.kind, center: o.center, size: o.size, nearestDistance: o.nearestDistance, bearing: o.bearing, points: o.points })),
    structureSegments: r.structures.length,
    nearest: near === undefined ? null : { distance: near.nearestDistance, bearing: near.bearing },
  };
}

function perceiveWav(name: string, bytes: Uint8Array): PerceiveReport {
  const wav = readWav(bytes, { file: name });
  const ch = wav.info.channels;
  const pcm = new Float32Array(wav.frameCount * ch);
  decodePcmToFloat32(wav.data, wav.info.sample_format, ch, pcm);
  const fe = new AudioFrontEnd();
  const events: AudioEventSummary[] = [];
  const chunk = Math.round(wav.info.sample_rate / 10);
  for (let f = 0; f < wav.frameCount; f += chunk) {
    const n = Math.min(chunk, wav.frameCount - f);
    const r = fe.process(pcm.subarray(f * ch, (f + n) * ch), n, { sampleRate: wav.info.sample_rate, channels: ch }, f / wav.info.sample_rate);
    for (const e of r.events) events.push({ timeSec: e.timeSec, levelDb: e.levelDb, bearing: Number.isNaN(e.bearing) ? null : e.bearing, confidence: e.confidence });
  }
  return { kind: 'audio', file: name, sampleRate: wav.info.sample_rate, channels: ch, durationSec: wav.durationSec, events };
}

function perceiveTactile(name: string, bytes: Uint8Array, options: PerceiveOptions): PerceiveReport {
  if (options.rateHz === undefined) throw new ValidationError('tactile CSV needs a sample rate (--rate)', { context: { file: name, field: 'rate' } });
  const csv = readTactileCsv(bytes, { file: name, rateHz: options.rateHz, ...(options.taxelColumns === undefined ? {} : { taxelColumns: options.taxelColumns }) });
  const touch = new TouchProcessor();
  const contacts: Array<{ startSec: number; endSec: number; peakPressure: number }> = [];
  const bumpsSec: number[] = [];
  let open: { startSec: number; endSec: number; peakPressure: number } | undefined;
  const empty = new Float32Array(0);
  for (let i = 0; i < csv.samples; i++) {
    const t = csv.timestamps[i]!;
    const r = touch.process(csv.pressures.subarray(i * csv.taxels, (i + 1) * csv.taxels), empty, 1 / options.rateHz);
    if (r.bump) bumpsSec.push(t);
    if (r.taxels.length > 0) {
      open ??= { startSec: t, endSec: t, peakPressure: 0 };
      open.endSec = t;
      open.peakPressure = Math.max(open.peakPressure, r.totalPressure);
    } else if (open !== undefined) {
      contacts.push(open);
      open = undefined;
    }
  }
  if (open !== undefined) contacts.push(open);
  return { kind: 'tactile', file: name, samples: csv.samples, taxels: csv.taxels, contacts, bumpsSec };
}

const stampSec = (t: Time): number => t.sec + t.nanosec * 1e-9;

async function perceiveMcap(name: string, bytes: Uint8Array): Promise<PerceiveReport> {
  const source = await McapSource.open(bytesReadable(bytes), { file: name });
  const topics = source.summary.channels.map((c) => ({ topic: c.topic, type: c.type }));
  const transport = new LocalTransport();
  const clock = new SimClock();
  const defs: NodeDefinition<ParamSpecs>[] = [lidarProcessor, audioProcessor, touchProcessor] as unknown as NodeDefinition<ParamSpecs>[];
  const nodes = defs.map((d) => new NodeRuntime(d, { transport, clock, logger: quiet }));
  const report: Extract<PerceiveReport, { kind: 'mcap' }> = { kind: 'mcap', file: name, topics, clouds: [], audioEvents: [], touchBumpsSec: [], drops: [] };
  let lastCloudTopic = '';
  const key = (t: Time): string => `${t.sec}.${t.nanosec}`;
  const sectors = new Map<string, SectorRanges>();
  const grounds = new Map<string, GroundSummary>();
  const lidar = nodes[0]!;
  transport.subscribe('/perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges', SensorDataQoS).subscribe((m) => sectors.set(key(m.header.stamp), m));
  transport.subscribe('/perception/lidar/ground', 'geometry_msgs/msg/PoseStamped', SensorDataQoS).subscribe((m: PoseStamped) => {
    const plane = poseToPlane(m.pose);
    // the node sets its ground_inliers gauge before it publishes the plane
    const inliers = Number(lidar.diagnostics.snapshot().gauges['ground_inliers'] ?? 0);
    grounds.set(key(m.header.stamp), { normal: plane.normal, offset: plane.d, inliers });
  });
  transport.subscribe('/perception/obstacles', 'vision_msgs/msg/Detection3DArray', SensorDataQoS).subscribe((m: Detection3DArray) => {
    const k = key(m.header.stamp);
    const s = sectors.get(k);
    let nearest: { distance: number; bearing: number } | null = null;
    for (const d of m.detections) {
      const p = d.results[0]?.pose.pose.position;
      if (p === undefined || d.results[0]!.hypothesis.class_id !== 'obstacle') continue;
      const dist = Math.hypot(p.x, p.y);
      if (nearest === null || dist < nearest.distance) nearest = { distance: dist, bearing: Math.atan2(p.y, p.x) };
    }
    const minSectorRange = s === undefined ? Infinity : Math.min(...s.ranges);
    // structures are published after the obstacles: their count is filled in below when it arrives
    report.clouds.push({ topic: lastCloudTopic, stampSec: stampSec(m.header.stamp), ground: grounds.get(k) ?? null, obstacles: m.detections.length, structureSegments: 0, nearest, minSectorRange });
  });
  transport.subscribe('/perception/lidar/structures', 'vision_msgs/msg/Detection3DArray', SensorDataQoS).subscribe((m: Detection3DArray) => {
    const last = report.clouds.at(-1);
    if (last !== undefined && last.stampSec === stampSec(m.header.stamp)) last.structureSegments = m.detections.length;
  });
  transport.subscribe('/perception/audio/events', 'sensorium_msgs/msg/AudioEventArray', SensorDataQoS).subscribe((m: AudioEventArray) => {
    for (const e of m.events) report.audioEvents.push({ timeSec: stampSec(e.onset), levelDb: e.level_db, bearing: Number.isNaN(e.bearing) ? null : e.bearing, confidence: e.confidence });
  });
  transport.subscribe('/perception/touch/contacts', 'sensorium_msgs/msg/TouchContacts', SensorDataQoS).subscribe((m: TouchContacts) => {
    if (m.bump) report.touchBumpsSec.push(stampSec(m.header.stamp));
  });
  for (const n of nodes) await n.configure();
  for (const n of nodes) n.activate();
  const inputs = {
    'sensor_msgs/msg/PointCloud2': transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2', SensorDataQoS),
    'audio_common_msgs/msg/AudioDataStamped': transport.advertise('/audio/audio', 'audio_common_msgs/msg/AudioDataStamped', SensorDataQoS),
    'audio_common_msgs/msg/AudioInfo': transport.advertise('/audio/info', 'audio_common_msgs/msg/AudioInfo', { durability: 'transient_local', depth: 1 }),
    'sensorium_msgs/msg/TactileArray': transport.advertise('/touch/tactile', 'sensorium_msgs/msg/TactileArray', SensorDataQoS),
  } as const;
  try {
    for await (const m of source.messages()) {
      const type = m.type;
      if (!(type in inputs)) continue;
      const t = fromLogTime(m.logTime);
      if (compareTime(t, clock.now()) > 0) clock.advanceTo(t);
      if (type === 'sensor_msgs/msg/PointCloud2') lastCloudTopic = m.topic;
      (inputs[type as keyof typeof inputs] as { publish(msg: unknown): void }).publish(m.message);
    }
  } finally {
    for (const n of nodes) {
      for (const d of n.diagnostics.snapshot().drops) report.drops.push({ node: n.name, topic: d.topic, reason: d.reason, count: d.count });
      await n.shutdown();
    }
    await transport.close();
  }
  return report;
}

function fromLogTime(ns: bigint): Time {
  return { sec: Number(ns / 1_000_000_000n), nanosec: Number(ns % 1_000_000_000n) };
}
