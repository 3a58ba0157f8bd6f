import RAPIER from '@dimforge/rapier3d-compat';
import type { Solid } from './Solid.js';
import type { World } from './World.js';

let ready: Promise<void> | undefined;
/** Loads Rapier's WASM once per process. */
export function initPhysics(): Promise<void> {
  ready ??= RAPIER.init();
  return ready;
}

/** One contact point on the robot this step, in base_link (x forward, y left), with its normal force. */
export interface RobotContact {
  x: number;
  y: number;
  forceN: number;
  solid: number;
}

export interface RobotBodyOptions {
  length: number;
  width: number;
  height: number;
  massKg: number;
}

const MAX_CONTACTS = 64;
const CONTACT_DISTANCE = 0.02;
const quatZ = (yaw: number) => ({ x: 0, y: 0, z: Math.sin(yaw / 2), w: Math.cos(yaw / 2) });

/**
 * Rapier rigid bodies for the world: fixed colliders for static solids, kinematic bodies for movers,
 * and the robot as a dynamic body whose planar velocity is set each step (the drive), so obstacles
 * stop it and movers push it, and contact impulses give the tactile skin its forces.
 */
export class Physics {
  readonly world: RAPIER.World;
  private readonly robotBody: RAPIER.RigidBody;
  private readonly robotCollider: RAPIER.Collider;
  private readonly solidOfCollider = new Map<number, number>();
  private readonly moverBodies: { body: RAPIER.RigidBody; solid: Solid }[] = [];
  private readonly robotHalfHeight: number;
  /** Contacts found by the last `step`, valid until the next one. */
  readonly contacts: RobotContact[] = Array.from({ length: MAX_CONTACTS }, () => ({ x: 0, y: 0, forceN: 0, solid: -1 }));
  contactCount = 0;

  /** Call `initPhysics()` first. */
  constructor(world: World, start: { x: number; y: number; yaw: number }, robot: RobotBodyOptions) {
    this.world = new RAPIER.World({ x: 0, y: 0, z: 0 });
    world.solids.forEach((solid, index) => {
      const isMover = index >= world.staticCount;
      const bodyDesc = (isMover ? RAPIER.RigidBodyDesc.kinematicPositionBased() : RAPIER.RigidBodyDesc.fixed())
        .setTranslation(solid.x, solid.y, solid.height / 2)
        .setRotation(quatZ(solid.yaw));
      const body = this.world.createRigidBody(bodyDesc);
      const colliderDesc =
        solid.shape === 'rect'
          ? RAPIER.ColliderDesc.cuboid(solid.hx, solid.hy, solid.height / 2)
          : RAPIER.ColliderDesc.cylinder(solid.height / 2, solid.hx).setRotation({ x: Math.SQRT1_2, y: 0, z: 0, w: Math.SQRT1_2 });
      const collider = this.world.createCollider(colliderDesc, body);
      this.solidOfCollider.set(collider.handle, index);
      if (isMover) this.moverBodies.push({ body, solid });
    });
    this.robotHalfHeight = robot.height / 2;
    this.robotBody = this.world.createRigidBody(
      RAPIER.RigidBodyDesc.dynamic()
        .setTranslation(start.x, start.y, this.robotHalfHeight)
        .setRotation(quatZ(start.yaw))
        .enabledTranslations(true, true, false)
        .enabledRotations(false, false, true)
        .setCanSleep(false),
    );
    const volume = robot.length * robot.width * robot.height;
    this.robotCollider = this.world.createCollider(
      RAPIER.ColliderDesc.cuboid(robot.length / 2, robot.width / 2, robot.height / 2).setDensity(robot.massKg / volume).setFriction(0.3),
      this.robotBody,
    );
  }

  /** Drives the robot at (v, ω) in its own frame for `dt`, moves movers to their current poses, then steps. */
  step(dt: number, v: number, omega: number): void {
    const yaw = this.yaw();
    this.robotBody.setLinvel({ x: v * Math.cos(yaw), y: v * Math.sin(yaw), z: 0 }, true);
    this.robotBody.setAngvel({ x: 0, y: 0, z: omega }, true);
    for (const m of this.moverBodies) {
      m.body.setNextKinematicTranslation({ x: m.solid.x, y: m.solid.y, z: m.solid.height / 2 });
      m.body.setNextKinematicRotation(quatZ(m.solid.yaw));
    }
    this.world.timestep = dt;
    this.world.step();
    this.collectContacts(dt);
  }

  pose(out: { x: number; y: number; yaw: number }): void {
    const t = this.robotBody.translation();
    out.x = t.x;
    out.y = t.y;
    out.yaw = this.yaw();
  }

  /** Actual planar velocity in the robot frame (after collisions). */
  velocity(out: { v: number; omega: number }): void {
    const lin = this.robotBody.linvel();
    const yaw = this.yaw();
    out.v = lin.x * Math.cos(yaw) + lin.y * Math.sin(yaw);
    out.omega = this.robotBody.angvel().z;
  }

  private yaw(): number {
    const q = this.robotBody.rotation();
    return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
  }

  private collectContacts(dt: number): void {
    this.contactCount = 0;
    const robot = this.robotCollider;
    this.world.contactPairsWith(robot, (other) => {
      const solid = this.solidOfCollider.get(other.handle) ?? -1;
      this.world.contactPair(robot, other, (manifold, flipped) => {
        for (let i = 0; i < manifold.numContacts(); i++) {
          // Rapier's solver settles touching bodies ~1 cm apart (prediction distance); closer than 2 cm is contact.
          if (manifold.contactDist(i) > CONTACT_DISTANCE || this.contactCount >= MAX_CONTACTS) continue;
          const p = flipped ? manifold.localContactPoint2(i) : manifold.localContactPoint1(i);
          if (p === null) continue;
          const c = this.contacts[this.contactCount++]!;
          c.x = p.x;
          c.y = p.y;
          // Impulse over the step is the mean normal force; a resting touch without impulse still registers.
          c.forceN = manifold.contactImpulse(i) / dt;
          c.solid = solid;
        }
      });
    });
  }

  /** Frees the Rapier world. Safe to call twice. */
  dispose(): void {
    if (this.freed) return;
    this.freed = true;
    this.world.free();
  }
  private freed = false;
}
