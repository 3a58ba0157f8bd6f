import { cropBox, type Box3 } from './cropBox.js';
import { EuclideanClusterer } from './EuclideanClusterer.js';
import { summarizeClusters, type Obstacle } from './Obstacle.js';
import { ransacPlane, type PlaneResult } from './ransacPlane.js';
import { sectorRanges } from './sectorRanges.js';
import { VoxelGrid } from './VoxelGrid.js';

export interface PointCloudPipelineOptions {
  crop: Box3;
  voxelSize: number;
  ground: {
    distanceThreshold: number;
    maxIterations: number;
    /** Max angle (rad) between the ground normal and `axis`. */
    maxAngleRad: number;
    axis?: readonly [number, number, number];
    seed: number;
  };
  cluster: { tolerance: number; minPoints: number; maxPoints: number };
  sectors: { count: number; rangeMax: number };
}

export const DEFAULT_POINTCLOUD_OPTIONS: Readonly<PointCloudPipelineOptions> = Object.freeze<PointCloudPipelineOptions>({
  crop: { min: [-20, -20, -3], max: [20, 20, 3] },
  voxelSize: 0.1,
  ground: { distanceThreshold: 0.15, maxIterations: 60, maxAngleRad: (10 * Math.PI) / 180, seed: 1 },
  cluster: { tolerance: 0.35, minPoints: 3, maxPoints: 50_000 },
  sectors: { count: 36, rangeMax: 20 },
});

export interface PointCloudResult {
  inputPoints: number;
  croppedPoints: number;
  voxels: number;
  /** Ground plane in the cloud frame (normal up), undefined when none fits the constraint. */
  ground: PlaneResult | undefined;
  /** Nearest first. */
  obstacles: Obstacle[];
  /** Min horizontal range per sector (view into a reused buffer), sector 0 starting at −π. */
  sectorRanges: Float32Array;
  /** Downsampled points (view, valid until the next call) and which are ground. */
  voxelXyz: Float32Array;
  groundMask: Uint8Array;
}

/**
 * crop box → voxel-grid centroid → RANSAC ground (normal constraint) → Euclidean clustering of the rest →
 * obstacles + sector ranges. Holds every buffer, so steady-state processing allocates only the small
 * obstacle list.
 */
export class PointCloudPipeline {
  readonly options: PointCloudPipelineOptions;
  private readonly voxelGrid: VoxelGrid;
  private readonly clusterer: EuclideanClusterer;
  private cropped = new Float32Array(0);
  private voxels = new Float32Array(0);
  private mask = new Uint8Array(0);
  private readonly sectors: Float32Array;

  constructor(options: Partial<PointCloudPipelineOptions> = {}) {
    this.options = { ...DEFAULT_POINTCLOUD_OPTIONS, ...options };
    this.voxelGrid = new VoxelGrid(this.options.voxelSize);
    this.clusterer = new EuclideanClusterer(this.options.cluster);
    this.sectors = new Float32Array(this.options.sectors.count);
  }

  process(xyz: Float32Array, count: number): PointCloudResult {
    if (this.cropped.length < count * 3) {
      this.cropped = new Float32Array(count * 3);
      this.voxels = new Float32Array(count * 3);
      this.mask = new Uint8Array(count);
    }
    const o = this.options;
    const cropped = cropBox(xyz, count, o.crop, this.cropped);
    const voxels = this.voxelGrid.filter(this.cropped, cropped, this.voxels);
    const ground = ransacPlane(this.voxels, voxels, o.ground, this.mask);
    if (ground !== undefined) {
      // points well below the ground plane are noise (multipath), never obstacles
      const [nx, ny, nz] = ground.normal;
      for (let i = 0; i < voxels; i++) {
        const j = i * 3;
        if (nx * this.voxels[j]! + ny * this.voxels[j + 1]! + nz * this.voxels[j + 2]! + ground.d < 0) this.mask[i] = 1;
      }
    }
    const skip = ground === undefined ? undefined : this.mask;
    if (ground === undefined) this.mask.fill(0, 0, voxels);
    const clusters = this.clusterer.extract(this.voxels, voxels, skip);
    const obstacles = summarizeClusters(this.voxels, clusters);
    sectorRanges(this.voxels, voxels, skip, { sectors: o.sectors.count, rangeMax: o.sectors.rangeMax }, this.sectors);
    return {
      inputPoints: count,
      croppedPoints: cropped,
      voxels,
      ground,
      obstacles,
      sectorRanges: this.sectors,
      voxelXyz: this.voxels.subarray(0, voxels * 3),
      groundMask: this.mask.subarray(0, voxels),
    };
  }
}
