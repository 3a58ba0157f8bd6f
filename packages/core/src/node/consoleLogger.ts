import type { Logger } from './NodeDefinition.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A Logger writing `[level] [name] message {fields}` to stderr, from `level` up. */
export function consoleLogger(options: { name?: string; level?: LogLevel } = {}): Logger {
  const min = ORDER[options.level ?? 'info'];
  const prefix = options.name === undefined ? '' : ` [${options.name}]`;
  const write = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const tail = fields === undefined || Object.keys(fields).length === 0 ? '' : ` ${safeJson(fields)}`;
    process.stderr.write(`[${level.toUpperCase()}]${prefix} ${message}${tail}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** The same logger with `node` added to every record's fields. */
export function childLogger(base: Logger, node: string): Logger {
  const wrap = (f: Logger['info']) => (message: string, fields?: Record<string, unknown>) => f(message, { node, ...fields });
  return { debug: wrap(base.debug), info: wrap(base.info), warn: wrap(base.warn), error: wrap(base.error) };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Error ? v.message : v));
  } catch {
    return String(value);
  }
}
