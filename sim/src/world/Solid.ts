import type { Material } from '../scenario/ScenarioSchema.js';

/** A static or moving solid in plan view (map frame), extruded from the floor to `height`. */
export interface Solid {
  readonly id: string;
  readonly kind: 'box' | 'cylinder' | 'wall' | 'mover';
  /** Plan shape: oriented rectangle (half extents hx, hy) or circle (radius in hx). */
  readonly shape: 'rect' | 'circle';
  x: number;
  y: number;
  yaw: number;
  readonly hx: number;
  readonly hy: number;
  readonly height: number;
  readonly material: Material;
  readonly colorHex: string;
  /** Linear RGB albedo 0..1. */
  readonly albedo: readonly [number, number, number];
  /** Plan polygon (rect corners), refreshed when a mover moves; empty for circles. */
  readonly corners: Float64Array;
}

/** LiDAR reflectivity per material (intensity scale and, for `absorbing`, return probability). */
export const LIDAR_REFLECTIVITY: Record<Material, number> = { default: 0.6, glass: 0.05, absorbing: 0.04, soft: 0.3 };

export function parseColor(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}
