import { ConfigError } from '@sensorium/core';

/** What a numeric command-line option accepts; `expected` is the wording the error shows. */
export interface NumberOptionRule {
  /** The option as typed, e.g. `--rate`. */
  field: string;
  expected: string;
  integer?: boolean;
  /** Inclusive bounds. */
  min?: number;
  max?: number;
  /** Exclusive lower bound (a rate or period that must be > 0). */
  above?: number;
}

/**
 * Parses an optional numeric option: `undefined` when absent, else a finite number within the rule, else a
 * ConfigError naming the option, what it expects and what was given (every command reports it the same way).
 */
export function numberOption(value: string | undefined, rule: NumberOptionRule): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const ok =
    value.trim() !== '' &&
    Number.isFinite(n) &&
    (rule.integer !== true || Number.isInteger(n)) &&
    (rule.min === undefined || n >= rule.min) &&
    (rule.max === undefined || n <= rule.max) &&
    (rule.above === undefined || n > rule.above);
  if (!ok) throw new ConfigError(`bad ${rule.field}`, { context: { field: rule.field, expected: rule.expected, actual: value } });
  return n;
}

/** `--topics a,b,/c` → `['/a', '/b', '/c']` (ROS names are absolute in recordings); undefined when absent. */
export function topicListOption(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0)
    .map((t) => (t.startsWith('/') ? t : `/${t}`));
}
