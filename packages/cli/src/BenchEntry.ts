/**
 * Contract between bench files and the `sensorium bench` runner.
 * Each `bench/<area>.bench.ts` exports `entries: BenchEntry[]` (typed through bench/BenchEntry.ts, which
 * re-exports these); the runner imports them all.
 */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** Measured in the same run as `value` (median of several repetitions). */
  baseline: { name: string; value: number };
  /** value / baseline.value */
  ratio: number;
  goal: { max: number } | { min: number };
  notes?: string;
}

export interface BenchEntry {
  name: string;
  run(options: { quick: boolean }): Promise<BenchResult[]>;
}
