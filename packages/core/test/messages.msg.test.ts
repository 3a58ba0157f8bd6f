// Keeps the TypeScript message interfaces (src/messages/*.ts) and the .msg definitions in step:
// every field of every definition must appear in the interface, in order, with the TS type the
// codec produces for it (typed arrays for numeric arrays), and nothing else.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TYPES, getCodec } from '../src/index.js';
import type { CdrField } from '../src/cdr/CdrSchema.js';

const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');

function interfaces(file: string): Map<string, Array<[string, string]>> {
  const text = fs.readFileSync(path.join(srcDir, file), 'utf8');
  const out = new Map<string, Array<[string, string]>>();
  for (const match of text.matchAll(/export interface (\w+) \{([^}]*)\}/g)) {
    const fields: Array<[string, string]> = [];
    for (const f of (match[2] ?? '').matchAll(/^\s*(\w+)\??:\s*([^;]+);/gm)) fields.push([f[1] ?? '', (f[2] ?? '').trim()]);
    out.set(match[1] ?? '', fields);
  }
  return out;
}

const TS_NAME: Record<string, string> = { 'std_msgs/msg/String': 'StringMsg' };

function tsFile(type: string): string {
  const pkg = type.split('/')[0] as string;
  return pkg === 'builtin_interfaces' ? 'time/Time.ts' : `messages/${pkg}.ts`;
}

const NUMERIC_ARRAY: Record<string, string> = {
  int8: 'Int8Array', uint8: 'Uint8Array', int16: 'Int16Array', uint16: 'Uint16Array', int32: 'Int32Array',
  uint32: 'Uint32Array', int64: 'BigInt64Array', uint64: 'BigUint64Array', float32: 'Float32Array', float64: 'Float64Array',
};

function shortName(typeName: string): string {
  return typeName.slice(typeName.lastIndexOf('/') + 1);
}

function expectedTsType(field: CdrField): string {
  switch (field.kind) {
    case 'primitive':
      return field.type === 'bool' ? 'boolean' : field.type.endsWith('64') && field.type.includes('int') ? 'bigint' : 'number';
    case 'string':
      return 'string';
    case 'struct':
      return shortName(field.struct.typeName);
    case 'primitiveArray':
      return field.type === 'bool' ? 'boolean[]' : (NUMERIC_ARRAY[field.type] as string);
    case 'stringArray':
      return 'string[]';
    case 'structArray':
      return `${shortName(field.struct.typeName)}[]`;
  }
}

describe.each(MESSAGE_TYPES.map((t) => [t]))('%s', (type) => {
  it('TS interface fields = .msg fields (names, order, types)', () => {
    const declared = interfaces(tsFile(type)).get(TS_NAME[type] ?? shortName(type));
    expect(declared, `interface for ${type}`).toBeDefined();
    const fromMsg = getCodec(type).schema.fields.map((f) => [f.name, expectedTsType(f)]);
    // Types may be written namespace-qualified (geometry.Pose) in the TS source; compare the last part.
    const normalised = (declared ?? []).map(([n, t]) => [n, t.replace(/\b\w+\.(\w+)/g, '$1')]);
    expect(normalised).toEqual(fromMsg);
  });
});
