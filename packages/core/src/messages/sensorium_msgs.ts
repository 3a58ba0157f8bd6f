// Mirrors ros/sensorium_msgs/msg/*.msg; test/messages.msg.test.ts keeps the two in step.
import type { Header } from './std_msgs.js';
import type { Point, Pose, Vector3 } from './geometry_msgs.js';
import type { Time } from '../time/Time.js';

/** sensorium_msgs/msg/TactileArray */
export interface TactileArray {
  header: Header;
  pressures: Float32Array;
  positions: Float32Array;
  normals: Float32Array;
}
/** sensorium_msgs/msg/FeatureTokens */
export interface FeatureTokens {
  header: Header;
  modality: string;
  count: number;
  dim: number;
  data: Float32Array;
}
/** sensorium_msgs/msg/ModalityWeights */
export interface ModalityWeights {
  header: Header;
  modalities: string[];
  weights: Float32Array;
  active_modules: string[];
  stale: boolean[];
}
/** sensorium_msgs/msg/FusedPercept */
export interface FusedPercept {
  header: Header;
  embedding: Float32Array;
  modalities: string[];
  weights: Float32Array;
  nearest_obstacle_distance: number;
  nearest_obstacle_bearing: number;
  obstacle_ahead_score: number;
  obstacle_count: number;
  contact: boolean;
}
/** sensorium_msgs/msg/AudioEvent */
export interface AudioEvent {
  onset: Time;
  kind: string;
  level_db: number;
  bearing: number;
  confidence: number;
}
/** sensorium_msgs/msg/AudioEventArray */
export interface AudioEventArray {
  header: Header;
  events: AudioEvent[];
}
/** sensorium_msgs/msg/TouchContacts */
export interface TouchContacts {
  header: Header;
  taxels: Uint32Array;
  total_pressure: number;
  centroid: Point;
  bump: boolean;
  bearing: number;
}
/** sensorium_msgs/msg/SectorRanges */
export interface SectorRanges {
  header: Header;
  angle_min: number;
  angle_increment: number;
  ranges: Float32Array;
}
/** sensorium_msgs/msg/SafetyEvent */
export interface SafetyEvent {
  header: Header;
  reason: string;
  detail: string;
  scale: number;
}
/** sensorium_msgs/msg/SceneObject */
export interface SceneObject {
  id: string;
  shape: string;
  pose: Pose;
  size: Vector3;
  color: string;
  material: string;
  polygon: Float32Array;
}
/** sensorium_msgs/msg/WorldState */
export interface WorldState {
  header: Header;
  objects: SceneObject[];
}
/** sensorium_msgs/msg/ScenarioStatus */
export interface ScenarioStatus {
  header: Header;
  name: string;
  state: string;
  sim_time: number;
  route_completion: number;
  collisions: number;
  min_clearance: number;
  infractions: number;
  driving_score: number;
  passed: boolean;
}
