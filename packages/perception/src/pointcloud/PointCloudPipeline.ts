import { cropBox, type Box3 } from './cropBox.js';
import { EuclideanClusterer } from './EuclideanClusterer.js';
import type { Obstacle } from './Obstacle.js';
import { GroundPlaneFitter } from './GroundPlaneFitter.js';
import type { PlaneResult } from './ransacPlane.js';
import { sectorRanges } from './sectorRanges.js';
import { DEFAULT_STRUCTURE_OPTIONS, StructureSplitter, type StructureOptions } from './StructureSplitter.js';
import { VoxelGrid } from './VoxelGrid.js';

export interface PointCloudPipelineOptions {
  crop: Box3;
  voxelSize: number;
  ground: {
    distanceThreshold: number;
    maxIterations: number;
    /** Max angle (rad) between the ground normal and `axis`. */
    maxAngleRad: number;
    /** Prior "up" in the cloud frame (default +z); e.g. gravity from an IMU. */
    axis?: readonly [number, number, number];
    seed: number;
    /**
     * Only points within this horizontal range (m) are candidates for the plane fit (then every voxel is
     * classified against the plane): the ground that matters is around the robot, and far returns on
     * ramps and walls otherwise tilt the fit.
     */
    maxRange: number;
    /** `lowest` (default): the lowest well-supported surface along the axis; `largest`: plain RANSAC. See GroundPlaneFitter. */
    strategy: 'lowest' | 'largest';
    /** Share of the candidates (and at least `lowestMinPoints`) a height band needs to be the ground. */
    lowestMinFraction: number;
    lowestMinPoints: number;
  };
  /** Points closer than this (m) to the sensor are dropped: zero/no-return points and self-hits. */
  minRange: number;
  cluster: { tolerance: number; minPoints: number; maxPoints: number };
  sectors: { count: number; rangeMax: number };
  /** Which clusters are structures (walls, a room's outline) and how they are segmented. */
  structures: StructureOptions;
}

export const DEFAULT_POINTCLOUD_OPTIONS: Readonly<PointCloudPipelineOptions> = Object.freeze<PointCloudPipelineOptions>({
  crop: { min: [-20, -20, -3], max: [20, 20, 3] },
  voxelSize: 0.1,
  ground: { distanceThreshold: 0.15, maxIterations: 100, maxAngleRad: (10 * Math.PI) / 180, seed: 1, maxRange: 10, strategy: 'lowest', lowestMinFraction: 0.005, lowestMinPoints: 50 },
  minRange: 0.3,
  cluster: { tolerance: 0.35, minPoints: 3, maxPoints: 50_000 },
  sectors: { count: 36, rangeMax: 20 },
  structures: DEFAULT_STRUCTURE_OPTIONS,
});

/** Options with every group optional; missing values come from {@link DEFAULT_POINTCLOUD_OPTIONS}. */
export interface PointCloudPipelineInit {
  crop?: Box3;
  voxelSize?: number;
  minRange?: number;
  ground?: Partial<PointCloudPipelineOptions['ground']>;
  cluster?: Partial<PointCloudPipelineOptions['cluster']>;
  sectors?: Partial<PointCloudPipelineOptions['sectors']>;
  structures?: Partial<StructureOptions>;
}

export interface PointCloudResult {
  inputPoints: number;
  croppedPoints: number;
  voxels: number;
  /** Ground plane in the cloud frame (normal up), undefined when none fits the constraint. */
  ground: PlaneResult | undefined;
  /** One per cluster, nearest first; `kind` tells obstacles from structures (walls, the room's outline). */
  obstacles: Obstacle[];
  /** The structure clusters cut into segments (≤ `structures.segment` across), nearest first. */
  structures: Obstacle[];
  /** Min horizontal range per sector (view into a reused buffer), sector 0 centred ahead, counter-clockwise. */
  sectorRanges: Float32Array;
  /** Downsampled points (view, valid until the next call) and which are ground. */
  voxelXyz: Float32Array;
  groundMask: Uint8Array;
}

/**
 * crop box (and min range) → voxel-grid centroid → RANSAC ground (normal constraint, fitted on the points
 * within `ground.maxRange`) → Euclidean clustering of the rest →
 * obstacles + sector ranges. Holds every buffer, so steady-state processing allocates only the small
 * obstacle list.
 */
export class PointCloudPipeline {
  readonly options: PointCloudPipelineOptions;
  private readonly voxelGrid: VoxelGrid;
  private readonly clusterer: EuclideanClusterer;
  private readonly splitter: StructureSplitter;
  private readonly groundFitter = new GroundPlaneFitter();
  private groundAxis: readonly [number, number, number] | undefined;
  private cropped = new Float32Array(0);
  private voxels = new Float32Array(0);
  private mask = new Uint8Array(0);
  private candidates = new Float32Array(0);
  private candidateMask = new Uint8Array(0);
  private readonly sectors: Float32Array;

  constructor(options: PointCloudPipelineInit = {}) {
    const d = DEFAULT_POINTCLOUD_OPTIONS;
    this.options = {
      ...d,
      ...options,
      ground: { ...d.ground, ...options.ground },
      cluster: { ...d.cluster, ...options.cluster },
      sectors: { ...d.sectors, ...options.sectors },
      structures: { ...d.structures, ...options.structures },
    };
    this.voxelGrid = new VoxelGrid(this.options.voxelSize);
    this.clusterer = new EuclideanClusterer(this.options.cluster);
    this.splitter = new StructureSplitter(this.options.structures);
    this.sectors = new Float32Array(this.options.sectors.count);
  }

  /**
   * Sets the ground's prior "up" in the cloud frame (unit vector, e.g. gravity from an IMU), or back to the
   * configured one with undefined. The normal constraint (`maxAngleRad`) is then measured from it.
   */
  setGroundAxis(axis: readonly [number, number, number] | undefined): void {
    this.groundAxis = axis;
  }

  /** Which strategy gave the last ground plane (`lowest` falls back to `largest` when no plane has the floor's shape). */
  get groundStrategy(): 'lowest' | 'largest' {
    return this.groundFitter.lastStrategy;
  }

  process(xyz: Float32Array, count: number): PointCloudResult {
    if (this.cropped.length < count * 3) {
      this.cropped = new Float32Array(count * 3);
      this.voxels = new Float32Array(count * 3);
      this.mask = new Uint8Array(count);
      this.candidates = new Float32Array(count * 3);
      this.candidateMask = new Uint8Array(count);
    }
    const o = this.options;
    let cropped = cropBox(xyz, count, o.crop, this.cropped);
    cropped = dropNear(this.cropped, cropped, o.minRange);
    const voxels = this.voxelGrid.filter(this.cropped, cropped, this.voxels);
    // The plane is fitted on the full-density points near the robot (dense ground dominates there), then
    // every voxel is classified against it.
    const maxR2 = o.ground.maxRange * o.ground.maxRange;
    let nc = 0;
    for (let i = 0; i < cropped; i++) {
      const j = i * 3;
      const x = this.cropped[j]!, y = this.cropped[j + 1]!;
      if (x * x + y * y <= maxR2) {
        this.candidates[nc * 3] = x;
        this.candidates[nc * 3 + 1] = y;
        this.candidates[nc * 3 + 2] = this.cropped[j + 2]!;
        nc++;
      }
    }
    const groundOptions = this.groundAxis === undefined ? o.ground : { ...o.ground, axis: this.groundAxis };
    const ground = this.groundFitter.fit(this.candidates, nc, groundOptions, this.candidateMask);
    if (ground !== undefined) {
      // ground = within the threshold of the plane, or below it (multipath noise, never an obstacle)
      const [nx, ny, nz] = ground.normal;
      const thr = o.ground.distanceThreshold;
      for (let i = 0; i < voxels; i++) {
        const j = i * 3;
        this.mask[i] = nx * this.voxels[j]! + ny * this.voxels[j + 1]! + nz * this.voxels[j + 2]! + ground.d <= thr ? 1 : 0;
      }
    }
    const skip = ground === undefined ? undefined : this.mask;
    if (ground === undefined) this.mask.fill(0, 0, voxels);
    const clusters = this.clusterer.extract(this.voxels, voxels, skip);
    const { obstacles, structures } = this.splitter.split(this.voxels, clusters);
    sectorRanges(this.voxels, voxels, skip, { sectors: o.sectors.count, rangeMax: o.sectors.rangeMax }, this.sectors);
    return {
      inputPoints: count,
      croppedPoints: cropped,
      voxels,
      ground,
      obstacles,
      structures,
      sectorRanges: this.sectors,
      voxelXyz: this.voxels.subarray(0, voxels * 3),
      groundMask: this.mask.subarray(0, voxels),
    };
  }
}

/** Drops points within `minRange` of the origin in place; returns the new count. */
function dropNear(xyz: Float32Array, count: number, minRange: number): number {
  const min2 = minRange * minRange;
  let n = 0;
  for (let i = 0; i < count; i++) {
    const j = i * 3;
    const x = xyz[j]!, y = xyz[j + 1]!, z = xyz[j + 2]!;
    if (x * x + y * y + z * z < min2) continue;
    const k = n * 3;
    xyz[k] = x;
    xyz[k + 1] = y;
    xyz[k + 2] = z;
    n++;
  }
  return n;
}
