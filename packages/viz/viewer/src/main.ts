import { Matrix4, Vector3 } from 'three';
import { Connection } from './Connection.js';
import { Scene3D } from './Scene3D.js';
import { PointCloudLayer } from './PointCloudLayer.js';
import { WorldLayer } from './WorldLayer.js';
import { TfTree } from './TfTree.js';
import { CameraPanel, DiagnosticsPanel, GatingPanel, appendSafetyEvent } from './Panels.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** Scenario library names (sim/scenarios); the running one is added from the status topic. */
const SCENARIOS = ['open-field', 'static-obstacle-field', 'pop-out-obstacle', 'narrow-doorway', 'dead-end-detour', 'pedestrian-crossing', 'glass-wall', 'black-absorbing-obstacle', 'painted-keep-out-zone', 'dark-room', 'alarm-from-behind', 'soft-obstacle-touch', 'lidar-dropout', 'camera-freeze'];

const params = new URLSearchParams(location.search);
const token = params.get('token');
const wsUrl = params.get('ws') ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;

const connectionEl = $('connection');
const connection = new Connection(wsUrl, (state, detail) => {
  connectionEl.dataset['state'] = state;
  connectionEl.textContent = state === 'connected' ? 'connected' : `${state} (${detail})`;
});

const tf = new TfTree();
const cloud = new PointCloudLayer();
let cloudFrame = 'lidar_link';
let haveWorld = false;
const scene = new Scene3D($('scene'), (x, y) => setGoal(x, y));
const world = new WorldLayer(scene.root);
scene.root.add(cloud.object);
const gating = new GatingPanel($('gating-bars'), $<HTMLCanvasElement>('gating-plot'), $('gating-active'));
const diagnostics = new DiagnosticsPanel($<HTMLTableElement>('latency').tBodies[0]!, $('safety-count'));
const camera = new CameraPanel($<HTMLCanvasElement>('camera'));
const hint = $('publish-hint');
hint.textContent = token === null ? 'read-only: open with ?token=… to set goals and control scenarios' : '';

function stampNow(): { sec: number; nanosec: number } {
  const t = simTime;
  return { sec: Math.floor(t), nanosec: Math.round((t - Math.floor(t)) * 1e9) };
}
let simTime = 0;

function setGoal(x: number, y: number): void {
  const sent = connection.publish('/goal_pose', 'geometry_msgs/msg/PoseStamped', {
    header: { stamp: stampNow(), frame_id: 'map' },
    pose: { position: { x, y, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
  });
  if (sent) world.setGoal(x, y);
  debug.goals.push({ x, y, sent });
}

function scenarioControl(data: string): void {
  connection.publish('/scenario/control', 'std_msgs/msg/String', { data });
  if (data.startsWith('start') || data === 'reset') world.resetPath();
}
const select = $<HTMLSelectElement>('scenario-name');
for (const name of SCENARIOS) select.add(new Option(name, name));
$('scenario-start').addEventListener('click', () => scenarioControl(`start ${select.value}`));
$('scenario-pause').addEventListener('click', () => scenarioControl('pause'));
$('scenario-resume').addEventListener('click', () => scenarioControl('resume'));
$('scenario-reset').addEventListener('click', () => scenarioControl('reset'));

const layer = (id: string, apply: (visible: boolean) => void): void => {
  const box = $<HTMLInputElement>(id);
  box.addEventListener('change', () => apply(box.checked));
};
layer('layer-points', (v) => (cloud.object.visible = v));
layer('layer-world', (v) => (world.world.visible = v));
layer('layer-obstacles', (v) => (world.obstacles.visible = v));
const colorSelect = $<HTMLSelectElement>('cloud-color');
colorSelect.addEventListener('change', () => {
  cloud.setColorMode(colorSelect.value === 'intensity' ? 'intensity' : 'height');
  $('cloud-color-shown').textContent = cloud.shownColorMode === cloud.colorMode ? '' : '(no intensity field: by height)';
});

// ---- topics ----
type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- decoded per advertised schema
connection.on('tf', (m: Any) => tf.add(m));
connection.on('tf_static', (m: Any) => tf.add(m));
connection.on('clock', (m: Any) => (simTime = m.clock.sec + m.clock.nanosec * 1e-9));
connection.on('lidar/points', (m: Any) => {
  cloud.update(m);
  cloudFrame = m.header.frame_id;
  $('point-count').textContent = `${cloud.count} points`;
  $('cloud-color-shown').textContent = cloud.shownColorMode === cloud.colorMode ? '' : '(no intensity field: by height)';
  debug.clouds++;
});
connection.on('camera/image_raw', (m: Any) => camera.update(m));
connection.on('sim/world', (m: Any) => {
  haveWorld = true;
  world.updateWorld(m.objects);
});
const addScenario = (name: string): void => {
  if (name !== '' && ![...select.options].some((o) => o.value === name)) select.add(new Option(name, name));
};
/** sim/status: sensorium_msgs/ScenarioStatus (the simulator's score of the running scenario). */
const simStatus = (m: Any): void => {
  $('scenario-status').textContent = `${m.name}: ${m.state}, ${Number(m.sim_time).toFixed(1)} s, route ${(100 * m.route_completion).toFixed(0)} %, collisions ${m.collisions}`;
  addScenario(m.name);
};
/** scenario/status from `sensorium start`: std_msgs/String holding JSON {state, scenario, scenarios, sim_time, route_completion}. */
const sessionStatus = (m: Any): void => {
  if (typeof m.data !== 'string') return simStatus(m);
  let s: Any;
  try {
    s = JSON.parse(m.data);
  } catch {
    return;
  }
  for (const name of Array.isArray(s.scenarios) ? s.scenarios : []) addScenario(String(name));
  addScenario(String(s.scenario ?? ''));
  $('scenario-status').textContent = `${s.scenario}: ${s.state}, ${Number(s.sim_time).toFixed(1)} s, route ${(100 * Number(s.route_completion)).toFixed(0)} %`;
};
connection.on('sim/status', simStatus);
connection.on('scenario/status', sessionStatus);
connection.on('goal_pose', (m: Any) => world.setGoal(m.pose.position.x, m.pose.position.y));
connection.on('fusion/gating', (m: Any) => {
  gating.update(m);
  debug.gatingMessages++;
});
connection.on('diagnostics', (m: Any) => diagnostics.update(m));
connection.on('safety/events', (m: Any) => appendSafetyEvent($('safety-events'), m));
let obstacles: Any;
connection.on('perception/obstacles', (m: Any) => (obstacles = m));

// ---- render loop: transforms are looked up once per frame, not per message ----
const lidarToMap = new Matrix4();
const obstaclesToMap = new Matrix4();
const baseToMap = new Matrix4();
const position = new Vector3();
function frame(): void {
  if (tf.lookup('map', cloudFrame, lidarToMap)) cloud.object.matrix.copy(lidarToMap);
  if (!haveWorld && tf.lookup('map', 'base_link', baseToMap)) {
    // On a robot there is no ground-truth scene: the pose comes from tf.
    position.setFromMatrixPosition(baseToMap);
    const yaw = Math.atan2(baseToMap.elements[1]!, baseToMap.elements[0]!);
    world.setRobotPose(position.x, position.y, { x: 0, y: 0, z: Math.sin(yaw / 2), w: Math.cos(yaw / 2) });
  }
  if (obstacles !== undefined) {
    world.updateObstacles(obstacles, tf.lookup('map', obstacles.header.frame_id, obstaclesToMap) ? obstaclesToMap : undefined);
    obstacles = undefined;
  }
  scene.render();
  requestAnimationFrame(frame);
}

// ---- hooks for tests and the console (read-only figures plus projection helpers) ----
const debug = {
  clouds: 0,
  gatingMessages: 0,
  goals: [] as { x: number; y: number; sent: boolean }[],
  get pointCount() { return cloud.count; },
  get cloudUpdateMs() { return cloud.lastUpdateMs; },
  /** Colour mode asked for, and the one the last cloud was drawn in. */
  get cloudColor() { return { mode: cloud.colorMode, shown: cloud.shownColorMode }; },
  get frames() { return scene.frames; },
  get gating() { return { ...gating.current }; },
  get connection() { return connectionEl.dataset['state']; },
  get stats() { return connection.stats; },
  /** Client pixel of cloud point i (in map coordinates after tf), for screenshot checks. */
  cloudPointOnScreen(i: number) {
    const attr = cloud.object.geometry.getAttribute('position');
    const p = new Vector3(attr.getX(i), attr.getY(i), attr.getZ(i)).applyMatrix4(cloud.object.matrix);
    return scene.toClient(p);
  },
  mapPointOnScreen(x: number, y: number) { return scene.toClient(new Vector3(x, y, 0)); },
  viewFrom(x: number, y: number, z: number, tx: number, ty: number) {
    scene.camera.position.set(x, y, z);
    scene.controls.target.set(tx, ty, 0);
    scene.controls.update();
  },
};
(window as unknown as { __viz: typeof debug }).__viz = debug;

connection.connect();
requestAnimationFrame(frame);
