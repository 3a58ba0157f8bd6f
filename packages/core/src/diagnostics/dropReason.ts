import { SensoriumError } from '../errors/SensoriumError.js';

/** The short code a drop is counted under: a SensoriumError's `code`, an Error's string `code`, else `exception`. */
export function dropReason(error: unknown): string {
  if (error instanceof SensoriumError) return error.code;
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') {
    return (error as unknown as { code: string }).code;
  }
  return 'exception';
}
