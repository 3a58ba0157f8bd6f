/**
 * Where a problem was found, so a user can act on the message without a debugger.
 * Every field is optional; fill in what the code that throws knows.
 */
export interface ErrorContext {
  /** ROS topic the data came from, e.g. `lidar/points`. */
  topic?: string;
  /** File the data came from. */
  file?: string;
  /** Field path inside a message or record, e.g. `fields[2].offset`. */
  field?: string;
  /** Byte offset into the buffer being decoded. */
  offset?: number;
  /** Node name (fully qualified where known). */
  node?: string;
  /** Parameter name. */
  parameter?: string;
  /** What was expected, in words (`0 ≤ value ≤ 10`, `rgb8 | bgr8 | mono8`). */
  expected?: string;
  /** What was found instead. */
  actual?: string;
}

export interface SensoriumErrorOptions {
  context?: ErrorContext;
  cause?: unknown;
}

/**
 * Root of Sensorium's error hierarchy. Each subclass has a stable `code` so callers and
 * diagnostics can count failures by kind without parsing messages.
 */
export class SensoriumError extends Error {
  readonly code: string = 'SENSORIUM_ERROR';
  readonly context: ErrorContext;

  constructor(message: string, options: SensoriumErrorOptions = {}) {
    super(formatMessage(message, options.context ?? {}), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.context = options.context ?? {};
  }

  /** The same error with more context (e.g. a decoder error given its topic by the node). */
  withContext(extra: ErrorContext): this {
    const Ctor = this.constructor as new (message: string, options: SensoriumErrorOptions) => this;
    return new Ctor(this.rawMessage(), { context: { ...this.context, ...extra }, cause: this.cause });
  }

  private rawMessage(): string {
    const i = this.message.indexOf(' [');
    return i < 0 ? this.message : this.message.slice(0, i);
  }
}

function formatMessage(message: string, context: ErrorContext): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(context)) {
    if (value !== undefined) parts.push(`${key}=${String(value)}`);
  }
  return parts.length === 0 ? message : `${message} [${parts.join(', ')}]`;
}
