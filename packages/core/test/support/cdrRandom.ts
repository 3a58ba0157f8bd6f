// Seeded random messages built from a CdrSchema, for codec reference and fuzz tests.
import { PRIMITIVE_SIZE } from '../../src/cdr/CdrSchema.js';
import type { CdrField, CdrStruct, PrimitiveType } from '../../src/cdr/CdrSchema.js';

export function randInt(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_/ .-#';

/** ASCII only: @foxglove/cdr's writer sizes strings by UTF-16 length, so non-ASCII cannot be compared. */
export function randomString(rand: () => number, maxLength = 40): string {
  const length = rand() < 0.15 ? 0 : randInt(rand, 1, maxLength);
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randInt(rand, 0, ALPHABET.length - 1)];
  return s;
}

export function randomPrimitive(rand: () => number, type: PrimitiveType): number | boolean | bigint {
  switch (type) {
    case 'bool':
      return rand() < 0.5;
    case 'int8':
      return randInt(rand, -128, 127);
    case 'uint8':
      return randInt(rand, 0, 255);
    case 'int16':
      return randInt(rand, -32768, 32767);
    case 'uint16':
      return randInt(rand, 0, 65535);
    case 'int32':
      return randInt(rand, -2147483648, 2147483647);
    case 'uint32':
      return randInt(rand, 0, 4294967295);
    case 'int64':
      return BigInt(randInt(rand, -2147483648, 2147483647)) * 4294967296n + BigInt(randInt(rand, 0, 4294967295));
    case 'uint64':
      return BigInt(randInt(rand, 0, 4294967295)) * 4294967296n + BigInt(randInt(rand, 0, 4294967295));
    case 'float32':
      return specialFloat(rand) ?? Math.fround((rand() - 0.5) * 10 ** randInt(rand, -3, 6));
    case 'float64':
      return specialFloat(rand) ?? (rand() - 0.5) * 10 ** randInt(rand, -6, 12);
  }
}

function specialFloat(rand: () => number): number | undefined {
  const r = rand();
  if (r < 0.02) return Number.NaN;
  if (r < 0.04) return Number.POSITIVE_INFINITY;
  if (r < 0.06) return -0;
  if (r < 0.08) return 0;
  return undefined;
}

const TYPED: Record<Exclude<PrimitiveType, 'bool'>, { new (n: number): ArrayLike<unknown> & { [i: number]: unknown } }> = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
};

function randomLength(rand: () => number): number {
  const r = rand();
  if (r < 0.2) return 0;
  if (r < 0.6) return randInt(rand, 1, 9);
  return randInt(rand, 10, 40); // ≥ 10 takes @foxglove/cdr's block-copy path
}

export function randomArray(rand: () => number, type: PrimitiveType, length: number): unknown {
  if (type === 'bool') return Array.from({ length }, () => rand() < 0.5);
  const out = new TYPED[type](length);
  for (let i = 0; i < length; i++) out[i] = randomPrimitive(rand, type);
  return out;
}

export function randomMessage(rand: () => number, struct: CdrStruct, depth = 0): Record<string, unknown> {
  const msg: Record<string, unknown> = {};
  for (const field of struct.fields) msg[field.name] = randomField(rand, field, depth);
  return msg;
}

function randomField(rand: () => number, field: CdrField, depth: number): unknown {
  switch (field.kind) {
    case 'primitive':
      return randomPrimitive(rand, field.type);
    case 'string':
      return randomString(rand);
    case 'struct':
      return randomMessage(rand, field.struct, depth + 1);
    case 'primitiveArray':
      return randomArray(rand, field.type, field.length ?? randomLength(rand));
    case 'stringArray':
      return Array.from({ length: field.length ?? Math.min(6, randomLength(rand)) }, () => randomString(rand));
    case 'structArray': {
      const length = field.length ?? (depth > 2 ? randInt(rand, 0, 1) : randInt(rand, 0, 4));
      return Array.from({ length }, () => randomMessage(rand, field.struct, depth + 1));
    }
  }
}

export { PRIMITIVE_SIZE };
