import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  LocalTransport,
  loadParamsFile,
  paramsForNode,
  NodeRuntime,
  readPcd,
  readWav,
  SensorDataQoS,
  SimClock,
  wavToAudioChunks,
  type AudioEventArray,
  type Detection3DArray,
  type FeatureTokens,
  type Logger,
  type PoseStamped,
  type SectorRanges,
  type TouchContacts,
  PointFieldType,
  seededRandom,
} from '@sensorium/core';
import { describe, expect, it } from 'vitest';
import { audioProcessor, cameraEncoder, lidarProcessor, perceptionNodes, poseToPlane, touchProcessor } from '../src/index.js';

const REAL = path.resolve(import.meta.dirname, '../../..', '../shared/data/real');
const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function collect<T>(transport: LocalTransport, topic: string, type: Parameters<LocalTransport['subscribe']>[1]): T[] {
  const out: T[] = [];
  // the nodes publish with SensorDataQoS (best effort): a reliable subscription would not match
  transport.subscribe(topic, type, SensorDataQoS).subscribe((m) => out.push(m as T));
  return out;
}

describe('perception nodes', () => {
  it('exports the five nodes by exec name', () => {
    expect(perceptionNodes.map((n) => n.exec)).toEqual(['lidar_processor', 'camera_encoder', 'audio_processor', 'touch_processor', 'floor_marking_detector']);
  });

  it('lidar_processor: obstacles + sectors with the cloud stamp, tokens only while the gate enables the encoder, bad clouds counted', async () => {
    const transport = new LocalTransport();
    const clock = new SimClock();
    const node = new NodeRuntime(lidarProcessor, { transport, clock, logger: quiet });
    const obstacles = collect<Detection3DArray>(transport, '/perception/obstacles', 'vision_msgs/msg/Detection3DArray');
    const sectors = collect<SectorRanges>(transport, '/perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges');
    const tokens = collect<FeatureTokens>(transport, '/perception/lidar/tokens', 'sensorium_msgs/msg/FeatureTokens');
    const structures = collect<Detection3DArray>(transport, '/perception/lidar/structures', 'vision_msgs/msg/Detection3DArray');
    await node.configure();
    node.activate();
    const points = transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2');
    const gating = transport.advertise('/fusion/gating', 'sensorium_msgs/msg/ModalityWeights');
    const { cloud } = readPcd(fs.readFileSync(path.join(REAL, 'pcd/velodyne_vlp16.pcd')), { frameId: 'lidar_link', stamp: { sec: 5, nanosec: 0 } });
    points.publish(cloud);
    expect(obstacles).toHaveLength(1);
    expect(sectors[0]!.header.stamp).toEqual({ sec: 5, nanosec: 0 });
    expect(obstacles[0]!.header.stamp).toEqual(sectors[0]!.header.stamp);
    expect(obstacles[0]!.detections.length).toBeGreaterThan(0);
    expect(sectors[0]!.ranges).toHaveLength(36);
    // the room's walls: one detection of class structure on perception/obstacles (7 × 14 m), and in
    // segments of at most 1 m (+ a voxel) on perception/lidar/structures, same stamp
    const outline = obstacles[0]!.detections.filter((d) => d.results[0]!.hypothesis.class_id === 'structure');
    expect(outline.some((d) => d.bbox.size.y > 10)).toBe(true);
    expect(obstacles[0]!.detections.some((d) => d.results[0]!.hypothesis.class_id === 'obstacle')).toBe(true);
    expect(structures).toHaveLength(1);
    expect(structures[0]!.header.stamp).toEqual(sectors[0]!.header.stamp);
    expect(structures[0]!.detections.length).toBeGreaterThan(20);
    for (const d of structures[0]!.detections) {
      expect(d.results[0]!.hypothesis.class_id).toBe('structure');
      expect(Math.max(d.bbox.size.x, d.bbox.size.y)).toBeLessThanOrEqual(1.1);
    }
    expect(tokens).toHaveLength(0); // off by default
    const weights = { header: { stamp: { sec: 5, nanosec: 0 }, frame_id: '' }, modalities: ['vision', 'lidar'], weights: Float32Array.of(0.5, 0.5), stale: [false, false] };
    gating.publish({ ...weights, active_modules: ['gating_network', 'lidar_point_encoder'] });
    // the encoder loads asynchronously the first time it is switched on
    for (let i = 0; i < 50 && tokens.length === 0; i++) {
      await new Promise((r) => setImmediate(r));
      points.publish(cloud);
    }
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens[0]!.count).toBe(16);
    expect(tokens[0]!.dim).toBe(64);
    expect(tokens[0]!.data).toHaveLength(16 * 64);
    gating.publish({ ...weights, active_modules: ['gating_network'] });
    const before = tokens.length;
    points.publish(cloud);
    expect(tokens.length).toBe(before);
    // bad input: missing z, all-NaN, zero points → dropped or empty, node keeps running
    points.publish({ ...cloud, fields: cloud.fields.filter((f) => f.name !== 'z') });
    points.publish({ ...cloud, width: 0, height: 0, data: new Uint8Array(0) });
    points.publish({ ...cloud, data: new Uint8Array(new Float32Array(cloud.data.byteLength / 4).fill(NaN).buffer) });
    points.publish(cloud);
    const snap = node.diagnostics.snapshot();
    expect(snap.drops.find((d) => d.reason === 'VALIDATION_ERROR')?.count).toBe(1);
    expect(obstacles.at(-1)!.detections.length).toBeGreaterThan(0);
    expect(obstacles.at(-2)!.detections).toEqual([]); // the all-NaN cloud
    await node.shutdown();
  });

  it('lidar_processor with ground_imu_prior: a floor tilted 14° (outside the 10° cone around z) is found around gravity from imu/data', async () => {
    // robot on a 14° ramp: gravity (and the floor normal) is 14° off the cloud's z, about x
    const t = (14 * Math.PI) / 180;
    const up = [0, -Math.sin(t), Math.cos(t)] as const;
    const rng = seededRandom(4);
    const pts: number[] = [];
    for (let i = 0; i < 6000; i++) {
      const x = (rng() - 0.5) * 10, y = (rng() - 0.5) * 10;
      pts.push(x, y, (-0.5 - up[1] * y) / up[2]); // up · p = -0.5
    }
    for (let i = 0; i < 600; i++) pts.push(3 + rng() * 0.3, rng() * 0.3, (-0.5 - up[1] * 0.15) / up[2] + rng() * 0.5);
    const data = new Uint8Array(Float32Array.from(pts).buffer);
    const cloud = {
      header: { stamp: { sec: 1, nanosec: 0 }, frame_id: 'lidar_link' },
      height: 1,
      width: pts.length / 3,
      fields: ['x', 'y', 'z'].map((name, k) => ({ name, offset: k * 4, datatype: PointFieldType.FLOAT32, count: 1 })),
      is_bigendian: false,
      point_step: 12,
      row_step: pts.length * 4,
      data,
      is_dense: true,
    };
    const angleToUp = async (params: Record<string, unknown>, imu: boolean): Promise<number | undefined> => {
      const transport = new LocalTransport();
      const node = new NodeRuntime(lidarProcessor, { transport, clock: new SimClock(), logger: quiet, params: [{ values: params }] });
      const ground = collect<PoseStamped>(transport, '/perception/lidar/ground', 'geometry_msgs/msg/PoseStamped');
      await node.configure();
      node.activate();
      if (imu) {
        const pub = transport.advertise('/imu/data', 'sensor_msgs/msg/Imu');
        for (let k = 0; k < 20; k++) {
          const a = { x: 0, y: 9.81 * up[1] + (rng() - 0.5) * 0.2, z: 9.81 * up[2] + (rng() - 0.5) * 0.2 };
          pub.publish({ header: { stamp: { sec: 0, nanosec: k * 10_000_000 }, frame_id: 'imu_link' }, orientation: { x: 0, y: 0, z: 0, w: 1 }, orientation_covariance: new Float64Array(9), angular_velocity: { x: 0, y: 0, z: 0 }, angular_velocity_covariance: new Float64Array(9), linear_acceleration: a, linear_acceleration_covariance: new Float64Array(9) });
        }
      }
      transport.advertise('/lidar/points', 'sensor_msgs/msg/PointCloud2').publish(cloud);
      await node.shutdown();
      const g = ground.at(-1);
      if (g === undefined) return undefined;
      const n = poseToPlane(g.pose).normal;
      return (Math.acos(Math.min(1, n[0] * up[0] + n[1] * up[1] + n[2] * up[2])) * 180) / Math.PI;
    };
    const withPrior = await angleToUp({ ground_imu_prior: true }, true);
    expect(withPrior).toBeLessThan(1);
    // without the prior the 10° cone around z cannot hold the floor: some other plane or none
    const without = await angleToUp({}, true);
    expect(without === undefined || without > 3).toBe(true);
  });

  it('camera_encoder: tokens and obstacle-ahead score per image; bad images counted', async () => {
    const transport = new LocalTransport();
    const node = new NodeRuntime(cameraEncoder, { transport, clock: new SimClock(), logger: quiet, params: [{ values: { image_size: 64, width: 32, depth: 1, heads: 2 } }] });
    const tokens = collect<FeatureTokens>(transport, '/perception/vision/tokens', 'sensorium_msgs/msg/FeatureTokens');
    const score = collect<FeatureTokens>(transport, '/perception/vision/obstacle_ahead', 'sensorium_msgs/msg/FeatureTokens');
    await node.configure();
    node.activate();
    const images = transport.advertise('/camera/image_raw', 'sensor_msgs/msg/Image');
    const header = { stamp: { sec: 1, nanosec: 0 }, frame_id: 'camera_link' };
    images.publish({ header, width: 80, height: 60, encoding: 'rgb8', is_bigendian: 0, step: 240, data: new Uint8Array(80 * 60 * 3).fill(128) });
    images.publish({ header, width: 0, height: 60, encoding: 'rgb8', is_bigendian: 0, step: 0, data: new Uint8Array(0) });
    images.publish({ header, width: 80, height: 60, encoding: 'yuv999', is_bigendian: 0, step: 240, data: new Uint8Array(80 * 60 * 3) });
    images.publish({ header, width: 80, height: 60, encoding: 'mono8', is_bigendian: 0, step: 80, data: new Uint8Array(80 * 60) });
    expect(tokens).toHaveLength(2);
    expect(tokens[0]!.count).toBe(4);
    expect(tokens[0]!.dim).toBe(64);
    expect(score[0]!.data[0]).toBeGreaterThanOrEqual(0);
    expect(node.diagnostics.snapshot().drops.find((d) => d.reason === 'VALIDATION_ERROR')?.count).toBe(2);
    await node.shutdown();
  });

  it('audio_processor: speech WAV chunks → events and tokens; odd byte counts counted', async () => {
    const transport = new LocalTransport();
    const node = new NodeRuntime(audioProcessor, { transport, clock: new SimClock(), logger: quiet });
    const events = collect<AudioEventArray>(transport, '/perception/audio/events', 'sensorium_msgs/msg/AudioEventArray');
    const tokens = collect<FeatureTokens>(transport, '/perception/audio/tokens', 'sensorium_msgs/msg/FeatureTokens');
    await node.configure();
    node.activate();
    const wav = readWav(fs.readFileSync(path.join(REAL, 'audio/speech_16k_mono.wav')));
    const info = transport.advertise('/audio/info', 'audio_common_msgs/msg/AudioInfo', { durability: 'transient_local', depth: 1 });
    info.publish(wav.info);
    const audio = transport.advertise('/audio/audio', 'audio_common_msgs/msg/AudioDataStamped');
    const chunks = wavToAudioChunks(wav, { startStamp: { sec: 100, nanosec: 0 } });
    for (const c of chunks) audio.publish(c);
    audio.publish({ header: chunks[0]!.header, audio: { data: new Uint8Array(3) } });
    expect(events).toHaveLength(chunks.length);
    // an unsupported sample format on audio/info: counted, the last good format stays in use
    info.publish({ ...wav.info, sample_format: 'S16BE' });
    audio.publish(chunks[0]!);
    expect(events).toHaveLength(chunks.length + 1);
    const onsets = events.flatMap((e) => e.events.map((x) => x.onset.sec + x.onset.nanosec * 1e-9 - 100));
    expect(onsets.some((t) => Math.abs(t - 3.29) < 0.06)).toBe(true);
    expect(tokens[0]!.dim).toBe(32);
    const drops = node.diagnostics.snapshot().drops.filter((d) => d.reason === 'VALIDATION_ERROR');
    expect(drops.find((d) => d.topic.endsWith('audio/audio'))?.count).toBe(1);
    expect(drops.find((d) => d.topic.endsWith('audio/info'))?.count).toBe(1);
    await node.shutdown();
  });

  it('touch_processor: contact and bump in the same message', async () => {
    const transport = new LocalTransport();
    const node = new NodeRuntime(touchProcessor, { transport, clock: new SimClock(), logger: quiet, params: [{ values: { baseline_tau_sec: 0 } }] });
    const contacts = collect<TouchContacts>(transport, '/perception/touch/contacts', 'sensorium_msgs/msg/TouchContacts');
    await node.configure();
    node.activate();
    const tactile = transport.advertise('/touch/tactile', 'sensorium_msgs/msg/TactileArray');
    const positions = Float32Array.of(0.3, 0, 0, 0, 0.3, 0);
    const msg = (sec: number, p: number[]) => ({ header: { stamp: { sec, nanosec: 0 }, frame_id: 'skin_link' }, pressures: Float32Array.from(p), positions, normals: new Float32Array(6) });
    tactile.publish(msg(1, [0, 0]));
    tactile.publish(msg(2, [2, 0]));
    tactile.publish({ ...msg(3, [1, 1]), positions: new Float32Array(5) });
    expect(contacts).toHaveLength(2);
    expect(contacts[1]!.bump).toBe(true);
    expect(Array.from(contacts[1]!.taxels)).toEqual([0]);
    expect(contacts[1]!.bearing).toBeCloseTo(0);
    expect(node.diagnostics.snapshot().drops.find((d) => d.reason === 'VALIDATION_ERROR')?.count).toBe(1);
    await node.shutdown();
  });
});

describe('launch/params/audio_processor.yaml', () => {
  it('validates against the node and holds the simulator array (0.1 m square)', () => {
    const file = loadParamsFile(path.resolve(import.meta.dirname, '../../../launch/params/audio_processor.yaml'));
    const values = paramsForNode(file, '/audio_processor');
    const node = new NodeRuntime(audioProcessor, { transport: new LocalTransport(), clock: new SimClock(), logger: quiet, params: [{ values, file: 'audio_processor.yaml' }] });
    expect(node.params.mic_positions).toEqual([0.05, 0.05, -0.05, 0.05, -0.05, -0.05, 0.05, -0.05]);
    expect(node.params.default_channels).toBe(4);
  });
});
