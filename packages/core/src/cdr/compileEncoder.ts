import { PRIMITIVE_SIZE } from './CdrSchema.js';
import type { CdrField, CdrStruct, PrimitiveType } from './CdrSchema.js';
import { AlignState, DATAVIEW_SUFFIX, TYPED_ARRAY_NAME, fixedMaxSize, runtimeAlignExpr } from './codegenSupport.js';
import { HOST_LITTLE_ENDIAN, cdrRuntime } from './cdrRuntime.js';
import type { CdrRuntime } from './cdrRuntime.js';

/** The growable output buffer an encoder writes into; `grow` replaces `u8`/`dv` with larger ones. */
export interface EncodeBuffer {
  u8: Uint8Array;
  dv: DataView;
  grow(minCapacity: number): void;
}

/** Writes the message (header included) into `out` from byte 0 and returns the encoded length. */
export type CompiledEncoder = (message: unknown, out: EncodeBuffer) => number;
/** Exact encoded length of the message, header included. */
export type CompiledSizer = (message: unknown) => number;

/**
 * Generates an encoder specialised to one message type. Writes go straight into the reused buffer;
 * capacity is checked once per variable-length item (once per fixed-size nested struct), padding bytes
 * are zeroed explicitly because the buffer is reused, and typed arrays of the wire type are block-copied.
 */
export function compileEncoder(root: CdrStruct): CompiledEncoder {
  const gen = new EncoderGenerator(false);
  gen.struct(root, 'm', 'm', new AlignState(8, 0), false);
  const body =
    `let u8 = out.u8, dv = out.dv;\n` +
    `if (u8.length < 64) { out.grow(64); u8 = out.u8; dv = out.dv; }\n` +
    `u8[0] = 0; u8[1] = 1; u8[2] = 0; u8[3] = 0;\n` +
    `let p = 4;\n` +
    gen.lines.join('\n') +
    `\nreturn p;`;
  const factory = new Function('H', `${PRELUDE}return function encode_${sanitize(root.typeName)}(m, out) {\n${body}\n};`) as (
    h: CdrRuntime,
  ) => CompiledEncoder;
  return factory(cdrRuntime);
}

export function compileSizer(root: CdrStruct): CompiledSizer {
  const gen = new EncoderGenerator(true);
  gen.struct(root, 'm', 'm', new AlignState(8, 0), false);
  const body = `let p = 4;\n${gen.lines.join('\n')}\nreturn p;`;
  const factory = new Function('H', `${PRELUDE}return function size_${sanitize(root.typeName)}(m) {\n${body}\n};`) as (
    h: CdrRuntime,
  ) => CompiledSizer;
  return factory(cdrRuntime);
}

// Stand-ins for missing nested messages/arrays, so a partial message encodes defaults instead of throwing.
const PRELUDE = 'const EMPTY = Object.freeze({}); const EMPTY_ARRAY = Object.freeze([]);\n';

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

class EncoderGenerator {
  readonly lines: string[] = [];
  private counter = 0;

  constructor(private readonly sizeOnly: boolean) {}

  private v(prefix = 'v'): string {
    return `${prefix}${this.counter++}`;
  }

  private emit(line: string): void {
    this.lines.push(line);
  }

  private ensure(bytes: string): void {
    if (this.sizeOnly) return;
    this.emit(`if (p + ${bytes} > u8.length) { out.grow(p + ${bytes}); u8 = out.u8; dv = out.dv; }`);
  }

  /** Aligns p to n, zeroing the padding (the buffer is reused, stale bytes must not leak). */
  private align(n: number, st: AlignState): void {
    const pad = st.staticPad(n);
    if (pad > 0) {
      if (!this.sizeOnly) for (let i = 0; i < pad; i++) this.emit(`u8[p + ${i}] = 0;`);
      this.emit(`p += ${pad};`);
    } else if (pad < 0) {
      if (this.sizeOnly) this.emit(runtimeAlignExpr(n));
      else if (n === 8) this.emit(`while ((p + 4) & 7) u8[p++] = 0;`);
      else this.emit(`while (p & ${n - 1}) u8[p++] = 0;`);
    }
    st.afterAlign(n, pad);
  }

  struct(struct: CdrStruct, obj: string, path: string, st: AlignState, ensured: boolean): void {
    let inner = ensured;
    if (!inner && !this.sizeOnly) {
      const max = fixedMaxSize(struct);
      if (max !== undefined) {
        this.ensure(String(max));
        inner = true;
      }
    }
    for (const field of struct.fields) {
      const value = this.v();
      this.emit(`const ${value} = ${obj}${accessor(field.name)};`);
      this.field(field, value, `${path}.${field.name}`, st, inner);
    }
  }

  private field(field: CdrField, value: string, path: string, st: AlignState, ensured: boolean): void {
    switch (field.kind) {
      case 'primitive':
        return this.primitive(field.type, value, st, ensured);
      case 'string':
        return this.string(value, st);
      case 'struct': {
        const obj = this.v('o');
        this.emit(`const ${obj} = ${value} ?? EMPTY;`);
        return this.struct(field.struct, obj, path, st, ensured);
      }
      case 'primitiveArray':
        return this.primitiveArray(field.type, field.length, value, path, st);
      case 'stringArray':
        return this.loopArray(field.length, value, path, st, (e, s) => this.string(e, s));
      case 'structArray':
        return this.loopArray(field.length, value, path, st, (e, s) => {
          const obj = this.v('o');
          this.emit(`const ${obj} = ${e} ?? EMPTY;`);
          this.struct(field.struct, obj, `${path}[]`, s, false);
        });
    }
  }

  private primitive(type: PrimitiveType, value: string, st: AlignState, ensured: boolean): void {
    const n = PRIMITIVE_SIZE[type];
    if (!ensured) this.ensure(String(2 * n - 1));
    this.align(n, st);
    if (!this.sizeOnly) this.emit(writeScalar(type, value, 'p'));
    this.emit(`p += ${n};`);
    st.advance(n);
  }

  private string(value: string, st: AlignState): void {
    const s = this.v('s');
    this.emit(`const ${s} = typeof ${value} === "string" ? ${value} : ${value} == null ? "" : String(${value});`);
    if (this.sizeOnly) {
      this.align(4, st);
      this.emit(`p += 5 + H.utf8Length(${s});`);
    } else {
      this.ensure(`8 + 3 * ${s}.length`);
      this.align(4, st);
      const n = this.v('n');
      this.emit(`const ${n} = H.writeStr(u8, p + 4, ${s});`);
      this.emit(`dv.setUint32(p, ${n} + 1, true);`);
      this.emit(`u8[p + 4 + ${n}] = 0;`);
      this.emit(`p += 5 + ${n};`);
    }
    st.forget(1);
  }

  /** Emits the element count (sequences) or checks it (fixed arrays); returns the count variable. */
  private count(length: number | undefined, arr: string, path: string, st: AlignState): string {
    const n = this.v('n');
    this.emit(`const ${n} = ${arr}.length;`);
    if (length !== undefined) {
      this.emit(`if (${n} !== ${length}) throw H.badFixedLength(${JSON.stringify(path)}, ${length}, ${n});`);
      return n;
    }
    this.ensure('7');
    this.align(4, st);
    if (!this.sizeOnly) this.emit(`dv.setUint32(p, ${n}, true);`);
    this.emit(`p += 4;`);
    st.advance(4);
    return n;
  }

  private primitiveArray(type: PrimitiveType, length: number | undefined, value: string, path: string, st: AlignState): void {
    const size = PRIMITIVE_SIZE[type];
    const arr = this.v('a');
    this.emit(`const ${arr} = ${value} ?? ${length === undefined ? 'EMPTY_ARRAY' : `new Uint8Array(${length})`};`);
    const n = this.count(length, arr, path, st);
    if (length === undefined) this.emit(`if (${n} > 0) {`);
    const inner = st.clone();
    this.ensure(`${size - 1} + ${n} * ${size}`);
    this.align(size, inner);
    if (!this.sizeOnly) {
      const i = this.v('i');
      const Ctor = TYPED_ARRAY_NAME[type];
      if (type === 'bool') {
        this.emit(`for (let ${i} = 0; ${i} < ${n}; ${i}++) u8[p + ${i}] = ${arr}[${i}] ? 1 : 0;`);
      } else if (type === 'uint8' || type === 'int8') {
        // Uint8Array.set converts any array-like modulo 2^8, which is the wire form of int8 too.
        this.emit(`u8.set(${arr}, p);`);
      } else {
        const loop = `for (let ${i} = 0; ${i} < ${n}; ${i}++) ${writeElement(type, `${arr}[${i}]`, `p + ${i} * ${size}`)}`;
        if (HOST_LITTLE_ENDIAN) {
          this.emit(`if (${arr} instanceof ${Ctor}) u8.set(new Uint8Array(${arr}.buffer, ${arr}.byteOffset, ${n} * ${size}), p);`);
          this.emit(`else ${loop}`);
        } else this.emit(loop);
      }
    }
    this.emit(`p += ${n} * ${size};`);
    if (length === undefined) {
      this.emit(`}`);
      st.forget(Math.min(size, 4));
    } else {
      st.k = inner.k;
      st.r = inner.r;
      st.advance(length * size);
    }
  }

  private loopArray(
    length: number | undefined,
    value: string,
    path: string,
    st: AlignState,
    element: (value: string, st: AlignState) => void,
  ): void {
    const arr = this.v('a');
    this.emit(`const ${arr} = ${value} ?? EMPTY_ARRAY;`);
    const n = this.count(length, arr, path, st);
    const i = this.v('i');
    this.emit(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
    const e = this.v('e');
    this.emit(`const ${e} = ${arr}[${i}];`);
    element(e, new AlignState(1, 0));
    this.emit(`}`);
    st.forget(1);
  }
}

function accessor(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

function writeScalar(type: PrimitiveType, value: string, at: string): string {
  return writeElement(type, value, at);
}

function writeElement(type: PrimitiveType, value: string, at: string): string {
  switch (type) {
    case 'bool':
      return `u8[${at}] = ${value} ? 1 : 0;`;
    case 'uint8':
    case 'int8':
      return `u8[${at}] = ${value};`;
    case 'int64':
    case 'uint64':
      return `dv.set${DATAVIEW_SUFFIX[type]}(${at}, BigInt(${value} ?? 0), true);`;
    default:
      return `dv.set${DATAVIEW_SUFFIX[type]}(${at}, ${value}, true);`;
  }
}
