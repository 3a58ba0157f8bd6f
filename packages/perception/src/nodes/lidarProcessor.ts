import { Subscription } from 'rxjs';
import {
  bool,
  defineNode,
  double,
  doubleArray,
  integer,
  mapSafe,
  SensorDataQoS,
  string,
  type Detection3D,
  type Detection3DArray,
  type Header,
  type Pose,
} from '@sensorium/core';
import { inferenceParams, initBackend, nodeSessionOptions, openModelSession, type InferenceSession } from '@sensorium/ml';
import { extractXyz } from '../pointcloud/extractXyz.js';
import { GravityEstimate } from '../pointcloud/GravityEstimate.js';
import type { Plane } from '../pointcloud/fitPlane.js';
import type { Obstacle } from '../pointcloud/Obstacle.js';
import { PointCloudPipeline } from '../pointcloud/PointCloudPipeline.js';
import { PointEncoder } from '../pointcloud/PointEncoder.js';
import { loadModelInto } from './loadModelInto.js';

/** Name of the point encoder in ModalityWeights.active_modules (the fusion gate switches it). */
export const LIDAR_POINT_ENCODER_MODULE = 'lidar_point_encoder';

const deg = Math.PI / 180;

/**
 * `lidar_processor`: PointCloud2 (any layout) → obstacles (vision_msgs/Detection3DArray) and sector ranges
 * (always), and PointNet tokens only while `fusion/gating` lists `lidar_point_encoder` in active_modules.
 */
export const lidarProcessor = defineNode({
  exec: 'lidar_processor',
  description: 'Point-cloud pipeline: crop, voxel grid, RANSAC ground, Euclidean clusters → obstacles, sector ranges; gated PointNet tokens',
  parameters: {
    crop_min: doubleArray([-20, -20, -3], { length: 3, description: 'crop box minimum corner in the cloud frame, m' }),
    crop_max: doubleArray([20, 20, 3], { length: 3, description: 'crop box maximum corner in the cloud frame, m' }),
    min_range: double(0.3, { min: 0, max: 10, description: 'points closer than this are dropped (no-return zeros, self-hits), m' }),
    voxel_size: double(0.1, { min: 0.005, max: 2, description: 'voxel grid leaf size, m' }),
    ground_distance: double(0.15, { min: 0.005, max: 1, description: 'RANSAC inlier distance to the ground plane, m' }),
    ground_iterations: integer(100, { min: 1, max: 10_000, description: 'RANSAC iterations' }),
    ground_max_angle_deg: double(10, { min: 0, max: 90, description: 'max angle between ground normal and the frame z axis, deg' }),
    ground_strategy: string('lowest', { choices: ['lowest', 'largest'] as const, description: 'lowest = the lowest well-supported surface (a floor seen between clutter); largest = the best-supported plane (plain RANSAC)' }),
    ground_imu_prior: bool(false, { description: 'take the ground normal constraint around gravity from imu/data (low-passed) instead of the cloud frame z axis' }),
    imu_rotation: doubleArray([0, 0, 0, 1], { length: 4, description: 'rotation (x y z w) taking imu/data vectors into the cloud frame (identity: same axes)' }),
    ground_max_range: double(10, { min: 0.5, max: 1000, description: 'only points within this horizontal range fit the ground, m' }),
    cluster_tolerance: double(0.35, { min: 0.01, max: 5, description: 'Euclidean cluster distance, m' }),
    cluster_min_points: integer(3, { min: 1, max: 1_000_000, description: 'smallest cluster kept (voxels)' }),
    cluster_max_points: integer(50_000, { min: 1, max: 10_000_000, description: 'largest cluster kept (voxels)' }),
    max_obstacle_size: double(3, { min: 0.1, max: 100, description: 'a cluster with a horizontal box side over this, or around the sensor, is a structure (walls), m' }),
    structure_segment: double(1, { min: 0.1, max: 20, description: 'structures are published on perception/lidar/structures in segments this size across, m' }),
    sectors: integer(36, { min: 4, max: 3600, description: 'sector count of perception/lidar/sectors (sector 0 centred ahead)' }),
    sector_range_max: double(20, { min: 0.5, max: 1000, description: 'ignore points beyond this horizontal range in sectors, m' }),
    seed: integer(1, { min: 0, max: 2 ** 31 - 1, description: 'RANSAC seed (same cloud, same answer)' }),
    point_encoder_model: string('', { description: 'model.json of the point encoder weights; empty = seeded initial weights' }),
    point_encoder_always_on: bool(false, { description: 'run the point encoder without waiting for the gate (testing)' }),
    // backend, inference_threads, precision, onnx_model: the point encoder's (see @sensorium/ml inferenceParams)
    ...inferenceParams,
  },
  inputs: [
    { topic: 'lidar/points', type: 'sensor_msgs/msg/PointCloud2', qos: 'sensor' },
    { topic: 'fusion/gating', type: 'sensorium_msgs/msg/ModalityWeights', qos: 'default', description: 'switches the point encoder' },
    { topic: 'imu/data', type: 'sensor_msgs/msg/Imu', qos: 'sensor', description: 'gravity as the ground prior (ground_imu_prior)' },
  ],
  outputs: [
    { topic: 'perception/obstacles', type: 'vision_msgs/msg/Detection3DArray', qos: 'sensor' },
    { topic: 'perception/lidar/sectors', type: 'sensorium_msgs/msg/SectorRanges', qos: 'sensor' },
    { topic: 'perception/lidar/ground', type: 'geometry_msgs/msg/PoseStamped', qos: 'sensor', description: 'ground plane: position = foot of the sensor origin on it, orientation takes +z to the normal (only when one is found)' },
    { topic: 'perception/lidar/structures', type: 'vision_msgs/msg/Detection3DArray', qos: 'sensor', description: 'walls and other structures in segments (class_id structure)' },
    { topic: 'perception/lidar/tokens', type: 'sensorium_msgs/msg/FeatureTokens', qos: 'sensor' },
  ],
  async configure(ctx) {
    const p = ctx.params;
    const pipeline = new PointCloudPipeline({
      crop: { min: p.crop_min as [number, number, number], max: p.crop_max as [number, number, number] },
      minRange: p.min_range,
      voxelSize: p.voxel_size,
      ground: { distanceThreshold: p.ground_distance, maxIterations: p.ground_iterations, maxAngleRad: p.ground_max_angle_deg * deg, maxRange: p.ground_max_range, seed: p.seed, strategy: p.ground_strategy as 'lowest' | 'largest' },
      cluster: { tolerance: p.cluster_tolerance, minPoints: p.cluster_min_points, maxPoints: p.cluster_max_points },
      sectors: { count: p.sectors, rangeMax: p.sector_range_max },
      structures: { maxObstacleSize: p.max_obstacle_size, segment: p.structure_segment },
    });
    // The encoder (and its inference session) are set up at configure, though the gate keeps it off most of
    // the time: its tokens must be there the moment an obstacle onset switches it on, and a load finishing
    // whenever the event loop turns made simulation runs depend on wall-clock timing (two runs of one
    // scenario drove apart). A load failure is logged and counted; tokens stay off.
    interface LoadedEncoder {
      encoder: PointEncoder;
      session: InferenceSession;
    }
    let encoder: LoadedEncoder | undefined;
    let encoderLoading: Promise<LoadedEncoder> | undefined;
    const getEncoder = (): LoadedEncoder | undefined => {
      if (encoder !== undefined) return encoder;
      encoderLoading ??= (async () => {
        // the weights live in tfjs variables (the training format) whichever backend runs them
        await initBackend({ log: (m) => ctx.log.info(m) });
        const e = new PointEncoder();
        try {
          if (p.point_encoder_model !== '') await loadModelInto(e, p.point_encoder_model, (path) => ctx.readResource(path));
          const session = await openModelSession(e.nodeModel(), nodeSessionOptions(ctx));
          ctx.diagnostics.gauge('inference_backend', session.backend);
          encoder = { encoder: e, session };
          return encoder;
        } catch (error) {
          e.dispose();
          throw error;
        }
      })();
      encoderLoading.catch((error: unknown) => {
        ctx.log.error('point encoder failed to load; tokens stay off', { error: String(error) });
        ctx.diagnostics.count('point_encoder_load_failures');
      });
      return undefined;
    };
    let encoderActive = p.point_encoder_always_on;
    getEncoder();
    await encoderLoading?.catch(() => undefined);
    let buffer: Float32Array = new Float32Array(0);
    const gravity = new GravityEstimate();
    const imuRotation = p.imu_rotation as [number, number, number, number];
    return {
      activate() {
        const obstacles = ctx.advertise('perception/obstacles', 'vision_msgs/msg/Detection3DArray', SensorDataQoS);
        const sectors = ctx.advertise('perception/lidar/sectors', 'sensorium_msgs/msg/SectorRanges', SensorDataQoS);
        const structures = ctx.advertise('perception/lidar/structures', 'vision_msgs/msg/Detection3DArray', SensorDataQoS);
        const groundOut = ctx.advertise('perception/lidar/ground', 'geometry_msgs/msg/PoseStamped', SensorDataQoS);
        const tokens = ctx.advertise('perception/lidar/tokens', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS);
        const sub = new Subscription();
        if (p.ground_imu_prior) {
          let last: number | undefined;
          sub.add(
            ctx
              .subscribe('imu/data', 'sensor_msgs/msg/Imu', SensorDataQoS)
              .pipe(
                mapSafe(ctx, 'imu/data', (imu) => {
                  const t = imu.header.stamp.sec + imu.header.stamp.nanosec * 1e-9;
                  const a = imu.linear_acceleration;
                  if (!gravity.add(a.x, a.y, a.z, last === undefined ? 0 : t - last)) ctx.diagnostics.count('imu_samples_not_gravity');
                  last = t;
                }),
              )
              .subscribe(),
          );
        }
        sub.add(
          ctx
            .subscribe('fusion/gating', 'sensorium_msgs/msg/ModalityWeights')
            .subscribe((w) => {
              const on = p.point_encoder_always_on || w.active_modules.includes(LIDAR_POINT_ENCODER_MODULE);
              if (on !== encoderActive) ctx.log.info(`point encoder ${on ? 'on' : 'off'} (fusion/gating)`);
              encoderActive = on;
              ctx.diagnostics.gauge('point_encoder_active', on ? 1 : 0);
              if (on) getEncoder();
            }),
        );
        sub.add(
          ctx
            .subscribe('lidar/points', 'sensor_msgs/msg/PointCloud2', SensorDataQoS)
            .pipe(
              mapSafe(ctx, 'lidar/points', (cloud) => {
                const t0 = performance.now();
                const { xyz, count } = extractXyz(cloud, buffer, { topic: ctx.resolve('lidar/points') });
                buffer = xyz;
                if (p.ground_imu_prior) pipeline.setGroundAxis(gravity.up(imuRotation));
                const result = pipeline.process(xyz, count);
                const header: Header = { stamp: cloud.header.stamp, frame_id: cloud.header.frame_id };
                const n = result.sectorRanges.length;
                ctx.diagnostics.gauge('ground_inliers', result.ground?.inliers ?? 0);
                if (result.ground !== undefined) groundOut.publish({ header, pose: planeToPose(result.ground) });
                // same stamp on both: the fusion node pairs them with approximateTimeSync
                sectors.publish({ header, angle_min: -Math.PI / n, angle_increment: (2 * Math.PI) / n, ranges: result.sectorRanges.slice() });
                obstacles.publish(toDetections(header, result.obstacles));
                structures.publish(toDetections(header, result.structures));
                ctx.diagnostics.stage('pointcloud_pipeline', performance.now() - t0, cloud.header.stamp);
                ctx.diagnostics.gauge('obstacles', result.obstacles.length);
                ctx.diagnostics.gauge('structure_segments', result.structures.length);
                ctx.diagnostics.gauge('ground_strategy', pipeline.groundStrategy);
                if (encoderActive && encoder !== undefined) {
                  const t1 = performance.now();
                  const data = encoder.encoder.encodeWith(encoder.session, result.voxelXyz, result.voxels, result.groundMask);
                  const c = encoder.encoder.config;
                  tokens.publish({ header, modality: 'lidar', count: c.groups, dim: c.tokenDim, data });
                  ctx.diagnostics.stage('point_encoder', performance.now() - t1, cloud.header.stamp);
                }
              }),
            )
            .subscribe(),
        );
        return sub;
      },
      async shutdown() {
        // an encoder still loading is disposed when it arrives
        const pending = encoderLoading;
        encoderLoading = undefined;
        const release = async (e: LoadedEncoder | undefined): Promise<void> => {
          if (e === undefined) return;
          await e.session.dispose();
          e.encoder.dispose();
        };
        const loaded = encoder;
        encoder = undefined;
        await release(loaded);
        if (pending !== undefined) {
          const late = await pending.catch(() => undefined);
          if (late !== loaded) await release(late);
        }
      },
    };
  },
});

/**
 * A plane as a pose: position = the point of the plane nearest the frame origin (−d·n), orientation = the
 * shortest rotation taking +z to the normal (so the pose's z axis is the plane's "up").
 */
export function planeToPose(plane: Plane): Pose {
  const [nx, ny, nz] = plane.normal;
  const w = 1 + nz;
  // z × n = (−ny, nx, 0); a normal pointing straight down (w = 0) is a half turn about x
  const q = w < 1e-9 ? { x: 1, y: 0, z: 0, w: 0 } : { x: -ny, y: nx, z: 0, w };
  const l = Math.hypot(q.x, q.y, q.z, q.w);
  return {
    position: { x: -plane.d * nx, y: -plane.d * ny, z: -plane.d * nz },
    orientation: { x: q.x / l, y: q.y / l, z: q.z / l, w: q.w / l },
  };
}

/** Inverse of {@link planeToPose}. */
export function poseToPlane(pose: Pose): Plane {
  const { x, y, z, w } = pose.orientation;
  const normal: [number, number, number] = [2 * (x * z + w * y), 2 * (y * z - w * x), 1 - 2 * (x * x + y * y)];
  const p = pose.position;
  return { normal, d: -(normal[0] * p.x + normal[1] * p.y + normal[2] * p.z) };
}

/**
 * Obstacles as vision_msgs: bbox centre/size, one hypothesis whose class_id is the kind (`obstacle` or
 * `structure`) and whose pose is the cluster's nearest point.
 */
export function toDetections(header: Header, obstacles: readonly Obstacle[]): Detection3DArray {
  const identity = { x: 0, y: 0, z: 0, w: 1 };
  const covariance = new Float64Array(36);
  const detections: Detection3D[] = obstacles.map((o, i) => ({
    header,
    id: String(i),
    bbox: { center: { position: { x: o.center[0], y: o.center[1], z: o.center[2] }, orientation: identity }, size: { x: o.size[0], y: o.size[1], z: o.size[2] } },
    results: [
      {
        hypothesis: { class_id: o.kind, score: 1 },
        pose: { pose: { position: { x: o.nearestPoint[0], y: o.nearestPoint[1], z: o.nearestPoint[2] }, orientation: identity }, covariance },
      },
    ],
  }));
  return { header, detections };
}
