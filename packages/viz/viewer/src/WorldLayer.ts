import { BoxGeometry, BufferAttribute, BufferGeometry, Color, CylinderGeometry, DynamicDrawUsage, EdgesGeometry, Group, Line, LineBasicMaterial, LineSegments, Mesh, MeshStandardMaterial, Quaternion, Shape, ShapeGeometry, SphereGeometry, Vector3 } from 'three';
import type { Matrix4, Object3D } from 'three';

interface Pose { position: { x: number; y: number; z: number }; orientation: { x: number; y: number; z: number; w: number } }
interface SceneObject { id: string; shape: string; pose: Pose; size: { x: number; y: number; z: number }; color: string; material: string; polygon: Float32Array | number[] }
interface Detection3DArray { header: { frame_id: string }; detections: { bbox: { center: Pose; size: { x: number; y: number; z: number } } }[] }

const PATH_CAPACITY = 20_000;

/**
 * Everything that is not the point cloud: the simulator's ground-truth scene (`sim/world`), the robot
 * and its path, the goal marker and perception's obstacle boxes. Meshes are made once per object id and
 * moved afterwards; the path is a preallocated line.
 */
export class WorldLayer {
  readonly world = new Group();
  readonly obstacles = new Group();
  readonly robot: Group;
  readonly goal: Mesh;
  readonly #objects = new Map<string, Object3D>();
  readonly #path: BufferGeometry;
  readonly #pathPositions = new Float32Array(3 * PATH_CAPACITY);
  #pathCount = 0;
  readonly #boxes: LineSegments[] = [];
  readonly #boxEdges = new EdgesGeometry(new BoxGeometry(1, 1, 1));
  readonly #boxMaterial = new LineBasicMaterial({ color: 0xff8c3a });

  constructor(root: Group) {
    root.add(this.world, this.obstacles);
    this.robot = new Group();
    const body = new Mesh(new BoxGeometry(0.5, 0.4, 0.3), new MeshStandardMaterial({ color: 0x22aa44 }));
    body.position.z = 0.15;
    const nose = new Mesh(new BoxGeometry(0.12, 0.12, 0.05), new MeshStandardMaterial({ color: 0xffffff }));
    nose.position.set(0.22, 0, 0.32);
    this.robot.add(body, nose);
    this.robot.visible = false;
    root.add(this.robot);
    this.#path = new BufferGeometry();
    this.#path.setAttribute('position', new BufferAttribute(this.#pathPositions, 3).setUsage(DynamicDrawUsage));
    this.#path.setDrawRange(0, 0);
    const pathLine = new Line(this.#path, new LineBasicMaterial({ color: 0x5fd38d }));
    pathLine.frustumCulled = false;
    root.add(pathLine);
    this.goal = new Mesh(new CylinderGeometry(0.15, 0.15, 0.02, 24), new MeshStandardMaterial({ color: 0xffd23f, emissive: 0x664400 }));
    this.goal.rotation.x = Math.PI / 2;
    this.goal.visible = false;
    root.add(this.goal);
  }

  /** `sim/world`: create meshes for new ids, move the ones that move, drop the ones gone. */
  updateWorld(objects: SceneObject[]): void {
    const seen = new Set<string>();
    for (const o of objects) {
      if (o.shape === 'robot') {
        this.setRobotPose(o.pose.position.x, o.pose.position.y, o.pose.orientation);
        continue;
      }
      const id = o.id || `${o.shape}-${o.pose.position.x}-${o.pose.position.y}`;
      seen.add(id);
      let mesh = this.#objects.get(id);
      if (mesh === undefined) {
        mesh = makeMesh(o);
        this.#objects.set(id, mesh);
        this.world.add(mesh);
      }
      if (o.shape !== 'zone') {
        mesh.position.set(o.pose.position.x, o.pose.position.y, o.pose.position.z);
        mesh.quaternion.set(o.pose.orientation.x, o.pose.orientation.y, o.pose.orientation.z, o.pose.orientation.w);
      }
    }
    for (const [id, mesh] of this.#objects) {
      if (!seen.has(id)) {
        this.world.remove(mesh);
        this.#objects.delete(id);
      }
    }
  }

  setRobotPose(x: number, y: number, q: { x: number; y: number; z: number; w: number }): void {
    this.robot.visible = true;
    this.robot.position.set(x, y, 0);
    this.robot.quaternion.set(q.x, q.y, q.z, q.w);
    const n = this.#pathCount;
    const last = n > 0 ? 3 * (n - 1) : -1;
    if (last >= 0 && Math.hypot(this.#pathPositions[last]! - x, this.#pathPositions[last + 1]! - y) < 0.05) return;
    if (n >= PATH_CAPACITY) {
      // Keep the newest half: one copy every PATH_CAPACITY / 2 points.
      this.#pathPositions.copyWithin(0, 3 * (PATH_CAPACITY / 2));
      this.#pathCount = PATH_CAPACITY / 2;
    }
    const i = 3 * this.#pathCount++;
    this.#pathPositions[i] = x;
    this.#pathPositions[i + 1] = y;
    this.#pathPositions[i + 2] = 0.02;
    const attr = this.#path.getAttribute('position') as BufferAttribute;
    attr.needsUpdate = true;
    this.#path.setDrawRange(0, this.#pathCount);
  }

  resetPath(): void {
    this.#pathCount = 0;
    this.#path.setDrawRange(0, 0);
  }

  setGoal(x: number, y: number): void {
    this.goal.visible = true;
    this.goal.position.set(x, y, 0.01);
  }

  /** `perception/obstacles` boxes, in the detection frame placed by `frameToMap`. */
  updateObstacles(message: Detection3DArray, frameToMap: Matrix4 | undefined): void {
    const detections = message.detections;
    while (this.#boxes.length < detections.length) {
      const box = new LineSegments(this.#boxEdges, this.#boxMaterial);
      box.matrixAutoUpdate = false;
      this.#boxes.push(box);
      this.obstacles.add(box);
    }
    const p = new Vector3();
    const q = new Quaternion();
    const s = new Vector3();
    for (let i = 0; i < this.#boxes.length; i++) {
      const box = this.#boxes[i]!;
      const d = detections[i];
      box.visible = d !== undefined && frameToMap !== undefined;
      if (!box.visible || d === undefined || frameToMap === undefined) continue;
      const c = d.bbox.center;
      box.matrix.compose(p.set(c.position.x, c.position.y, c.position.z), q.set(c.orientation.x, c.orientation.y, c.orientation.z, c.orientation.w), s.set(Math.max(d.bbox.size.x, 0.01), Math.max(d.bbox.size.y, 0.01), Math.max(d.bbox.size.z, 0.01)));
      box.matrix.premultiply(frameToMap);
    }
  }
}

function makeMesh(o: SceneObject): Object3D {
  const color = new Color(/^#[0-9a-f]{6}$/i.test(o.color) ? o.color : '#888888');
  const transparent = o.material === 'glass' || o.material === 'soft';
  const material = new MeshStandardMaterial({ color, transparent, opacity: transparent ? 0.35 : 1 });
  switch (o.shape) {
    case 'cylinder':
      return rotateUp(new Mesh(new CylinderGeometry(o.size.x / 2, o.size.x / 2, o.size.z, 24), material));
    case 'mover':
      return rotateUp(new Mesh(new CylinderGeometry(o.size.x / 2, o.size.x / 2, o.size.z, 24), new MeshStandardMaterial({ color: 0xd06bd0 })));
    case 'sound':
      return new Mesh(new SphereGeometry(0.12, 12, 8), new MeshStandardMaterial({ color: 0xffcc00, emissive: 0x665500 }));
    case 'zone': {
      const shape = new Shape();
      const pts = o.polygon;
      for (let i = 0; i + 1 < pts.length; i += 2) {
        if (i === 0) shape.moveTo(pts[i]!, pts[i + 1]!);
        else shape.lineTo(pts[i]!, pts[i + 1]!);
      }
      const mesh = new Mesh(new ShapeGeometry(shape), new MeshStandardMaterial({ color, transparent: true, opacity: 0.4 }));
      mesh.position.z = 0.005;
      return mesh;
    }
    default:
      return new Mesh(new BoxGeometry(Math.max(o.size.x, 0.02), Math.max(o.size.y, 0.02), Math.max(o.size.z, 0.02)), material);
  }
}

/** three's cylinders stand on y; the world stands on z (REP-103). */
function rotateUp(mesh: Mesh): Group {
  mesh.rotation.x = Math.PI / 2;
  const group = new Group();
  group.add(mesh);
  return group;
}
