import { parse } from '@foxglove/rosmsg';

type MessageDefinition = ReturnType<typeof parse>[number];
type MessageDefinitionField = MessageDefinition['definitions'][number];

/** Numeric/bool CDR primitives with their size in bytes (also their XCDR1 alignment). */
export const PRIMITIVE_SIZE = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  uint64: 8,
  float32: 4,
  float64: 8,
} as const;
export type PrimitiveType = keyof typeof PRIMITIVE_SIZE;

/** A message type flattened for code generation: nested types resolved, `time`/`duration` as structs. */
export interface CdrStruct {
  readonly typeName: string;
  readonly fields: readonly CdrField[];
}

/** `length` is set for fixed-size arrays (`float64[9]`), absent for sequences (`float32[]`). */
export type CdrField =
  | { readonly kind: 'primitive'; readonly name: string; readonly type: PrimitiveType }
  | { readonly kind: 'string'; readonly name: string }
  | { readonly kind: 'struct'; readonly name: string; readonly struct: CdrStruct }
  | { readonly kind: 'primitiveArray'; readonly name: string; readonly type: PrimitiveType; readonly length?: number }
  | { readonly kind: 'stringArray'; readonly name: string; readonly length?: number }
  | { readonly kind: 'structArray'; readonly name: string; readonly struct: CdrStruct; readonly length?: number };

const TIME_STRUCT: CdrStruct = {
  typeName: 'builtin_interfaces/Time',
  fields: [
    { kind: 'primitive', name: 'sec', type: 'int32' },
    { kind: 'primitive', name: 'nanosec', type: 'uint32' },
  ],
};
const DURATION_STRUCT: CdrStruct = { ...TIME_STRUCT, typeName: 'builtin_interfaces/Duration' };

function isPrimitive(type: string): type is PrimitiveType {
  return Object.prototype.hasOwnProperty.call(PRIMITIVE_SIZE, type);
}

/**
 * Parses a `ros2msg` schema (main definition + `MSG:` blocks) into the tree the code generators walk.
 * Throws a plain Error for definitions it cannot serialise (wstring, empty structs, unknown types):
 * those are programming errors in a schema, not bad message bytes.
 */
export function parseCdrSchema(schemaText: string, rootName = 'root'): CdrStruct {
  const definitions = parse(schemaText, { ros2: true });
  const byName = new Map<string, MessageDefinition>();
  for (const def of definitions) if (def.name !== undefined) byName.set(def.name, def);
  const root = definitions[0];
  if (root === undefined) throw new Error(`empty message definition for ${rootName}`);
  const building = new Set<string>();
  const built = new Map<string, CdrStruct>();

  const toStruct = (typeName: string, fields: readonly MessageDefinitionField[]): CdrStruct => {
    const done = built.get(typeName);
    if (done !== undefined) return done;
    if (building.has(typeName)) throw new Error(`recursive message type ${typeName}`);
    building.add(typeName);
    const out: CdrField[] = [];
    for (const field of fields) {
      if (field.isConstant === true) continue;
      out.push(toField(typeName, field));
    }
    if (out.length === 0) throw new Error(`message type ${typeName} has no fields (not supported)`);
    building.delete(typeName);
    const struct = { typeName, fields: out };
    built.set(typeName, struct);
    return struct;
  };

  const nested = (type: string): CdrStruct | undefined => {
    if (type === 'time') return TIME_STRUCT;
    if (type === 'duration') return DURATION_STRUCT;
    const def = byName.get(type);
    return def === undefined ? undefined : toStruct(type, def.definitions);
  };

  const toField = (owner: string, field: MessageDefinitionField): CdrField => {
    const { name, type } = field;
    const length = field.arrayLength;
    const isArray = field.isArray === true;
    if (type === 'string') {
      return isArray ? withLength({ kind: 'stringArray', name }, length) : { kind: 'string', name };
    }
    if (isPrimitive(type)) {
      return isArray ? withLength({ kind: 'primitiveArray', name, type }, length) : { kind: 'primitive', name, type };
    }
    const struct = nested(type);
    if (struct === undefined) throw new Error(`${owner}.${name}: unsupported or unknown type ${type}`);
    return isArray ? withLength({ kind: 'structArray', name, struct }, length) : { kind: 'struct', name, struct };
  };

  return toStruct(rootName, root.definitions);
}

function withLength<T extends object>(field: T, length: number | undefined): T & { length?: number } {
  return length === undefined ? field : { ...field, length };
}

/** Fewest bytes one encoded instance can take (no padding counted): bounds sequence counts before allocating. */
export function minEncodedSize(struct: CdrStruct): number {
  let size = 0;
  for (const field of struct.fields) {
    switch (field.kind) {
      case 'primitive':
        size += PRIMITIVE_SIZE[field.type];
        break;
      case 'string':
        size += 4;
        break;
      case 'struct':
        size += minEncodedSize(field.struct);
        break;
      case 'primitiveArray':
        size += field.length === undefined ? 4 : field.length * PRIMITIVE_SIZE[field.type];
        break;
      case 'stringArray':
        size += field.length === undefined ? 4 : field.length * 4;
        break;
      case 'structArray':
        size += field.length === undefined ? 4 : field.length * minEncodedSize(field.struct);
        break;
    }
  }
  return size;
}
