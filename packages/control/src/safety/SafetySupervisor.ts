import { MoverTracker, type MoverTrackerOptions } from './MoverTracker.js';
import { freeDistance, freeDistanceToBoxes, timeToCollision, type Footprint, type SectorScan } from './freeDistance.js';

/** Why the supervisor changed a command. Each is counted in diagnostics and published on `safety/events`. */
export type InterventionReason =
  | 'ttc_slowdown'
  | 'ttc_stop'
  | 'contact_stop'
  | 'contact_backoff'
  | 'stale_inputs'
  | 'velocity_limit'
  | 'accel_limit'
  | 'cmd_timeout'
  | 'invalid_command'
  | 'clearance_steer'
  | 'mover_yield';

export interface SafetyOptions {
  maxLinear: number;
  maxAngular: number;
  /** Acceleration limits, m/s² and rad/s². */
  maxLinearAccel: number;
  maxAngularAccel: number;
  /** Braking is allowed to be harder than accelerating: a stop must not be slowed by comfort limits. */
  maxLinearDecel: number;
  /** Below this time-to-collision the robot stops; between stopTtc and slowTtc speed scales linearly. */
  stopTtc: number;
  slowTtc: number;
  /** Closer than this (free distance, m) nothing moves towards the obstacle, whatever the speed. */
  stopDistance: number;
  /** An obstacle-capable input whose newest stamp is older than this (s) is stale. */
  staleTimeout: number;
  /** No `cmd_vel_raw` for this long (s) → stop. */
  commandTimeout: number;
  backoffSpeed: number;
  backoffDuration: number;
  /** After a back-off the robot holds still this long before obeying commands again. */
  contactHold: number;
  footprint: Footprint;
  /** Side margin added to the footprint's swept corridor, m: obstacles passed closer than this count as ahead. */
  lateralMargin: number;
  /**
   * Clearance keeping: returns ahead within `steerLookahead` m and closer than `steerMargin` m to the side of the
   * footprint turn the robot away (yaw rate up to `steerGain` rad/s at contact), so a policy that cuts corners
   * passes obstacles with clearance instead of being stopped by them. 0 gain turns it off.
   */
  steerMargin: number;
  steerLookahead: number;
  steerGain: number;
  /**
   * Movers (tracked obstacle boxes with their own velocity): when the commanded speed would bring one within
   * `moverMargin` of the footprint in less than `moverYieldTime` (predicted over `moverHorizon`), the robot
   * yields — stops, or backs off if stopping is not enough — whichever keeps contact latest (or away).
   */
  moverYieldTime: number;
  moverHorizon: number;
  moverMargin: number;
  tracker?: Partial<MoverTrackerOptions>;
}

export const DEFAULT_SAFETY_OPTIONS: Readonly<SafetyOptions> = Object.freeze({
  maxLinear: 1.0,
  maxAngular: 2.0,
  maxLinearAccel: 1.0,
  maxAngularAccel: 4.0,
  maxLinearDecel: 3.0,
  stopTtc: 0.5,
  slowTtc: 2.0,
  stopDistance: 0.12,
  staleTimeout: 0.3,
  commandTimeout: 0.5,
  backoffSpeed: 0.15,
  backoffDuration: 0.6,
  contactHold: 0.5,
  footprint: Object.freeze({ length: 0.5, width: 0.4 }),
  lateralMargin: 0.05,
  steerMargin: 0.3,
  steerLookahead: 1.2,
  steerGain: 0,
  moverYieldTime: 2.5,
  moverHorizon: 3.0,
  moverMargin: 0.15,
});

/** An obstacle-capable input. */
export type ObstacleInput = 'lidar' | 'camera';

export interface ObstacleBox {
  x: number;
  y: number;
  sizeX: number;
  sizeY: number;
}

export interface SafetyOutput {
  linear: number;
  angular: number;
  /** Factor applied to the commanded linear speed by time-to-collision (1 = untouched). */
  scale: number;
  /** Reasons that changed this step's command; empty when the command passed untouched. */
  readonly interventions: readonly InterventionReason[];
  /** Time to collision at the commanded speed, s (+Infinity when clear). */
  timeToCollision: number;
}

/**
 * The safety supervisor's logic, free of transport and clock: feed it inputs with their times and call
 * `step` at the control rate. Works with any command source (learned policy, teleop).
 */
export class SafetySupervisor {
  readonly options: SafetyOptions;
  private commandLinear = 0;
  private commandAngular = 0;
  private commandTime = -Infinity;
  private scan: SectorScan | undefined;
  private scanTime = -Infinity;
  private boxes: readonly ObstacleBox[] = [];
  private boxesTime = -Infinity;
  /** Obstacle boxes tracked across frames in odom (needs `pose`). */
  readonly movers: MoverTracker;
  private readonly lastSeen = new Map<ObstacleInput, number>();
  private backoffUntil = -Infinity;
  private holdUntil = -Infinity;
  private backoffDirection: 1 | -1 = -1;
  private outLinear = 0;
  private outAngular = 0;
  /** Output before the newest step's instant, and that step's dt: a second step at the same instant ramps from there. */
  private baseLinear = 0;
  private baseAngular = 0;
  private baseDt = 0;
  private lastStepTime = -Infinity;
  private readonly reasons: InterventionReason[] = [];
  private readonly output: SafetyOutput = { linear: 0, angular: 0, scale: 1, interventions: this.reasons, timeToCollision: Infinity };

  constructor(options: Partial<SafetyOptions> = {}) {
    this.options = { ...DEFAULT_SAFETY_OPTIONS, ...options };
    this.movers = new MoverTracker(this.options.tracker);
  }

  /** A command from the policy. Returns false (and changes nothing) when it holds NaN or infinity. */
  command(linear: number, angular: number, nowSec: number): boolean {
    if (!Number.isFinite(linear) || !Number.isFinite(angular)) return false;
    this.commandLinear = linear;
    this.commandAngular = angular;
    this.commandTime = nowSec;
    return true;
  }

  /** LiDAR sector minimum ranges in base_link, stamped. Also marks the LiDAR as alive. */
  sectors(scan: SectorScan, stampSec: number): void {
    this.scan = scan;
    this.scanTime = stampSec;
    this.alive('lidar', stampSec);
  }

  /** The robot's pose in odom (from odometry): obstacle boxes are tracked in odom, so movers show their own velocity. */
  pose(x: number, y: number, yaw: number): void {
    this.movers.pose(x, y, yaw);
  }

  /** Obstacle boxes in base_link, stamped. */
  obstacles(boxes: readonly ObstacleBox[], stampSec: number): void {
    this.boxes = boxes;
    this.boxesTime = stampSec;
    this.movers.update(boxes, stampSec);
    this.alive('lidar', stampSec);
  }

  /** Data from an obstacle-capable input arrived with this sensor stamp. */
  alive(input: ObstacleInput, stampSec: number): void {
    const previous = this.lastSeen.get(input) ?? -Infinity;
    if (stampSec > previous) this.lastSeen.set(input, stampSec);
  }

  /** A touch contact at `bearing` (rad, base_link). Starts a back-off away from it. */
  contact(bearing: number, nowSec: number): void {
    if (nowSec < this.backoffUntil) return;
    const front = !Number.isFinite(bearing) || Math.cos(bearing) >= 0;
    this.backoffDirection = front ? -1 : 1;
    this.backoffUntil = nowSec + this.options.backoffDuration;
    this.holdUntil = this.backoffUntil + this.options.contactHold;
  }

  /** Whether every obstacle-capable input is stale at `nowSec`. */
  allStale(nowSec: number): boolean {
    for (const input of ['lidar', 'camera'] as const) {
      if (nowSec - (this.lastSeen.get(input) ?? -Infinity) <= this.options.staleTimeout) return false;
    }
    return true;
  }

  /**
   * The command to send at `nowSec`, `dtSec` after the previous step. The returned object is reused. Steps
   * repeated at one instant (a new command arriving on a tick) replace that instant's output, ramping from
   * the same base: answering a command at once never doubles the acceleration allowed.
   */
  step(nowSec: number, dtSec: number): SafetyOutput {
    if (nowSec === this.lastStepTime) {
      this.outLinear = this.baseLinear;
      this.outAngular = this.baseAngular;
      dtSec = this.baseDt;
    } else {
      this.baseLinear = this.outLinear;
      this.baseAngular = this.outAngular;
      this.baseDt = dtSec;
      this.lastStepTime = nowSec;
    }
    const o = this.options;
    const reasons = this.reasons;
    reasons.length = 0;
    let linear = this.commandLinear;
    let angular = this.commandAngular;
    let scale = 1;
    let ttc = Infinity;

    if (nowSec - this.commandTime > o.commandTimeout) {
      if (linear !== 0 || angular !== 0) reasons.push('cmd_timeout');
      linear = 0;
      angular = 0;
    }
    if (Math.abs(linear) > o.maxLinear || Math.abs(angular) > o.maxAngular) {
      reasons.push('velocity_limit');
      linear = clamp(linear, o.maxLinear);
      angular = clamp(angular, o.maxAngular);
    }

    if (nowSec < this.backoffUntil) {
      reasons.push('contact_backoff');
      linear = this.backoffDirection * o.backoffSpeed;
      angular = 0;
    } else if (nowSec < this.holdUntil) {
      reasons.push('contact_stop');
      linear = 0;
      angular = 0;
    } else if (this.allStale(nowSec)) {
      if (linear !== 0 || angular !== 0) reasons.push('stale_inputs');
      linear = 0;
      angular = 0;
    } else if (linear !== 0) {
      const direction: 1 | -1 = linear > 0 ? 1 : -1;
      let distance = Infinity;
      if (this.scan !== undefined && nowSec - this.scanTime <= o.staleTimeout) {
        distance = freeDistance(this.scan, o.footprint, direction, o.lateralMargin);
      }
      if (nowSec - this.boxesTime <= o.staleTimeout) {
        distance = Math.min(distance, freeDistanceToBoxes(this.boxes, o.footprint, direction, o.lateralMargin));
      }
      ttc = timeToCollision(distance, linear);
      if (distance <= o.stopDistance || ttc <= o.stopTtc) {
        scale = 0;
        reasons.push('ttc_stop');
      } else if (ttc < o.slowTtc) {
        scale = (ttc - o.stopTtc) / (o.slowTtc - o.stopTtc);
        reasons.push('ttc_slowdown');
      }
      linear *= scale;
      if (direction === 1 && o.steerGain > 0 && this.scan !== undefined && nowSec - this.scanTime <= o.staleTimeout) {
        const push = steerAway(this.scan, o.footprint, o.steerMargin, o.steerLookahead);
        if (push !== 0) {
          angular = clamp(angular + o.steerGain * push, o.maxAngular);
          reasons.push('clearance_steer');
        }
      }
    }

    if (!(reasons.includes('contact_backoff') || reasons.includes('contact_stop') || reasons.includes('stale_inputs') || reasons.includes('cmd_timeout'))) {
      linear = this.yieldToMovers(linear, nowSec, reasons);
    }

    const limitedLinear = rateLimit(this.outLinear, linear, o.maxLinearAccel * dtSec, o.maxLinearDecel * dtSec);
    const limitedAngular = rateLimit(this.outAngular, angular, o.maxAngularAccel * dtSec, o.maxAngularAccel * dtSec);
    if (limitedLinear !== linear || limitedAngular !== angular) reasons.push('accel_limit');
    this.outLinear = limitedLinear;
    this.outAngular = limitedAngular;

    const out = this.output;
    out.linear = limitedLinear;
    out.angular = limitedAngular;
    out.scale = scale;
    out.timeToCollision = ttc;
    return out;
  }

  /**
   * Linear speed after yielding to movers: the commanded one when no mover comes within the margin in
   * `moverYieldTime`; else stop or back off, whichever keeps contact latest (stop when both avoid it).
   */
  private yieldToMovers(linear: number, nowSec: number, reasons: InterventionReason[]): number {
    const o = this.options;
    if (this.movers.size === 0 || nowSec - this.boxesTime > o.staleTimeout) return linear;
    const contact = this.movers.firstContact(linear, o.footprint, o.moverMargin, o.moverHorizon, nowSec);
    if (contact >= o.moverYieldTime) return linear;
    // A contact that would happen with the mover standing still is the distance-based TTC's to handle (it
    // already slowed or stopped the robot); yielding is for what the mover's own motion brings.
    if (this.movers.firstContact(linear, o.footprint, o.moverMargin, o.moverHorizon, nowSec, { still: true }) <= contact + 0.1) return linear;
    let best = linear;
    let bestContact = contact;
    const stop = this.movers.firstContact(0, o.footprint, o.moverMargin, o.moverHorizon, nowSec);
    if (stop > bestContact) {
      best = 0;
      bestContact = stop;
    }
    if (bestContact < o.moverYieldTime && o.backoffSpeed > 0) {
      const rear = this.scan !== undefined ? freeDistance(this.scan, o.footprint, -1, o.lateralMargin) : Infinity;
      const back = this.movers.firstContact(-o.backoffSpeed, o.footprint, o.moverMargin, o.moverHorizon, nowSec);
      if (rear > o.stopDistance && back > bestContact) {
        best = -o.backoffSpeed;
        bestContact = back;
      }
    }
    if (best !== linear) reasons.push('mover_yield');
    return best;
  }
}

/**
 * Signed push in [-1, 1] away from the closest return beside the swept corridor ahead: +1 turns left (the
 * obstacle is on the right, at the footprint's edge), scaled down with distance ahead and to the side.
 */
function steerAway(scan: SectorScan, footprint: Footprint, margin: number, lookahead: number): number {
  const halfWidth = footprint.width / 2;
  const halfLength = footprint.length / 2;
  const originX = scan.originX ?? 0;
  let best = 0;
  for (let i = 0; i < scan.ranges.length; i++) {
    const r = scan.ranges[i]!;
    if (!(r > 0) || !Number.isFinite(r)) continue;
    const angle = scan.angleMin + i * scan.angleIncrement;
    const x = originX + r * Math.cos(angle) - halfLength;
    const y = r * Math.sin(angle);
    const side = Math.abs(y) - halfWidth;
    if (x < -halfLength || x > lookahead || side > margin) continue;
    const strength = (1 - Math.max(0, side) / margin) * (1 - Math.max(0, x) / lookahead);
    if (strength > Math.abs(best)) best = y > 0 ? -strength : strength;
  }
  return best;
}

function clamp(value: number, limit: number): number {
  return value > limit ? limit : value < -limit ? -limit : value;
}

/** Moves `from` toward `to` by at most `up` when speeding up and `down` when slowing toward zero. */
function rateLimit(from: number, to: number, up: number, down: number): number {
  const delta = to - from;
  const slowing = Math.abs(to) < Math.abs(from) && Math.sign(to) !== -Math.sign(from);
  const limit = slowing ? down : up;
  if (delta > limit) return from + limit;
  if (delta < -limit) return from - limit;
  return to;
}
