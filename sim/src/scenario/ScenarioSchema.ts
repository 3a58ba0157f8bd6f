import { z } from 'zod';

// The scenario file format is a contract shared with other authors: keys are only ever added, never renamed.

const vec2 = z.tuple([z.number(), z.number()]);
const vec3 = z.tuple([z.number(), z.number(), z.number()]);
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour "#rrggbb"');
const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

/** LiDAR material: `glass` lets LiDAR through (camera sees it faintly); `absorbing` returns little; `soft` is felt, hardly seen. */
export const MaterialSchema = z.enum(['default', 'glass', 'absorbing', 'soft']);
export type Material = z.infer<typeof MaterialSchema>;

const BoxSchema = z.strictObject({
  type: z.literal('box'),
  id: z.string().optional(),
  position: vec2,
  size: vec3.refine((s) => s.every((v) => v > 0), 'positive sizes'),
  yaw: z.number().default(0),
  color: color.default('#8c8c8c'),
  material: MaterialSchema.default('default'),
});
const CylinderSchema = z.strictObject({
  type: z.literal('cylinder'),
  id: z.string().optional(),
  position: vec2,
  radius: positive,
  height: positive.default(1.0),
  color: color.default('#8c8c8c'),
  material: MaterialSchema.default('default'),
});
const WallSchema = z.strictObject({
  type: z.literal('wall'),
  id: z.string().optional(),
  from: vec2,
  to: vec2,
  height: positive.default(2.0),
  thickness: positive.default(0.1),
  color: color.default('#b0b0b0'),
  material: MaterialSchema.default('default'),
});
export const ObstacleSchema = z.discriminatedUnion('type', [BoxSchema, CylinderSchema, WallSchema]);
export type Obstacle = z.infer<typeof ObstacleSchema>;

export const ZoneSchema = z.strictObject({
  type: z.literal('keep-out'),
  id: z.string().optional(),
  polygon: z.array(vec2).min(3, 'a polygon of at least 3 points'),
  color: color.default('#ff0000'),
});
export type Zone = z.infer<typeof ZoneSchema>;

const MoverShapeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('cylinder'), radius: positive, height: positive.default(1.7) }),
  z.strictObject({ type: z.literal('box'), size: vec3.refine((s) => s.every((v) => v > 0), 'positive sizes') }),
]);
export const MoverSchema = z.strictObject({
  id: z.string().optional(),
  shape: MoverShapeSchema,
  path: z.array(vec2).min(2, 'a path of at least 2 points'),
  speed: positive,
  start: nonNegative.default(0),
  loop: z.boolean().default(false),
  color: color.default('#3366cc'),
  material: MaterialSchema.default('default'),
});
export type Mover = z.infer<typeof MoverSchema>;

export const SoundSchema = z.strictObject({
  id: z.string().optional(),
  position: vec2,
  /** `tone` (frequency), `alarm` (two-tone siren), `hum` (mains-like), `noise` (white), `wav` (file). */
  signal: z.enum(['tone', 'alarm', 'hum', 'noise', 'wav']),
  frequency: positive.default(1000),
  file: z.string().optional(),
  /** Sound pressure level at 1 m, dB SPL. */
  level_db: z.number().min(0).max(140).default(70),
  start: nonNegative.default(0),
  duration: positive.optional(),
  loop: z.boolean().default(true),
}).refine((s) => s.signal !== 'wav' || s.file !== undefined, { message: 'a `file` for signal: wav', path: ['file'] });
export type Sound = z.infer<typeof SoundSchema>;

export const SensorNameSchema = z.enum(['lidar', 'camera', 'audio', 'touch', 'imu', 'odom']);
export type SensorName = z.infer<typeof SensorNameSchema>;
export const FaultKindSchema = z.enum(['dropout', 'freeze', 'noise', 'dark']);
export type FaultKind = z.infer<typeof FaultKindSchema>;

export const FaultSchema = z.strictObject({
  at: nonNegative,
  sensor: SensorNameSchema,
  kind: FaultKindSchema,
  duration: positive,
  /** For `noise`: scale of the added noise (1 = the sensor's default fault noise). */
  level: positive.default(1),
});
export type Fault = z.infer<typeof FaultSchema>;

export const GatingExpectationSchema = z.strictObject({
  when: z.literal('obstacle_within'),
  distance: positive,
  modality: z.string().min(1),
  min_weight: z.number().min(0).max(1),
  within: positive,
});
export type GatingExpectation = z.infer<typeof GatingExpectationSchema>;

export const ScenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().default(''),
  seed: z.number().int().nonnegative().default(0),
  duration: positive,
  world: z.strictObject({
    size: vec2.refine((s) => s[0] > 0 && s[1] > 0, 'positive sizes'),
    open: z.boolean().default(false),
    lighting: z.number().min(0).max(2).default(1),
    obstacles: z.array(ObstacleSchema).default([]),
    zones: z.array(ZoneSchema).default([]),
    movers: z.array(MoverSchema).default([]),
    sounds: z.array(SoundSchema).default([]),
  }),
  robot: z.strictObject({
    start: z.strictObject({ position: vec2, yaw: z.number().default(0) }),
  }),
  goal: z.strictObject({ position: vec2, tolerance: positive.default(0.5) }),
  faults: z.array(FaultSchema).default([]),
  expect: z
    .strictObject({
      reach_goal: z.boolean().default(true),
      max_collisions: z.number().int().nonnegative().default(0),
      min_clearance: nonNegative.optional(),
      max_time: positive.optional(),
      max_infractions: z.number().int().nonnegative().optional(),
      min_driving_score: z.number().min(0).max(1).optional(),
      gating: z.array(GatingExpectationSchema).default([]),
    })
    .default({ reach_goal: true, max_collisions: 0, gating: [] }),
});

/** A validated scenario, defaults filled in. */
export type Scenario = z.infer<typeof ScenarioSchema> & { /** Where it was loaded from, if a file. */ file?: string };
