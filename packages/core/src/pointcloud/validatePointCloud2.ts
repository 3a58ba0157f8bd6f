import type { PointCloud2 } from '../messages/sensor_msgs.js';
import { ValidationError } from '../errors/ValidationError.js';
import type { ErrorContext } from '../errors/SensoriumError.js';
import { POINT_FIELD_DATATYPES } from './pointFieldDatatypes.js';

/**
 * Checks that a PointCloud2's layout is self-consistent before anyone indexes into `data`:
 * known datatypes, count ≥ 1, fields inside point_step and not overlapping, unique names,
 * row_step ≥ width × point_step and data.length = row_step × height.
 * Throws ValidationError naming the offending field and what was expected.
 */
export function validatePointCloud2(msg: PointCloud2, context: ErrorContext = {}): void {
  const fail = (message: string, field: string, expected: string, actual: string | number): never => {
    throw new ValidationError(`invalid PointCloud2: ${message}`, { context: { ...context, field, expected, actual: String(actual) } });
  };
  const { width, height, point_step: pointStep, row_step: rowStep } = msg;
  for (const [name, value] of [['width', width], ['height', height], ['point_step', pointStep], ['row_step', rowStep]] as const) {
    if (!Number.isInteger(value) || value < 0) fail(`${name} is not a uint32`, name, 'an integer ≥ 0', value);
  }
  const spans: Array<{ start: number; end: number; index: number }> = [];
  const names = new Set<string>();
  msg.fields.forEach((field, index) => {
    const where = `fields[${index}]`;
    const info = POINT_FIELD_DATATYPES.get(field.datatype);
    if (info === undefined) fail(`field "${field.name}" has an unknown datatype`, `${where}.datatype`, '1..8 (INT8..FLOAT64)', field.datatype);
    if (!Number.isInteger(field.count) || field.count < 1) fail(`field "${field.name}" has count ${field.count}`, `${where}.count`, '≥ 1', field.count);
    if (names.has(field.name)) fail(`field name "${field.name}" appears twice`, `${where}.name`, 'unique field names', field.name);
    names.add(field.name);
    const size = (info?.size ?? 1) * field.count;
    if (!Number.isInteger(field.offset) || field.offset < 0 || field.offset + size > pointStep) {
      fail(
        `field "${field.name}" (${field.offset}..${field.offset + size}) overruns point_step ${pointStep}`,
        `${where}.offset`,
        `offset + ${size} ≤ point_step (${pointStep})`,
        field.offset,
      );
    }
    spans.push({ start: field.offset, end: field.offset + size, index });
  });
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    const prev = spans[i - 1];
    const cur = spans[i];
    if (prev !== undefined && cur !== undefined && cur.start < prev.end) {
      const a = msg.fields[prev.index];
      const b = msg.fields[cur.index];
      fail(
        `fields "${a?.name}" and "${b?.name}" overlap`,
        `fields[${cur.index}].offset`,
        `≥ ${prev.end} (end of "${a?.name}")`,
        cur.start,
      );
    }
  }
  if (rowStep < width * pointStep) fail('row_step is shorter than a row of points', 'row_step', `≥ width × point_step = ${width * pointStep}`, rowStep);
  if (msg.data.length !== rowStep * height) fail('data length does not match row_step × height', 'data', `${rowStep * height} bytes`, `${msg.data.length} bytes`);
}
