import { AmbientLight, Color, DirectionalLight, GridHelper, Group, Mesh, MeshBasicMaterial, PerspectiveCamera, Plane, PlaneGeometry, Raycaster, Scene, Vector2, Vector3, WebGLRenderer } from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

export const BACKGROUND = 0x101418;

/**
 * The 3D view in the `map` frame (z up): renderer, orbit camera, floor grid, and click-to-goal (a click
 * that did not drag, intersected with the floor plane z = 0).
 */
export class Scene3D {
  readonly scene = new Scene();
  readonly root = new Group();
  readonly camera: PerspectiveCamera;
  readonly renderer: WebGLRenderer;
  readonly controls: OrbitControls;
  readonly #container: HTMLElement;
  readonly #floor = new Plane(new Vector3(0, 0, 1), 0);
  readonly #raycaster = new Raycaster();
  frames = 0;

  constructor(container: HTMLElement, onFloorClick: (x: number, y: number) => void) {
    this.#container = container;
    this.scene.background = new Color(BACKGROUND);
    this.renderer = new WebGLRenderer({ antialias: false, preserveDrawingBuffer: false });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    container.appendChild(this.renderer.domElement);
    this.camera = new PerspectiveCamera(55, 1, 0.05, 500);
    this.camera.up.set(0, 0, 1);
    this.camera.position.set(-14, -10, 12);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.target.set(0, 0, 0);
    this.controls.update();
    this.scene.add(new AmbientLight(0xffffff, 0.6));
    const sun = new DirectionalLight(0xffffff, 1.2);
    sun.position.set(5, -8, 12);
    this.scene.add(sun);
    const grid = new GridHelper(40, 40, 0x34404d, 0x222a33);
    grid.rotation.x = Math.PI / 2;
    this.scene.add(grid);
    const floor = new Mesh(new PlaneGeometry(40, 40), new MeshBasicMaterial({ color: 0x151a20 }));
    floor.position.z = -0.01;
    this.scene.add(floor);
    this.scene.add(this.root);

    let down: { x: number; y: number } | undefined;
    const canvas = this.renderer.domElement;
    canvas.addEventListener('pointerdown', (e) => (down = { x: e.clientX, y: e.clientY }));
    canvas.addEventListener('pointerup', (e) => {
      if (down === undefined || Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4) return;
      const hit = this.floorAt(e.clientX, e.clientY);
      if (hit !== undefined) onFloorClick(hit.x, hit.y);
    });
    new ResizeObserver(() => this.#resize()).observe(container);
    this.#resize();
  }

  /** The floor point under a client (CSS pixel) position. */
  floorAt(clientX: number, clientY: number): Vector3 | undefined {
    const rect = this.renderer.domElement.getBoundingClientRect();
    const ndc = new Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
    this.#raycaster.setFromCamera(ndc, this.camera);
    return this.#raycaster.ray.intersectPlane(this.#floor, new Vector3()) ?? undefined;
  }

  /** Client (CSS pixel) position of a map point. */
  toClient(p: Vector3): { x: number; y: number } {
    const rect = this.renderer.domElement.getBoundingClientRect();
    const v = p.clone().project(this.camera);
    return { x: rect.left + ((v.x + 1) / 2) * rect.width, y: rect.top + ((1 - v.y) / 2) * rect.height };
  }

  render(): void {
    this.controls.update();
    this.renderer.render(this.scene, this.camera);
    this.frames++;
  }

  #resize(): void {
    const w = Math.max(1, this.#container.clientWidth);
    const h = Math.max(1, this.#container.clientHeight);
    this.renderer.setSize(w, h);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
  }
}
