// Public API of @sensorium/perception.
export * from './util/createRng.js';
export * from './pointcloud/CellHash.js';
export * from './pointcloud/cropBox.js';
export * from './pointcloud/VoxelGrid.js';
export * from './pointcloud/fitPlane.js';
export * from './pointcloud/ransacPlane.js';
export * from './pointcloud/EuclideanClusterer.js';
export * from './pointcloud/Obstacle.js';
export * from './pointcloud/sectorRanges.js';
export * from './pointcloud/extractXyz.js';
export * from './pointcloud/PointCloudPipeline.js';
export * from './camera/imageToPatches.js';
export * from './camera/VitEncoder.js';
