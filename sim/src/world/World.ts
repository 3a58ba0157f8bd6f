import { BoxGeometry, BufferAttribute, BufferGeometry, CylinderGeometry, Mesh, MeshStandardMaterial, Scene, type Material as ThreeMaterial } from 'three';
import { MeshBVH } from 'three-mesh-bvh';
import type { Mover, Scenario, Sound, Zone } from '../scenario/ScenarioSchema.js';
import { MoverPath } from './MoverPath.js';
import { rectCorners } from './geometry2d.js';
import { parseColor, type Solid } from './Solid.js';

/** A moving solid with its scripted path and current velocity. */
export interface MoverState {
  readonly solid: Solid;
  readonly path: MoverPath;
  vx: number;
  vy: number;
}

/** A keep-out zone: flattened polygon in map. */
export interface ZoneState {
  readonly id: string;
  readonly polygon: Float64Array;
  readonly albedo: readonly [number, number, number];
  readonly spec: Zone;
}

const BOUNDARY_HEIGHT = 2.0;
const BOUNDARY_THICKNESS = 0.2;
const CYLINDER_SEGMENTS = 24;

/**
 * The simulated world built from a scenario: a three.js scene graph (the model the viewer shows) plus
 * the flat structures sensors need — plan-view solids for clearance and physics, and two BVHs over the
 * merged static triangles: `opaqueBvh` (default/absorbing: LiDAR and camera stop there) and `clearBvh`
 * (glass/soft: LiDAR passes, the camera sees them faintly). Movers are ray cast analytically.
 */
export class World {
  readonly scene = new Scene();
  private readonly meshes = new Map<string, Mesh>();
  readonly solids: Solid[] = [];
  readonly movers: MoverState[] = [];
  readonly zones: ZoneState[] = [];
  readonly sounds: readonly Sound[];
  readonly size: readonly [number, number];
  readonly lighting: number;
  readonly opaqueBvh: MeshBVH | undefined;
  readonly clearBvh: MeshBVH | undefined;
  /** Solid index of each vertex of the BVH geometries (triangles never share vertices). */
  readonly opaqueSolidOfVertex: Uint16Array;
  readonly clearSolidOfVertex: Uint16Array;
  /** Number of static solids (the first entries of `solids`; movers follow). */
  readonly staticCount: number;
  /**
   * The boundary walls of a closed world, ray cast analytically (axis-aligned inner faces at ±halfX, ±halfY)
   * rather than through the BVH: their long thin boxes would make every node's bounds huge, and their
   * distance bounds the BVH search for every other ray. `solids` indices north, south, east, west.
   */
  readonly room: { halfX: number; halfY: number; height: number; north: number; south: number; east: number; west: number } | undefined;

  constructor(scenario: Scenario) {
    const w = scenario.world;
    this.size = w.size;
    this.lighting = w.lighting;
    this.sounds = w.sounds;
    let n = 0;
    for (const o of w.obstacles) {
      const id = o.id ?? `${o.type}-${n++}`;
      if (o.type === 'box') this.addRect(id, 'box', o.position[0], o.position[1], o.yaw, o.size[0] / 2, o.size[1] / 2, o.size[2], o.material, o.color);
      else if (o.type === 'cylinder') this.addCircle(id, 'cylinder', o.position[0], o.position[1], o.radius, o.height, o.material, o.color);
      else {
        const [x0, y0] = o.from;
        const [x1, y1] = o.to;
        const length = Math.hypot(x1 - x0, y1 - y0);
        this.addRect(id, 'wall', (x0 + x1) / 2, (y0 + y1) / 2, Math.atan2(y1 - y0, x1 - x0), length / 2 + o.thickness / 2, o.thickness / 2, o.height, o.material, o.color);
      }
    }
    if (!w.open) {
      const [sx, sy] = w.size;
      const t = BOUNDARY_THICKNESS / 2;
      this.addRect('boundary-north', 'wall', 0, sy / 2 + t, 0, sx / 2 + 2 * t, t, BOUNDARY_HEIGHT, 'default', '#9a9a9a');
      this.addRect('boundary-south', 'wall', 0, -sy / 2 - t, 0, sx / 2 + 2 * t, t, BOUNDARY_HEIGHT, 'default', '#9a9a9a');
      this.addRect('boundary-east', 'wall', sx / 2 + t, 0, Math.PI / 2, sy / 2, t, BOUNDARY_HEIGHT, 'default', '#9a9a9a');
      this.addRect('boundary-west', 'wall', -sx / 2 - t, 0, Math.PI / 2, sy / 2, t, BOUNDARY_HEIGHT, 'default', '#9a9a9a');
      const n = this.solids.length;
      this.room = { halfX: sx / 2, halfY: sy / 2, height: BOUNDARY_HEIGHT, north: n - 4, south: n - 3, east: n - 2, west: n - 1 };
    } else {
      this.room = undefined;
    }
    this.staticCount = this.solids.length;
    const built = this.buildBvhs();
    this.opaqueBvh = built.opaque.bvh;
    this.opaqueSolidOfVertex = built.opaque.solidOfVertex;
    this.clearBvh = built.clear.bvh;
    this.clearSolidOfVertex = built.clear.solidOfVertex;
    w.movers.forEach((m, i) => this.addMover(m, i));
    w.zones.forEach((z, i) => {
      const polygon = new Float64Array(z.polygon.flat());
      this.zones.push({ id: z.id ?? `zone-${i}`, polygon, albedo: parseColor(z.color), spec: z });
    });
    this.updateMovers(0);
  }

  /** Moves every mover to its scripted position at sim time t. */
  updateMovers(t: number): void {
    for (const m of this.movers) {
      m.path.at(t, scratchPose);
      m.solid.x = scratchPose.x;
      m.solid.y = scratchPose.y;
      m.solid.yaw = m.solid.shape === 'rect' ? scratchPose.yaw : 0;
      m.vx = scratchPose.vx;
      m.vy = scratchPose.vy;
      if (m.solid.shape === 'rect') rectCorners(m.solid.x, m.solid.y, m.solid.yaw, m.solid.hx, m.solid.hy, m.solid.corners);
      const mesh = this.meshes.get(m.solid.id);
      mesh?.position.set(m.solid.x, m.solid.y, m.solid.height / 2);
      mesh?.rotation.set(0, 0, m.solid.yaw);
    }
  }

  /** Frees the three.js geometries and materials. Safe to call twice. */
  dispose(): void {
    this.scene.traverse((o) => {
      if (o instanceof Mesh) {
        (o.geometry as BufferGeometry).dispose();
        (o.material as ThreeMaterial).dispose();
      }
    });
    this.opaqueBvh?.geometry.dispose();
    this.clearBvh?.geometry.dispose();
    this.scene.clear();
  }

  private addRect(id: string, kind: Solid['kind'], x: number, y: number, yaw: number, hx: number, hy: number, height: number, material: Solid['material'], color: string): Solid {
    const solid: Solid = { id, kind, shape: 'rect', x, y, yaw, hx, hy, height, material, colorHex: color, albedo: parseColor(color), corners: rectCorners(x, y, yaw, hx, hy, new Float64Array(8)) };
    this.solids.push(solid);
    const geometry = new BoxGeometry(2 * hx, 2 * hy, height);
    this.addMesh(solid, geometry);
    return solid;
  }

  private addCircle(id: string, kind: Solid['kind'], x: number, y: number, radius: number, height: number, material: Solid['material'], color: string): Solid {
    const solid: Solid = { id, kind, shape: 'circle', x, y, yaw: 0, hx: radius, hy: radius, height, material, colorHex: color, albedo: parseColor(color), corners: new Float64Array(0) };
    this.solids.push(solid);
    // three.js cylinders stand on +y; the world is z-up (REP-103).
    const geometry = new CylinderGeometry(radius, radius, height, CYLINDER_SEGMENTS).rotateX(Math.PI / 2);
    this.addMesh(solid, geometry);
    return solid;
  }

  private addMesh(solid: Solid, geometry: BufferGeometry): void {
    const mesh = new Mesh(geometry, new MeshStandardMaterial({ color: solid.colorHex, transparent: solid.material === 'glass', opacity: solid.material === 'glass' ? 0.2 : 1 }));
    mesh.name = solid.id;
    mesh.position.set(solid.x, solid.y, solid.height / 2);
    mesh.rotation.set(0, 0, solid.yaw);
    mesh.userData['material'] = solid.material;
    mesh.updateMatrixWorld(true);
    this.scene.add(mesh);
    this.meshes.set(solid.id, mesh);
  }

  private addMover(m: Mover, i: number): void {
    const id = m.id ?? `mover-${i}`;
    const solid =
      m.shape.type === 'cylinder'
        ? this.addCircle(id, 'mover', m.path[0]![0], m.path[0]![1], m.shape.radius, m.shape.height, m.material, m.color)
        : this.addRect(id, 'mover', m.path[0]![0], m.path[0]![1], 0, m.shape.size[0] / 2, m.shape.size[1] / 2, m.shape.size[2], m.material, m.color);
    this.movers.push({ solid, path: new MoverPath(m.path, m.speed, m.start, m.loop), vx: 0, vy: 0 });
  }

  private buildBvhs() {
    const opaque: { geometry: BufferGeometry; index: number }[] = [];
    const clear: { geometry: BufferGeometry; index: number }[] = [];
    this.solids.forEach((solid, index) => {
      if (this.room !== undefined && index >= this.room.north) return;
      const mesh = this.meshes.get(solid.id)!;
      const geometry = (mesh.geometry as BufferGeometry).clone().applyMatrix4(mesh.matrixWorld).toNonIndexed();
      (solid.material === 'glass' || solid.material === 'soft' ? clear : opaque).push({ geometry, index });
    });
    return { opaque: merge(opaque), clear: merge(clear) };
  }
}

const scratchPose = { x: 0, y: 0, yaw: 0, vx: 0, vy: 0 };

/** Concatenates non-indexed geometries (positions only) and records each vertex's solid. */
function merge(parts: { geometry: BufferGeometry; index: number }[]): { bvh: MeshBVH | undefined; solidOfVertex: Uint16Array } {
  let count = 0;
  for (const p of parts) count += p.geometry.getAttribute('position').count;
  const positions = new Float32Array(count * 3);
  const solidOfVertex = new Uint16Array(count);
  let offset = 0;
  for (const p of parts) {
    const attribute = p.geometry.getAttribute('position');
    positions.set(attribute.array as Float32Array, offset * 3);
    solidOfVertex.fill(p.index, offset, offset + attribute.count);
    offset += attribute.count;
    p.geometry.dispose();
  }
  if (count === 0) return { bvh: undefined, solidOfVertex };
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(positions, 3));
  return { bvh: new MeshBVH(geometry, { targetLeafSize: 4 }), solidOfVertex };
}
