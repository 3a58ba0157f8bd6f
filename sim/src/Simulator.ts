import {
  fromNs,
  type AudioDataStamped,
  type AudioInfo,
  type CameraInfo,
  type ClockMsg,
  type Image,
  type Imu,
  type Odometry,
  type PointCloud2,
  type PoseStamped,
  type ScenarioStatus,
  type SceneObject,
  type TactileArray,
  type TFMessage,
  type Time,
  type TransformStamped,
  type Twist,
  type WorldState,
} from '@sensorium/core';
import type { Scenario, SensorName } from './scenario/ScenarioSchema.js';
import type { SimulatorParamValues } from './SimulatorParams.js';
import { AudioSensor, dbToAmplitude, type SoundSource } from './sensors/AudioSensor.js';
import { CameraSensor } from './sensors/CameraSensor.js';
import { decodeWav } from './sensors/decodeWav.js';
import { LidarSensor } from './sensors/LidarSensor.js';
import { FaultSchedule } from './sensors/SensorFault.js';
import { TouchSensor } from './sensors/TouchSensor.js';
import { Physics, initPhysics } from './world/Physics.js';
import { Rng } from './world/Rng.js';
import { Scorer } from './world/Scorer.js';
import { World } from './world/World.js';

/** Robot body: 0.5 × 0.4 m footprint (DESIGN defaults), 0.3 m tall, 20 kg. */
export const ROBOT = { length: 0.5, width: 0.4, height: 0.3, massKg: 20 } as const;
/** Sensor mounts on base_link (x forward, z up), metres. */
export const MOUNTS = {
  lidar: { x: 0.1, z: 0.45 },
  camera: { x: 0.22, z: 0.4 },
  mic: { x: 0, z: 0.5 },
  skin: { x: 0, z: 0 },
} as const;
const GRAVITY = 9.80665;

interface Out<M> {
  publish(message: M): void;
}

/** Where the simulator's messages go (publishers, in the node; anything with `publish` in tests). */
export interface SimulatorOutputs {
  clock: Out<ClockMsg>;
  tf: Out<TFMessage>;
  tfStatic: Out<TFMessage>;
  odom: Out<Odometry>;
  imu: Out<Imu>;
  lidar: Out<PointCloud2>;
  image: Out<Image>;
  cameraInfo: Out<CameraInfo>;
  depth: Out<Image>;
  audio: Out<AudioDataStamped>;
  audioInfo: Out<AudioInfo>;
  tactile: Out<TactileArray>;
  world: Out<WorldState>;
  status: Out<ScenarioStatus>;
  goal: Out<PoseStamped>;
}

export interface SimulatorCreateOptions {
  scenario: Scenario;
  params: SimulatorParamValues;
  outputs: SimulatorOutputs;
  /** Reads WAV files of sound sources (the node passes ctx.readResource). */
  readResource(path: string): Promise<Uint8Array>;
  /** Named counters for diagnostics (`cmd_vel_rejected`, `cmd_vel_clamped`). */
  count?(name: string): void;
}

/**
 * The simulated robot in its world: physics, drive, sensors, faults and scoring, advanced one fixed step
 * at a time by `step()`. Pure logic: it publishes through `outputs` and knows no transport or clock.
 */
export class Simulator {
  readonly world: World;
  readonly physics: Physics;
  readonly scorer: Scorer;
  readonly lidar: LidarSensor;
  readonly camera: CameraSensor;
  readonly audio: AudioSensor;
  readonly touch: TouchSensor;
  readonly seed: number;
  readonly dt: number;
  private readonly dtNs: bigint;
  private stepIndex = 0;
  private readonly faults: FaultSchedule;
  private readonly disabled: ReadonlySet<SensorName>;
  private readonly rng: { drive: Rng; imu: Rng; odom: Rng };
  /** Last command, its receipt time; wheel speeds after acceleration limits; slip state. */
  private cmd = { v: 0, omega: 0, at: -Infinity };
  private wheel = { v: 0, omega: 0 };
  private slip = 0;
  private readonly pose = { x: 0, y: 0, yaw: 0 };
  private readonly velocity = { v: 0, omega: 0 };
  private readonly prevVelocity = { v: 0, omega: 0 };
  private readonly odomPose = { x: 0, y: 0, yaw: 0 };
  private readonly audioFrom = { x: 0, y: 0, yaw: 0 };
  private readonly periods: Record<'imu' | 'odom' | 'lidar' | 'camera' | 'audio' | 'touch' | 'world' | 'status', number>;
  private readonly last: { lidar?: PointCloud2; image?: Image; depth?: Image; audio?: AudioDataStamped; tactile?: TactileArray; imu?: Imu; odom?: Odometry } = {};
  private readonly staticObjects: SceneObject[];
  private readonly contactSolids = new Int32Array(64);
  private finished = false;

  static async create(options: SimulatorCreateOptions): Promise<Simulator> {
    await initPhysics();
    const sources: SoundSource[] = [];
    const seed = options.params.seed >= 0 ? options.params.seed : options.scenario.seed;
    for (const [i, spec] of options.scenario.world.sounds.entries()) {
      const wav = spec.signal === 'wav' && spec.file !== undefined ? decodeWav(await options.readResource(spec.file), spec.file) : undefined;
      sources.push({ spec, amplitude: dbToAmplitude(spec.level_db), seed: (seed * 7919 + i * 104729) | 0, ...(wav === undefined ? {} : { wav }) });
    }
    return new Simulator(options, seed, sources);
  }

  private constructor(private readonly options: SimulatorCreateOptions, seed: number, sources: SoundSource[]) {
    const { scenario, params } = options;
    this.seed = seed;
    this.dt = params.time_step;
    this.dtNs = BigInt(Math.round(params.time_step * 1e9));
    const root = new Rng(seed);
    this.rng = { drive: root.fork('drive'), imu: root.fork('imu'), odom: root.fork('odom') };
    this.world = new World(scenario);
    const start = { x: scenario.robot.start.position[0], y: scenario.robot.start.position[1], yaw: scenario.robot.start.yaw };
    Object.assign(this.pose, start);
    Object.assign(this.audioFrom, start);
    this.physics = new Physics(this.world, start, ROBOT);
    this.scorer = new Scorer(this.world, scenario, ROBOT);
    this.faults = new FaultSchedule(scenario.faults);
    const ablate = params.ablate === 'vision' ? 'camera' : params.ablate;
    this.disabled = new Set(ablate === '' ? [] : [ablate as SensorName]);
    this.lidar = new LidarSensor(
      this.world,
      {
        channels: params.lidar_channels,
        verticalFovMinDeg: params.lidar_vfov_min,
        verticalFovMaxDeg: params.lidar_vfov_max,
        azimuthResolutionDeg: params.lidar_azimuth_resolution,
        rangeMin: params.lidar_range_min,
        rangeMax: params.lidar_range_max,
        rangeNoiseStd: params.lidar_noise,
        dropout: params.lidar_dropout,
        mountX: MOUNTS.lidar.x,
        mountZ: MOUNTS.lidar.z,
      },
      root.fork('lidar'),
    );
    this.camera = new CameraSensor(
      this.world,
      {
        width: params.camera_width,
        height: params.camera_height,
        horizontalFovDeg: params.camera_hfov,
        pitchDeg: params.camera_pitch,
        rangeMax: 50,
        noiseStd: params.camera_noise,
        depth: params.camera_depth,
        mountX: MOUNTS.camera.x,
        mountZ: MOUNTS.camera.z,
      },
      root.fork('camera'),
    );
    this.audio = new AudioSensor(
      {
        sampleRate: params.audio_sample_rate,
        chunkSec: params.audio_chunk,
        micSpacing: params.mic_spacing,
        mountX: MOUNTS.mic.x,
        mountZ: MOUNTS.mic.z,
        ambientDb: params.ambient_db,
        motorHumDb: params.motor_hum_db,
      },
      sources,
      root.fork('audio'),
    );
    this.touch = new TouchSensor({ taxels: params.touch_taxels, length: ROBOT.length + 0.02, width: ROBOT.width + 0.02, height: 0.1, noiseStd: params.touch_noise }, root.fork('touch'));
    const every = (rate: number) => Math.max(1, Math.round(1 / (rate * this.dt)));
    this.periods = {
      imu: every(params.imu_rate),
      odom: every(params.odom_rate),
      lidar: every(params.lidar_rate),
      camera: every(params.camera_rate),
      audio: every(1 / params.audio_chunk),
      touch: every(params.touch_rate),
      world: every(params.world_rate),
      status: every(params.status_rate),
    };
    this.staticObjects = this.buildStaticObjects();
  }

  /** Sim time in seconds. */
  get time(): number {
    // Integer nanoseconds divided once: 1503 steps read 15.03, not 15.030000000000001.
    return (this.stepIndex * Number(this.dtNs)) / 1e9;
  }

  get stamp(): Time {
    return fromNs(BigInt(this.stepIndex) * this.dtNs);
  }

  /** Publishes what is latched (tf_static, audio info, goal) and the first world state. Call once before stepping. */
  start(): void {
    const stamp = this.stamp;
    const mount = (child: string, x: number, z: number, rotation = { x: 0, y: 0, z: 0, w: 1 }): TransformStamped => ({
      header: { stamp, frame_id: 'base_link' },
      child_frame_id: child,
      transform: { translation: { x, y: 0, z }, rotation },
    });
    const pitch = (this.options.params.camera_pitch * Math.PI) / 180;
    // camera_link pitched down; the optical frame (z forward, x right, y down) under it, as REP-103 asks.
    const cameraRotation = { x: 0, y: Math.sin(pitch / 2), z: 0, w: Math.cos(pitch / 2) };
    this.options.outputs.tfStatic.publish({
      transforms: [
        mount('lidar_link', MOUNTS.lidar.x, MOUNTS.lidar.z),
        mount('camera_link', MOUNTS.camera.x, MOUNTS.camera.z, cameraRotation),
        { header: { stamp, frame_id: 'camera_link' }, child_frame_id: 'camera_optical_frame', transform: { translation: { x: 0, y: 0, z: 0 }, rotation: { x: -0.5, y: 0.5, z: -0.5, w: 0.5 } } },
        mount('mic_array_link', MOUNTS.mic.x, MOUNTS.mic.z),
        mount('skin_link', MOUNTS.skin.x, MOUNTS.skin.z),
      ],
    });
    if (!this.disabled.has('audio')) this.options.outputs.audioInfo.publish(this.audio.info);
    const goal = this.options.scenario.goal;
    this.options.outputs.goal.publish({ header: { stamp, frame_id: 'map' }, pose: { position: { x: goal.position[0], y: goal.position[1], z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } } });
    this.publishWorld(stamp);
    this.publishStatus(stamp);
  }

  /**
   * Takes a velocity command. Non-finite values are rejected (the robot stops) and out-of-range ones
   * clamped to the limits; both are counted, neither is ever integrated as given.
   */
  command(twist: Twist): void {
    const p = this.options.params;
    let v = twist?.linear?.x;
    let omega = twist?.angular?.z;
    if (typeof v !== 'number' || typeof omega !== 'number' || !Number.isFinite(v) || !Number.isFinite(omega)) {
      this.options.count?.('cmd_vel_rejected');
      this.cmd = { v: 0, omega: 0, at: this.time };
      return;
    }
    if (Math.abs(v) > p.max_linear || Math.abs(omega) > p.max_angular) {
      this.options.count?.('cmd_vel_clamped');
      v = Math.max(-p.max_linear, Math.min(p.max_linear, v));
      omega = Math.max(-p.max_angular, Math.min(p.max_angular, omega));
    }
    this.cmd = { v, omega, at: this.time };
  }

  /** Advances one fixed step and publishes whatever is due. */
  step(): void {
    const p = this.options.params;
    const dt = this.dt;
    // Drive: command (stop on timeout) → acceleration-limited wheel speeds → slipping ground speeds.
    const fresh = this.time - this.cmd.at <= p.cmd_timeout;
    const targetV = fresh ? this.cmd.v : 0;
    const targetW = fresh ? this.cmd.omega : 0;
    this.wheel.v += clamp(targetV - this.wheel.v, p.max_linear_accel * dt);
    this.wheel.omega += clamp(targetW - this.wheel.omega, p.max_angular_accel * dt);
    this.slip += (-this.slip * dt) / 0.5 + p.wheel_slip * Math.sqrt(2 * dt / 0.5) * this.rng.drive.gaussian();
    this.world.updateMovers(this.time + dt);
    this.physics.step(dt, this.wheel.v * (1 - this.slip), this.wheel.omega * (1 - this.slip));
    this.stepIndex++;
    const t = this.time;
    this.prevVelocity.v = this.velocity.v;
    this.prevVelocity.omega = this.velocity.omega;
    this.physics.pose(this.pose);
    this.physics.velocity(this.velocity);
    // Odometry integrates what the encoders report (wheel speeds + noise), so it drifts from the truth.
    const odomV = this.wheel.v * (1 + p.odom_noise * this.rng.odom.gaussian());
    const odomW = this.wheel.omega * (1 + p.odom_noise * this.rng.odom.gaussian());
    this.odomPose.yaw += odomW * dt;
    this.odomPose.x += odomV * Math.cos(this.odomPose.yaw) * dt;
    this.odomPose.y += odomV * Math.sin(this.odomPose.yaw) * dt;
    const contacts = this.physics.contacts;
    const n = this.physics.contactCount;
    for (let i = 0; i < n; i++) this.contactSolids[i] = contacts[i]!.solid;
    const softTouches = this.scorer.softTouches;
    this.scorer.update(t, this.pose, this.contactSolids, n);
    if (this.scorer.softTouches > softTouches) this.options.count?.('soft_touches');
    this.touch.accumulate(contacts, n, dt);

    const stamp = this.stamp;
    const out = this.options.outputs;
    const k = this.stepIndex;
    out.clock.publish({ clock: stamp });
    if (k % this.periods.imu === 0) this.emit('imu', t, () => this.imuMessage(stamp), (m) => out.imu.publish(m));
    if (k % this.periods.odom === 0) {
      this.emit('odom', t, () => this.odomMessage(stamp, odomV, odomW), (m) => out.odom.publish(m));
      out.tf.publish(this.tfMessage(stamp));
    }
    if (k % this.periods.lidar === 0) {
      this.emit(
        'lidar',
        t,
        (fault) => this.lidar.scan(this.pose, stamp, { extraNoiseStd: fault?.kind === 'noise' ? 0.15 * fault.level : 0, blind: fault?.kind === 'dark' }),
        (m) => out.lidar.publish(m),
      );
    }
    if (k % this.periods.camera === 0) {
      this.emit(
        'camera',
        t,
        (fault) => {
          const frame = this.camera.render(this.pose, stamp, { extraNoiseStd: fault?.kind === 'noise' ? 40 * fault.level : 0, dark: fault?.kind === 'dark' });
          this.last.depth = frame.depth;
          return frame.image;
        },
        (m) => {
          out.image.publish(m);
          out.cameraInfo.publish({ header: m.header, ...this.camera.info });
          if (this.last.depth !== undefined) out.depth.publish(this.last.depth);
        },
      );
    }
    if (k % this.periods.audio === 0) {
      const speed = Math.min(1, Math.abs(this.wheel.v) / p.max_linear + (0.5 * Math.abs(this.wheel.omega)) / p.max_angular);
      this.emit(
        'audio',
        t,
        (fault) => {
          // Stamped at the chunk's first sample, as audio drivers do.
          const chunkStamp = fromNs(BigInt(k - this.periods.audio) * this.dtNs);
          return this.audio.chunk(t, this.audioFrom, this.pose, speed, chunkStamp, { extraNoise: fault?.kind === 'noise' ? 0.05 * fault.level : 0, silent: fault?.kind === 'dark' });
        },
        (m) => out.audio.publish(m),
      );
      Object.assign(this.audioFrom, this.pose);
    }
    if (k % this.periods.touch === 0) {
      this.emit('touch', t, (fault) => this.touch.read(stamp, { extraNoise: fault?.kind === 'noise' ? 2 * fault.level : 0, zero: fault?.kind === 'dark' }), (m) => out.tactile.publish(m));
    }
    if (k % this.periods.world === 0) this.publishWorld(stamp);
    if (k % this.periods.status === 0) this.publishStatus(stamp);
  }

  /** Marks the run over and publishes a final status. */
  finish(): void {
    this.finished = true;
    this.publishStatus(this.stamp);
  }

  /** Frees physics and scene. Safe to call twice. */
  dispose(): void {
    this.physics.dispose();
    this.world.dispose();
  }

  /** Applies the scenario's faults and ablation to one sensor publication. */
  private emit<M>(sensor: SensorName, t: number, make: (fault: { kind: string; level: number } | undefined) => M, publish: (m: M) => void): void {
    if (this.disabled.has(sensor)) return;
    const fault = this.faults.active(sensor, t);
    const key = sensor === 'camera' ? 'image' : sensor === 'touch' ? 'tactile' : sensor;
    const store = this.last as Record<string, unknown>;
    if (fault?.kind === 'dropout') return;
    if (fault?.kind === 'freeze') {
      // A frozen driver repeats its last message, stale stamp and all.
      const stale = store[key] as M | undefined;
      if (stale !== undefined) publish(stale);
      return;
    }
    if (fault?.kind === 'dark' && (sensor === 'imu' || sensor === 'odom')) return;
    const message = make(fault);
    store[key] = message;
    publish(message);
  }

  private imuMessage(stamp: Time): Imu {
    const r = this.rng.imu;
    const dt = this.dt;
    const ax = (this.velocity.v - this.prevVelocity.v) / dt;
    const ay = this.velocity.v * this.velocity.omega;
    const q = yawQuaternion(this.pose.yaw);
    return {
      header: { stamp, frame_id: 'base_link' },
      orientation: q,
      orientation_covariance: new Float64Array([1e-4, 0, 0, 0, 1e-4, 0, 0, 0, 1e-3]),
      angular_velocity: { x: 0.002 * r.gaussian(), y: 0.002 * r.gaussian(), z: this.velocity.omega + 0.002 * r.gaussian() },
      angular_velocity_covariance: new Float64Array([4e-6, 0, 0, 0, 4e-6, 0, 0, 0, 4e-6]),
      linear_acceleration: { x: ax + 0.02 * r.gaussian(), y: ay + 0.02 * r.gaussian(), z: GRAVITY + 0.02 * r.gaussian() },
      linear_acceleration_covariance: new Float64Array([4e-4, 0, 0, 0, 4e-4, 0, 0, 0, 4e-4]),
    };
  }

  private odomMessage(stamp: Time, v: number, omega: number): Odometry {
    const cov = new Float64Array(36);
    cov[0] = cov[7] = 1e-3;
    cov[35] = 1e-3;
    cov[14] = cov[21] = cov[28] = 1e6;
    return {
      header: { stamp, frame_id: 'odom' },
      child_frame_id: 'base_link',
      pose: { pose: { position: { x: this.odomPose.x, y: this.odomPose.y, z: 0 }, orientation: yawQuaternion(this.odomPose.yaw) }, covariance: cov },
      twist: { twist: { linear: { x: v, y: 0, z: 0 }, angular: { x: 0, y: 0, z: omega } }, covariance: cov },
    };
  }

  /** map → odom (the correction a localiser would publish: truth ∘ odom⁻¹) and odom → base_link. */
  private tfMessage(stamp: Time): TFMessage {
    const o = this.odomPose;
    const yaw = this.pose.yaw - o.yaw;
    const c = Math.cos(yaw);
    const s = Math.sin(yaw);
    const tx = this.pose.x - (c * o.x - s * o.y);
    const ty = this.pose.y - (s * o.x + c * o.y);
    return {
      transforms: [
        { header: { stamp, frame_id: 'map' }, child_frame_id: 'odom', transform: { translation: { x: tx, y: ty, z: 0 }, rotation: yawQuaternion(yaw) } },
        { header: { stamp, frame_id: 'odom' }, child_frame_id: 'base_link', transform: { translation: { x: o.x, y: o.y, z: 0 }, rotation: yawQuaternion(o.yaw) } },
      ],
    };
  }

  private buildStaticObjects(): SceneObject[] {
    const objects: SceneObject[] = [];
    for (let i = 0; i < this.world.staticCount; i++) {
      const s = this.world.solids[i]!;
      objects.push({
        id: s.id,
        shape: s.kind,
        pose: { position: { x: s.x, y: s.y, z: s.height / 2 }, orientation: yawQuaternion(s.yaw) },
        size: { x: 2 * s.hx, y: 2 * s.hy, z: s.height },
        color: s.colorHex,
        material: s.material,
        polygon: new Float32Array(0),
      });
    }
    for (const z of this.world.zones) {
      objects.push({ id: z.id, shape: 'zone', pose: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } }, size: { x: 0, y: 0, z: 0 }, color: z.spec.color, material: 'default', polygon: new Float32Array(z.polygon) });
    }
    this.options.scenario.world.sounds.forEach((sound, i) => {
      objects.push({ id: sound.id ?? `sound-${i}`, shape: 'sound', pose: { position: { x: sound.position[0], y: sound.position[1], z: 1 }, orientation: { x: 0, y: 0, z: 0, w: 1 } }, size: { x: 0.2, y: 0.2, z: 0.2 }, color: '#ffcc00', material: 'default', polygon: new Float32Array(0) });
    });
    return objects;
  }

  /** Ground truth for viewers and the privileged expert: statics (shared objects), movers and the robot. */
  private publishWorld(stamp: Time): void {
    const objects = this.staticObjects.slice();
    for (const m of this.world.movers) {
      const s = m.solid;
      objects.push({
        id: s.id,
        shape: 'mover',
        pose: { position: { x: s.x, y: s.y, z: s.height / 2 }, orientation: yawQuaternion(s.yaw) },
        size: { x: 2 * s.hx, y: 2 * s.hy, z: s.height },
        color: s.colorHex,
        material: s.material,
        polygon: new Float32Array(0),
      });
    }
    objects.push({
      id: 'robot',
      shape: 'robot',
      pose: { position: { x: this.pose.x, y: this.pose.y, z: ROBOT.height / 2 }, orientation: yawQuaternion(this.pose.yaw) },
      size: { x: ROBOT.length, y: ROBOT.width, z: ROBOT.height },
      color: '#22aa44',
      material: 'default',
      polygon: new Float32Array(0),
    });
    this.options.outputs.world.publish({ header: { stamp, frame_id: 'map' }, objects });
  }

  private publishStatus(stamp: Time): void {
    const s = this.scorer.snapshot();
    this.options.outputs.status.publish({
      header: { stamp, frame_id: 'map' },
      name: this.options.scenario.name,
      state: this.finished ? 'finished' : 'running',
      sim_time: this.time,
      route_completion: s.routeCompletion,
      collisions: s.collisions,
      min_clearance: s.minClearance ?? -1,
      infractions: s.infractions,
      driving_score: s.drivingScore,
      passed: s.goalReached && s.collisions <= this.options.scenario.expect.max_collisions,
    });
  }
}

function clamp(delta: number, limit: number): number {
  return delta > limit ? limit : delta < -limit ? -limit : delta;
}

export function yawQuaternion(yaw: number): { x: number; y: number; z: number; w: number } {
  return { x: 0, y: 0, z: Math.sin(yaw / 2), w: Math.cos(yaw / 2) };
}
