import type { Clock } from '../clock/Clock.js';
import type { NodeDiagnostics } from '../node/NodeDefinition.js';
import { diffSec } from '../time/Time.js';
import type { Time } from '../time/Time.js';
import { ArrivalRate } from './ArrivalRate.js';
import { dropReason } from './dropReason.js';
import { SampleRing } from './SampleRing.js';

export interface TopicStats {
  readonly topic: string;
  readonly direction: 'in' | 'out';
  readonly count: number;
  readonly rateHz: number;
}

export interface DropStats {
  readonly topic: string;
  readonly reason: string;
  readonly count: number;
  /** Message of the last error behind these drops, if any. */
  readonly lastError?: string;
}

export interface StageStats {
  readonly name: string;
  readonly count: number;
  readonly processingMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Age of the data at the end of this stage (clock now − sensor stamp): end-to-end latency so far. */
  readonly ageMs?: { readonly p50: number; readonly p99: number };
}

/** Everything one node reported, at one instant. */
export interface NodeDiagnosticsSnapshot {
  readonly topics: readonly TopicStats[];
  readonly drops: readonly DropStats[];
  readonly stages: readonly StageStats[];
  readonly counters: Readonly<Record<string, number>>;
  readonly gauges: Readonly<Record<string, number | string>>;
}

interface Drop {
  count: number;
  lastError: string | undefined;
}

interface Stage {
  readonly processing: SampleRing;
  readonly age: SampleRing;
}

/**
 * The runtime's implementation of `NodeDiagnostics`, plus the receive/publish counting the node context
 * does for every topic. Per-message calls allocate nothing once a topic/stage has been seen.
 */
export class NodeDiagnosticsRecorder implements NodeDiagnostics {
  readonly #clock: Clock;
  readonly #inputs = new Map<string, ArrivalRate>();
  readonly #outputs = new Map<string, ArrivalRate>();
  readonly #drops = new Map<string, Map<string, Drop>>();
  readonly #stages = new Map<string, Stage>();
  readonly #counters = new Map<string, number>();
  readonly #gauges = new Map<string, number | string>();
  readonly #recentDrops = new ArrivalRate(64);

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The rate meter for a subscribed topic (the context keeps it, so counting is one call). */
  input(topic: string): ArrivalRate {
    return getOrCreate(this.#inputs, topic, () => new ArrivalRate());
  }

  output(topic: string): ArrivalRate {
    return getOrCreate(this.#outputs, topic, () => new ArrivalRate());
  }

  drop(topic: string, reason: string, error?: unknown): void {
    const byReason = getOrCreate(this.#drops, topic, () => new Map<string, Drop>());
    const drop = getOrCreate(byReason, reason || dropReason(error), () => ({ count: 0, lastError: undefined }));
    drop.count++;
    this.#recentDrops.record(this.#clock.nowSec());
    if (error !== undefined) drop.lastError = error instanceof Error ? error.message : String(error);
  }

  stage(name: string, processingMs: number, sensorStamp?: Time): void {
    const stage = getOrCreate(this.#stages, name, () => ({ processing: new SampleRing(), age: new SampleRing() }));
    stage.processing.push(processingMs);
    if (sensorStamp !== undefined) stage.age.push(diffSec(this.#clock.now(), sensorStamp) * 1000);
  }

  count(name: string, increment = 1): void {
    this.#counters.set(name, (this.#counters.get(name) ?? 0) + increment);
  }

  gauge(name: string, value: number | string): void {
    this.#gauges.set(name, value);
  }

  /** Total drops over all topics and reasons. */
  totalDrops(): number {
    let n = 0;
    for (const byReason of this.#drops.values()) for (const d of byReason.values()) n += d.count;
    return n;
  }

  /** Drops in the last `windowSec` of clock time (at most 64 are remembered). */
  recentDrops(windowSec = 5): number {
    return this.#recentDrops.countWithin(this.#clock.nowSec(), windowSec);
  }

  snapshot(): NodeDiagnosticsSnapshot {
    const now = this.#clock.nowSec();
    const topics: TopicStats[] = [];
    for (const [topic, rate] of this.#inputs) topics.push({ topic, direction: 'in', count: rate.count, rateHz: rate.rateHz(now) });
    for (const [topic, rate] of this.#outputs) {
      topics.push({ topic, direction: 'out', count: rate.count, rateHz: rate.rateHz(now) });
    }
    const drops: DropStats[] = [];
    for (const [topic, byReason] of this.#drops) {
      for (const [reason, d] of byReason) {
        drops.push(d.lastError === undefined ? { topic, reason, count: d.count } : { topic, reason, count: d.count, lastError: d.lastError });
      }
    }
    const stages: StageStats[] = [];
    for (const [name, s] of this.#stages) {
      const [p50 = Number.NaN, p99 = Number.NaN] = s.processing.percentiles([50, 99]);
      const base = { name, count: s.processing.total, processingMs: { p50, p99, max: s.processing.max() } };
      if (s.age.size > 0) {
        const [a50 = Number.NaN, a99 = Number.NaN] = s.age.percentiles([50, 99]);
        stages.push({ ...base, ageMs: { p50: a50, p99: a99 } });
      } else stages.push(base);
    }
    return {
      topics,
      drops,
      stages,
      counters: Object.fromEntries(this.#counters),
      gauges: Object.fromEntries(this.#gauges),
    };
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
