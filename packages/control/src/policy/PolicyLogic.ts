import type { Detection3DArray, FusedPercept, Odometry, PoseStamped, TFMessage } from '@sensorium/core';
import { policyFeatureDim, writePolicyFeatures, type PolicyPercept } from '@sensorium/fusion';
import { MapToOdom } from '../MapToOdom.js';
import { detectionsToBoxes } from '../safety/detectionsToBoxes.js';
import type { ObstacleBox } from '../safety/SafetySupervisor.js';
import { yawOf } from './yawOf.js';

/** What the policy node runs per percept: the fusion package's PolicyHead, or any stand-in in tests. */
export interface PolicyActor {
  act(features: Float32Array): { linear: number; angular: number };
}

export interface PolicyOptions {
  /** Map bounds `[xmin, ymin, xmax, ymax]` in the goal's frame; goals outside are rejected. Empty = unbounded. */
  mapBounds: readonly number[];
  /** A goal closer than this to a perceived obstacle box (m, box inflated by it) is rejected. */
  obstacleMargin: number;
  /** Within this distance of the goal the policy commands zero (m). */
  goalTolerance: number;
  /** A percept or pose older than this (s of clock time since arrival) → zero command. */
  staleTimeout: number;
  /** x of the LiDAR in base_link (obstacles arrive in lidar_link), m. */
  lidarOffsetX: number;
  /** Embedding width of the percepts the head was trained on. */
  embeddingDim: number;
  /**
   * `filtered`: the obstacle summary fed to the head (nearest surface distance, bearing, count) is recomputed
   * from perception/obstacles without wall clusters (boxes over `maxObstacleSize` or around the robot),
   * measured from a `robotRadius` body — what the head was trained on. `percept`: the FusedPercept's as-is.
   */
  obstacleSummary: 'filtered' | 'percept';
  /**
   * Speed cap near the goal, 1/s: |linear| ≤ approachGain × goal distance. The head was trained to drive at
   * cruise speed; at 1 m/s its 0.5 m turning circle orbits a goal it overshoots instead of settling on it.
   */
  approachGain: number;
  maxObstacleSize: number;
  robotRadius: number;
  /**
   * A planner's carrot (odom) younger than this (s of clock time) is what the head steers to instead of the
   * goal itself; the goal still decides when the robot has arrived. Default 1 s.
   */
  carrotTimeout?: number;
  /**
   * When the target (carrot or goal) is more than this off the heading (rad), the robot turns in place
   * (linear 0, yaw rate at least `rotateSpeed` towards it) instead of driving on: the head, trained to cruise,
   * otherwise pushes forward into whatever the planner is routing it away from. Default π/3.
   */
  rotateThreshold?: number;
  rotateSpeed?: number;
  /**
   * A turn in place lasts until the target is within this of the heading (rad; default = rotateThreshold, i.e.
   * no hysteresis): with it, the robot turns until it faces the target instead of flipping between turning
   * and the head's forward command at the threshold.
   */
  rotateExit?: number;
  /**
   * Yaw rate added per radian of target bearing (1/s; default 0): the head steers to its target sluggishly
   * (trained on far goals, it cuts a 1.5 m carrot's corners and orbits the final goal); this term makes it
   * follow the plan. The head still sets the speed and its own steering on top.
   */
  headingGain?: number;
  /**
   * Scale of the head's linear command (default 1). The head imitates an expert capped at 0.8 m/s and
   * regresses towards its mean (~0.6 m/s cruising); the base takes 1.0 m/s and the supervisor's TTC limits
   * still apply.
   */
  speedScale?: number;
}

export interface PolicyCommand {
  linear: number;
  angular: number;
  /** Why the command is zero, or `driving`. */
  state: 'driving' | 'no_goal' | 'goal_reached' | 'stale_percept' | 'no_pose';
}

/** Planar pose of base_link in the goal's frame. */
interface Pose2 {
  x: number;
  y: number;
  yaw: number;
}

/**
 * The policy node's logic, without transport: tracks the goal, the robot pose (odom composed with the
 * newest map→odom from tf) and perceived obstacles, and turns each FusedPercept into a command through the
 * learned head. Every zero it commands says why.
 */
export class PolicyLogic {
  readonly options: PolicyOptions;
  private goal: { frame: string; x: number; y: number } | undefined;
  private readonly odomPose: Pose2 = { x: 0, y: 0, yaw: 0 };
  private odomTime = -Infinity;
  private readonly mapToOdom = new MapToOdom();
  private perceptTime = -Infinity;
  private readonly features: Float32Array;
  private readonly goalInBase = { x: 0, y: 0 };
  private goalDistance = 0;
  private readonly carrotOdom = { x: 0, y: 0 };
  private carrotTime = -Infinity;
  private readonly command: PolicyCommand = { linear: 0, angular: 0, state: 'no_goal' };
  private summaryTime = -Infinity;
  private rotating = false;
  private readonly summary = { nearest: Infinity, bearing: 0, count: 0 };
  private readonly featurePercept: PolicyPercept = {
    embedding: new Float32Array(0),
    weights: new Float32Array(0),
    nearest_obstacle_distance: Infinity,
    nearest_obstacle_bearing: 0,
    obstacle_ahead_score: 0,
    obstacle_count: 0,
    contact: false,
  };
  /** Perceived obstacle boxes in the odom frame (centre, half extents), for rejecting goals inside them. */
  private readonly obstacles: { x: number; y: number; hx: number; hy: number }[] = [];
  private readonly filteredBoxes: ObstacleBox[] = [];

  constructor(
    private readonly actor: PolicyActor,
    options: PolicyOptions,
  ) {
    this.options = options;
    this.features = new Float32Array(policyFeatureDim(options.embeddingDim));
  }

  /** Sets the goal. Returns a rejection message (and keeps no goal) when it is outside the map or inside an obstacle. */
  setGoal(msg: PoseStamped): string | undefined {
    const { x, y } = msg.pose.position;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      this.goal = undefined;
      return `goal (${x}, ${y}) is not finite`;
    }
    const b = this.options.mapBounds;
    if (b.length === 4 && (x < b[0]! || y < b[1]! || x > b[2]! || y > b[3]!)) {
      this.goal = undefined;
      return `goal (${x.toFixed(2)}, ${y.toFixed(2)}) in ${msg.header.frame_id} is outside the map [${b.join(', ')}]`;
    }
    const frame = msg.header.frame_id === '' ? 'map' : msg.header.frame_id;
    const inOdom = this.toOdom(frame, x, y);
    const m = this.options.obstacleMargin;
    for (const o of this.obstacles) {
      if (Math.abs(inOdom.x - o.x) <= o.hx + m && Math.abs(inOdom.y - o.y) <= o.hy + m) {
        this.goal = undefined;
        return `goal (${x.toFixed(2)}, ${y.toFixed(2)}) in ${frame} is inside a perceived obstacle at (${o.x.toFixed(2)}, ${o.y.toFixed(2)}) odom`;
      }
    }
    this.goal = { frame, x, y };
    return undefined;
  }

  /** A planner waypoint in odom (`planner/carrot`): while fresh, the head steers to it rather than straight at the goal. */
  carrot(x: number, y: number, nowSec: number): void {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    this.carrotOdom.x = x;
    this.carrotOdom.y = y;
    this.carrotTime = nowSec;
  }

  get hasGoal(): boolean {
    return this.goal !== undefined;
  }

  odom(msg: Odometry, nowSec: number): void {
    const p = msg.pose.pose;
    this.odomPose.x = p.position.x;
    this.odomPose.y = p.position.y;
    this.odomPose.yaw = yawOf(p.orientation);
    this.odomTime = nowSec;
  }

  tf(msg: TFMessage): void {
    this.mapToOdom.tf(msg);
  }


  /** Perceived obstacles (lidar_link) → odom, kept for goal checks; and the filtered obstacle summary. */
  obstaclesSeen(msg: Detection3DArray, nowSec = -Infinity): void {
    const o = this.options;
    let nearest = Infinity;
    let bearing = 0;
    // The same wall-cluster filter as the supervisor's (one definition of "a box that is a real obstacle").
    const boxes = detectionsToBoxes(msg, o.lidarOffsetX, this.filteredBoxes, o.maxObstacleSize);
    for (const box of boxes) {
      const dx = Math.max(0, Math.abs(box.x) - box.sizeX / 2);
      const dy = Math.max(0, Math.abs(box.y) - box.sizeY / 2);
      const surface = Math.max(0, Math.hypot(dx, dy) - o.robotRadius);
      if (surface < nearest) {
        nearest = surface;
        bearing = Math.atan2(box.y, box.x);
      }
    }
    this.summary.nearest = nearest;
    this.summary.bearing = bearing;
    this.summary.count = boxes.length;
    this.summaryTime = nowSec;
    const pose = this.odomPose;
    const c = Math.cos(pose.yaw);
    const s = Math.sin(pose.yaw);
    const list = this.obstacles;
    const n = msg.detections.length;
    while (list.length < n) list.push({ x: 0, y: 0, hx: 0, hy: 0 });
    list.length = n;
    for (let i = 0; i < n; i++) {
      const d = msg.detections[i]!;
      const o = list[i]!;
      const bx = d.bbox.center.position.x + this.options.lidarOffsetX;
      const by = d.bbox.center.position.y;
      const half = Math.max(d.bbox.size.x, d.bbox.size.y) / 2; // yaw-agnostic: the box's bounding square
      o.x = pose.x + c * bx - s * by;
      o.y = pose.y + s * bx + c * by;
      o.hx = half;
      o.hy = half;
    }
  }

  /** A percept arrived at clock time `nowSec`: the command to publish. The returned object is reused. */
  percept(msg: FusedPercept, nowSec: number): PolicyCommand {
    this.perceptTime = nowSec;
    const cmd = this.command;
    if (!this.locate(nowSec)) return cmd;
    writePolicyFeatures(this.features, this.featuresPercept(msg, nowSec), this.goalInBase);
    const action = this.actor.act(this.features);
    const o = this.options;
    const cap = o.approachGain * this.goalDistance;
    cmd.linear = Math.max(-cap, Math.min(cap, action.linear * (o.speedScale ?? 1)));
    const bearing = Math.atan2(this.goalInBase.y, this.goalInBase.x);
    cmd.angular = action.angular + (o.headingGain ?? 0) * bearing;
    // Within a metre of the goal the head's turning circle would orbit it: turn in place from half the angle.
    const near = this.goalDistance < 1 ? 0.5 : 1;
    const threshold = (o.rotateThreshold ?? Math.PI / 3) * near;
    const exit = Math.min(threshold, (o.rotateExit ?? Infinity) * near);
    this.rotating = Math.abs(bearing) > (this.rotating ? exit : threshold);
    if (this.rotating) {
      const speed = Math.max(Math.abs(action.angular), o.rotateSpeed ?? 0.8);
      cmd.linear = 0;
      cmd.angular = bearing > 0 ? speed : -speed;
    }
    cmd.state = 'driving';
    return cmd;
  }

  /** Timer check between percepts: a zero command when the percept went stale, else undefined. */
  watchdog(nowSec: number): PolicyCommand | undefined {
    if (nowSec - this.perceptTime <= this.options.staleTimeout) return undefined;
    return this.zero('stale_percept');
  }

  /** Puts the goal in base_link into `goalInBase`; false (command zeroed with the reason) when not driving. */
  private locate(nowSec: number): boolean {
    const goal = this.goal;
    if (goal === undefined) return (this.zero('no_goal'), false);
    if (nowSec - this.odomTime > this.options.staleTimeout) return (this.zero('no_pose'), false);
    const g = this.toOdom(goal.frame, goal.x, goal.y);
    let dx = g.x - this.odomPose.x;
    let dy = g.y - this.odomPose.y;
    this.goalDistance = Math.hypot(dx, dy);
    if (this.goalDistance <= this.options.goalTolerance) return (this.zero('goal_reached'), false);
    if (nowSec - this.carrotTime <= (this.options.carrotTimeout ?? 1)) {
      dx = this.carrotOdom.x - this.odomPose.x;
      dy = this.carrotOdom.y - this.odomPose.y;
    }
    const c = Math.cos(this.odomPose.yaw);
    const s = Math.sin(this.odomPose.yaw);
    this.goalInBase.x = c * dx + s * dy;
    this.goalInBase.y = -s * dx + c * dy;
    return true;
  }

  /** The percept as the head sees it: with the filtered obstacle summary while obstacles are fresh. */
  private featuresPercept(msg: FusedPercept, nowSec: number): PolicyPercept {
    if (this.options.obstacleSummary === 'percept') return msg;
    const f = this.featurePercept;
    f.embedding = msg.embedding;
    f.weights = msg.weights;
    f.obstacle_ahead_score = msg.obstacle_ahead_score;
    f.contact = msg.contact;
    const fresh = nowSec - this.summaryTime <= this.options.staleTimeout;
    f.nearest_obstacle_distance = fresh ? this.summary.nearest : Infinity;
    f.nearest_obstacle_bearing = fresh ? this.summary.bearing : 0;
    f.obstacle_count = fresh ? this.summary.count : 0;
    return f;
  }

  private readonly odomPoint = { x: 0, y: 0 };

  /** A point in `frame` (map or odom) → odom, through the newest map→odom. */
  private toOdom(frame: string, x: number, y: number): { x: number; y: number } {
    return this.mapToOdom.toOdom(frame, x, y, this.odomPoint);
  }

  private zero(state: PolicyCommand['state']): PolicyCommand {
    const cmd = this.command;
    cmd.linear = 0;
    cmd.angular = 0;
    cmd.state = state;
    return cmd;
  }
}
