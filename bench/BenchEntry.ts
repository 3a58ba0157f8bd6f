// The bench contract lives with its runner (`sensorium bench`); bench files import it from here.
export type { BenchEntry, BenchResult } from '../packages/cli/src/BenchEntry.js';
