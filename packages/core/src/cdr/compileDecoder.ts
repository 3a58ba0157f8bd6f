import { PRIMITIVE_SIZE, minEncodedSize } from './CdrSchema.js';
import type { CdrField, CdrStruct, PrimitiveType } from './CdrSchema.js';
import { AlignState, DATAVIEW_SUFFIX, TYPED_ARRAY_NAME, pathChild, pathExpr, pathIndex, runtimeAlignExpr } from './codegenSupport.js';
import type { PathSegment } from './codegenSupport.js';
import { HOST_LITTLE_ENDIAN, cdrRuntime } from './cdrRuntime.js';
import type { CdrRuntime } from './cdrRuntime.js';

export type CompiledDecoder = (bytes: Uint8Array, topic: string | undefined) => unknown;

/**
 * Generates a decoder specialised to one message type: straight-line reads with alignment resolved at
 * generation time where possible, a bounds check before every read, counts checked against the
 * remaining bytes before anything is allocated, numeric arrays as views into `bytes`.
 */
export function compileDecoder(root: CdrStruct): CompiledDecoder {
  const gen = new DecoderGenerator();
  const result = gen.struct(root, [], new AlignState(8, 0));
  const body =
    `const L = u8.length;\n` +
    `if (L < 4 || u8[0] !== 0 || u8[1] !== 1 || L > 0x7fffffff) throw H.badHeader(topic, u8);\n` +
    `const buf = u8.buffer, bo = u8.byteOffset;\n` +
    `const dv = new DataView(buf, bo, L);\n` +
    `let p = 4;\n` +
    gen.lines.join('\n') +
    `\nreturn ${result};`;
  const factory = new Function('H', `return function decode_${sanitize(root.typeName)}(u8, topic) {\n${body}\n};`) as (
    h: CdrRuntime,
  ) => CompiledDecoder;
  return factory(cdrRuntime);
}

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

class DecoderGenerator {
  readonly lines: string[] = [];
  private counter = 0;

  private v(prefix = 'v'): string {
    return `${prefix}${this.counter++}`;
  }

  private emit(line: string): void {
    this.lines.push(line);
  }

  private align(n: number, st: AlignState): void {
    const pad = st.staticPad(n);
    if (pad > 0) this.emit(`p += ${pad};`);
    else if (pad < 0) this.emit(runtimeAlignExpr(n));
    st.afterAlign(n, pad);
  }

  private need(bytes: string, path: readonly PathSegment[]): void {
    this.emit(`if (p + ${bytes} > L) throw H.truncated(topic, ${pathExpr(path)}, p, ${bytes}, L);`);
  }

  struct(struct: CdrStruct, path: readonly PathSegment[], st: AlignState): string {
    const entries: string[] = [];
    for (const field of struct.fields) {
      const value = this.field(field, pathChild(path, field.name), st);
      entries.push(`${JSON.stringify(field.name)}: ${value}`);
    }
    const name = this.v('o');
    this.emit(`const ${name} = { ${entries.join(', ')} };`);
    return name;
  }

  private field(field: CdrField, path: readonly PathSegment[], st: AlignState): string {
    switch (field.kind) {
      case 'primitive':
        return this.primitive(field.type, path, st);
      case 'string':
        return this.string(path, st);
      case 'struct':
        return this.struct(field.struct, path, st);
      case 'primitiveArray':
        return this.primitiveArray(field.type, field.length, path, st);
      case 'stringArray':
        return this.loopArray(field.length, 4, path, st, (p, s) => this.string(p, s));
      case 'structArray':
        return this.loopArray(field.length, minEncodedSize(field.struct), path, st, (p, s) => this.struct(field.struct, p, s));
    }
  }

  private primitive(type: PrimitiveType, path: readonly PathSegment[], st: AlignState): string {
    const n = PRIMITIVE_SIZE[type];
    this.align(n, st);
    this.need(String(n), path);
    const name = this.v();
    if (type === 'bool') {
      this.emit(`const ${name} = u8[p];`);
      this.emit(`if (${name} > 1) throw H.badBool(topic, ${pathExpr(path)}, p, ${name});`);
      this.emit(`p += 1;`);
      st.advance(1);
      return `${name} === 1`;
    }
    const read = type === 'uint8' ? `u8[p]` : n === 1 ? `dv.getInt8(p)` : `dv.get${DATAVIEW_SUFFIX[type]}(p, true)`;
    this.emit(`const ${name} = ${read};`);
    this.emit(`p += ${n};`);
    st.advance(n);
    return name;
  }

  private string(path: readonly PathSegment[], st: AlignState): string {
    this.align(4, st);
    this.need('4', path);
    const n = this.v('n');
    const s = this.v('s');
    this.emit(`const ${n} = dv.getUint32(p, true);`);
    this.emit(`p += 4;`);
    this.emit(`if (${n} > L - p) throw H.tooLong(topic, ${pathExpr(path)}, p, ${n}, 1, L);`);
    this.emit(`let ${s} = "";`);
    this.emit(`if (${n} !== 0) {`);
    this.emit(`  if (u8[p + ${n} - 1] !== 0) throw H.notTerminated(topic, ${pathExpr(path)}, p);`);
    this.emit(`  ${s} = H.str(u8, p, p + ${n} - 1);`);
    this.emit(`  p += ${n};`);
    this.emit(`}`);
    st.forget(1);
    return s;
  }

  /** Reads the uint32 count of a sequence and rejects counts the remaining bytes cannot hold. */
  private count(length: number | undefined, minBytes: number, path: readonly PathSegment[], st: AlignState): string {
    if (length !== undefined) return String(length);
    this.align(4, st);
    this.need('4', path);
    const n = this.v('n');
    this.emit(`const ${n} = dv.getUint32(p, true);`);
    this.emit(`p += 4;`);
    st.advance(4);
    if (minBytes > 0) {
      this.emit(`if (${n} * ${minBytes} > L - p) throw H.tooLong(topic, ${pathExpr(path)}, p, ${n}, ${minBytes}, L);`);
    }
    return n;
  }

  private primitiveArray(type: PrimitiveType, length: number | undefined, path: readonly PathSegment[], st: AlignState): string {
    const size = PRIMITIVE_SIZE[type];
    const n = this.count(length, 0, path, st);
    const out = this.v('a');
    const Ctor = TYPED_ARRAY_NAME[type];
    const fixed = length !== undefined;
    this.emit(`let ${out};`);
    if (!fixed) this.emit(`if (${n} === 0) ${out} = ${type === 'bool' ? '[]' : type === 'uint8' ? 'u8.subarray(p, p)' : `new ${Ctor}(0)`}; else {`);
    // Empty sequences are not aligned (Fast-CDR and Foxglove agree), so alignment happens inside the branch.
    const inner = st.clone();
    this.align(size, inner);
    this.emit(`if (${n} > (L - p) / ${size}) throw H.tooLong(topic, ${pathExpr(path)}, p, ${n}, ${size}, L);`);
    if (type === 'bool') {
      const i = this.v('i');
      this.emit(`${out} = new Array(${n});`);
      this.emit(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
      this.emit(`  const b = u8[p + ${i}];`);
      this.emit(`  if (b > 1) throw H.badBool(topic, ${pathExpr(pathIndex(path, i))}, p + ${i}, b);`);
      this.emit(`  ${out}[${i}] = b === 1;`);
      this.emit(`}`);
    } else if (type === 'uint8') {
      this.emit(`${out} = u8.subarray(p, p + ${n});`);
    } else if (type === 'int8') {
      this.emit(`${out} = new Int8Array(buf, bo + p, ${n});`);
    } else if (HOST_LITTLE_ENDIAN) {
      this.emit(
        `${out} = (bo + p) % ${size} === 0 ? new ${Ctor}(buf, bo + p, ${n}) : new ${Ctor}(H.copyBytes(u8, p, ${n} * ${size}));`,
      );
    } else {
      const i = this.v('i');
      this.emit(`${out} = new ${Ctor}(${n});`);
      this.emit(`for (let ${i} = 0; ${i} < ${n}; ${i}++) ${out}[${i}] = dv.get${DATAVIEW_SUFFIX[type]}(p + ${i} * ${size}, true);`);
    }
    this.emit(`p += ${n} * ${size};`);
    if (!fixed) {
      this.emit(`}`);
      // n = 0 leaves p just after the 4-byte count.
      st.forget(Math.min(size, 4));
    } else {
      st.k = inner.k;
      st.r = inner.r;
      st.advance((length ?? 0) * size);
    }
    return out;
  }

  private loopArray(
    length: number | undefined,
    minBytes: number,
    path: readonly PathSegment[],
    st: AlignState,
    element: (path: readonly PathSegment[], st: AlignState) => string,
  ): string {
    const n = this.count(length, minBytes, path, st);
    const out = this.v('a');
    const i = this.v('i');
    this.emit(`const ${out} = [];`);
    this.emit(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
    // Unknown alignment at the top of each iteration (the previous element may have been any length).
    const inner = new AlignState(1, 0);
    const value = element(pathIndex(path, i), inner);
    this.emit(`${out}.push(${value});`);
    this.emit(`}`);
    st.forget(1);
    return out;
  }
}
