import { PRIMITIVE_SIZE } from './CdrSchema.js';
import type { CdrStruct, PrimitiveType } from './CdrSchema.js';

/**
 * What the generator knows statically about the write/read position: (p - 4) ≡ r (mod k).
 * Lets it drop runtime alignment for the common run of fixed-size fields after a header.
 */
export class AlignState {
  constructor(
    public k = 8,
    public r = 0,
  ) {}

  /** Constant padding needed to align to n, or -1 when only a runtime alignment will do. */
  staticPad(n: number): number {
    if (n === 1) return 0;
    if (this.k < n) return -1;
    return (n - (this.r % n)) % n;
  }

  afterAlign(n: number, staticPad: number): void {
    if (n === 1) return;
    if (staticPad >= 0) this.r = (this.r + staticPad) % this.k;
    else {
      this.k = n;
      this.r = 0;
    }
  }

  advance(bytes: number): void {
    this.r = (this.r + bytes) % this.k;
  }

  /** After a variable number of bytes, all that is known is alignment to `modulus` (r = 0). */
  forget(modulus: number): void {
    this.k = modulus;
    this.r = 0;
  }

  clone(): AlignState {
    return new AlignState(this.k, this.r);
  }
}

/** Runtime alignment of a u8 index `p` whose CDR origin is 4 (so 2/4 alignment is plain masking). */
export function runtimeAlignExpr(n: number): string {
  if (n === 8) return `p = ((p + 3) & -8) + 4;`;
  return `p = (p + ${n - 1}) & ${-n};`;
}

/** A field path built from literal segments and loop-index variables, rendered as a JS expression. */
export type PathSegment = { readonly text: string } | { readonly index: string };

export function pathChild(path: readonly PathSegment[], name: string): PathSegment[] {
  return path.length === 0 ? [{ text: name }] : [...path, { text: `.${name}` }];
}

export function pathIndex(path: readonly PathSegment[], indexVar: string): PathSegment[] {
  return [...path, { text: '[' }, { index: indexVar }, { text: ']' }];
}

export function pathExpr(path: readonly PathSegment[]): string {
  const parts: string[] = [];
  let literal = '';
  for (const seg of path) {
    if ('text' in seg) literal += seg.text;
    else {
      if (literal !== '') parts.push(JSON.stringify(literal));
      literal = '';
      parts.push(seg.index);
    }
  }
  if (literal !== '' || parts.length === 0) parts.push(JSON.stringify(literal));
  return parts.join(' + ');
}

export const TYPED_ARRAY_NAME: Record<PrimitiveType, string> = {
  bool: 'Uint8Array',
  int8: 'Int8Array',
  uint8: 'Uint8Array',
  int16: 'Int16Array',
  uint16: 'Uint16Array',
  int32: 'Int32Array',
  uint32: 'Uint32Array',
  int64: 'BigInt64Array',
  uint64: 'BigUint64Array',
  float32: 'Float32Array',
  float64: 'Float64Array',
};

export const DATAVIEW_SUFFIX: Record<PrimitiveType, string> = {
  bool: 'Uint8',
  int8: 'Int8',
  uint8: 'Uint8',
  int16: 'Int16',
  uint16: 'Uint16',
  int32: 'Int32',
  uint32: 'Uint32',
  int64: 'BigInt64',
  uint64: 'BigUint64',
  float32: 'Float32',
  float64: 'Float64',
};

/** Upper bound of the encoded size of a struct without variable-length fields (padding included). */
export function fixedMaxSize(struct: CdrStruct): number | undefined {
  let size = 0;
  for (const field of struct.fields) {
    switch (field.kind) {
      case 'primitive': {
        const n = PRIMITIVE_SIZE[field.type];
        size += n + n - 1;
        break;
      }
      case 'struct': {
        const inner = fixedMaxSize(field.struct);
        if (inner === undefined) return undefined;
        size += inner;
        break;
      }
      case 'primitiveArray': {
        if (field.length === undefined) return undefined;
        const n = PRIMITIVE_SIZE[field.type];
        size += field.length * n + n - 1;
        break;
      }
      case 'structArray': {
        if (field.length === undefined) return undefined;
        const inner = fixedMaxSize(field.struct);
        if (inner === undefined) return undefined;
        size += field.length * inner;
        break;
      }
      default:
        return undefined;
    }
  }
  return size;
}
