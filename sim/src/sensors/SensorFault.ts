import type { Fault, FaultKind, SensorName } from '../scenario/ScenarioSchema.js';

/** The scenario's faults, queried per sensor and time: which kind is active, and how strong. */
export class FaultSchedule {
  constructor(private readonly faults: readonly Fault[]) {}

  /** The fault active on `sensor` at sim time t, if any (the first listed wins when they overlap). */
  active(sensor: SensorName, t: number): { kind: FaultKind; level: number } | undefined {
    for (const f of this.faults) {
      if (f.sensor === sensor && t >= f.at && t < f.at + f.duration) return { kind: f.kind, level: f.level };
    }
    return undefined;
  }
}
