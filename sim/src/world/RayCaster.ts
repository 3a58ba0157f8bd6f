import { DoubleSide, FrontSide, Ray } from 'three';
import type { MeshBVH } from 'three-mesh-bvh';
import type { World } from './World.js';

/** Result of a ray cast, reused across rays: distance, unit normal facing the ray, what was hit. */
export class RayHit {
  distance = Infinity;
  nx = 0;
  ny = 0;
  nz = 1;
  /** Index into `world.solids`, FLOOR, or NONE. */
  solid = -1;
  static readonly FLOOR = -1;
  static readonly NONE = -2;
}

/**
 * Casts rays into the world: the static BVHs (three-mesh-bvh `raycastFirst`), movers analytically, and
 * the floor plane z = 0. One instance per sensor; its scratch Ray is reused so a scan allocates nothing
 * of its own beyond what `raycastFirst` returns.
 */
export class RayCaster {
  private readonly ray = new Ray();

  constructor(private readonly world: World) {}

  /** Nearest surface LiDAR sees (glass and soft materials are transparent to it). */
  castOpaque(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, near: number, far: number, hit: RayHit): boolean {
    hit.distance = far;
    hit.solid = RayHit.NONE;
    // The floor and the room's walls first: their distance bounds the BVH search, pruning most of the tree.
    if (dz < -1e-9) {
      const t = -oz / dz;
      if (t >= near && t < far) {
        hit.distance = t;
        hit.nx = 0;
        hit.ny = 0;
        hit.nz = 1;
        hit.solid = RayHit.FLOOR;
      }
    }
    const room = this.world.room;
    if (room !== undefined) {
      // Sensors are inside the room: the ray leaves through the nearer of the x and y faces.
      const tx = dx > 1e-12 ? (room.halfX - ox) / dx : dx < -1e-12 ? (-room.halfX - ox) / dx : Infinity;
      const ty = dy > 1e-12 ? (room.halfY - oy) / dy : dy < -1e-12 ? (-room.halfY - oy) / dy : Infinity;
      const t = tx < ty ? tx : ty;
      const z = oz + t * dz;
      if (t >= near && t < hit.distance && z >= 0 && z <= room.height) {
        hit.distance = t;
        hit.nz = 0;
        if (tx < ty) {
          hit.nx = dx > 0 ? -1 : 1;
          hit.ny = 0;
          hit.solid = dx > 0 ? room.east : room.west;
        } else {
          hit.nx = 0;
          hit.ny = dy > 0 ? -1 : 1;
          hit.solid = dy > 0 ? room.north : room.south;
        }
      }
    }
    this.castBvh(this.world.opaqueBvh, this.world.opaqueSolidOfVertex, ox, oy, oz, dx, dy, dz, near, hit);
    this.castMovers(ox, oy, oz, dx, dy, dz, near, hit, false);
    return hit.solid !== RayHit.NONE;
  }

  /** Nearest glass/soft surface closer than `far` (for the camera's faint see-through rendering). */
  castClear(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, near: number, far: number, hit: RayHit): boolean {
    hit.distance = far;
    hit.solid = RayHit.NONE;
    this.castBvh(this.world.clearBvh, this.world.clearSolidOfVertex, ox, oy, oz, dx, dy, dz, near, hit);
    this.castMovers(ox, oy, oz, dx, dy, dz, near, hit, true);
    return hit.solid !== RayHit.NONE;
  }

  private castBvh(bvh: MeshBVH | undefined, solidOfVertex: Uint16Array, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, near: number, hit: RayHit): void {
    if (bvh === undefined) return;
    this.ray.origin.set(ox, oy, oz);
    this.ray.direction.set(dx, dy, dz);
    // Solids are closed with outward faces and sensors are never inside one: back faces can be culled,
    // except for glass/soft panes, which are seen from both sides through each other.
    const result = bvh.raycastFirst(this.ray, bvh === this.world.opaqueBvh ? FrontSide : DoubleSide, near, hit.distance);
    if (result === null || result.distance >= hit.distance || result.face == null) return;
    hit.distance = result.distance;
    const n = result.face.normal;
    const facing = n.x * dx + n.y * dy + n.z * dz > 0 ? -1 : 1;
    hit.nx = n.x * facing;
    hit.ny = n.y * facing;
    hit.nz = n.z * facing;
    hit.solid = solidOfVertex[result.face.a] as number;
  }

  private castMovers(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, near: number, hit: RayHit, clear: boolean): void {
    const solids = this.world.solids;
    for (let i = this.world.staticCount; i < solids.length; i++) {
      const s = solids[i]!;
      const isClear = s.material === 'glass' || s.material === 'soft';
      if (isClear !== clear) continue;
      let t = Infinity;
      let nx = 0;
      let ny = 0;
      if (s.shape === 'circle') {
        // Vertical cylinder: solve |(o + t d - c)_xy| = r.
        const px = ox - s.x;
        const py = oy - s.y;
        const a = dx * dx + dy * dy;
        if (a < 1e-12) continue;
        const b = px * dx + py * dy;
        const c = px * px + py * py - s.hx * s.hx;
        const disc = b * b - a * c;
        if (disc < 0) continue;
        const root = Math.sqrt(disc);
        let tt = (-b - root) / a;
        if (tt < near) tt = (-b + root) / a;
        if (tt < near) continue;
        const z = oz + tt * dz;
        if (z < 0 || z > s.height) continue;
        t = tt;
        nx = (px + t * dx) / s.hx;
        ny = (py + t * dy) / s.hx;
      } else {
        // Oriented box: slab test in the box frame.
        const c = Math.cos(s.yaw);
        const sn = Math.sin(s.yaw);
        const lx = c * (ox - s.x) + sn * (oy - s.y);
        const ly = -sn * (ox - s.x) + c * (oy - s.y);
        const ldx = c * dx + sn * dy;
        const ldy = -sn * dx + c * dy;
        let t0 = near;
        let t1 = hit.distance;
        let axis = -1;
        let sign = 0;
        for (let k = 0; k < 3; k++) {
          const o = k === 0 ? lx : k === 1 ? ly : oz - s.height / 2;
          const d = k === 0 ? ldx : k === 1 ? ldy : dz;
          const h = k === 0 ? s.hx : k === 1 ? s.hy : s.height / 2;
          if (Math.abs(d) < 1e-12) {
            if (o < -h || o > h) {
              t0 = Infinity;
              break;
            }
            continue;
          }
          let ta = (-h - o) / d;
          let tb = (h - o) / d;
          if (ta > tb) [ta, tb] = [tb, ta];
          if (ta > t0) {
            t0 = ta;
            axis = k;
            sign = d > 0 ? -1 : 1;
          }
          if (tb < t1) t1 = tb;
          if (t0 > t1) break;
        }
        if (t0 > t1 || !Number.isFinite(t0) || axis < 0) continue;
        t = t0;
        if (axis === 0) {
          nx = c * sign;
          ny = sn * sign;
        } else if (axis === 1) {
          nx = -sn * sign;
          ny = c * sign;
        }
        if (axis === 2) {
          if (t < hit.distance) {
            hit.distance = t;
            hit.nx = 0;
            hit.ny = 0;
            hit.nz = sign;
            hit.solid = i;
          }
          continue;
        }
      }
      if (t < hit.distance) {
        hit.distance = t;
        hit.nx = nx;
        hit.ny = ny;
        hit.nz = 0;
        hit.solid = i;
      }
    }
  }
}
