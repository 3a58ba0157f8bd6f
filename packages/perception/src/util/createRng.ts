import { seededRandom } from '@sensorium/core';

/** Seeded uniform [0, 1) generator for RANSAC and tests: core's mulberry32, named for this package's callers. */
export const createRng: (seed: number) => () => number = seededRandom;
