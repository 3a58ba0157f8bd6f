import { DecodeError } from '../errors/DecodeError.js';
import { ValidationError } from '../errors/ValidationError.js';

/** True on every platform Node runs on today; typed-array views of CDR_LE data rely on it. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const textDecoder = new TextDecoder('utf-8', { fatal: false });
const textEncoder = new TextEncoder();

/**
 * Helpers the generated decoders/encoders call. Kept out of the generated source so that cold paths
 * (errors, non-ASCII text) stay small and the hot loops inline well.
 */
export const cdrRuntime = {
  /** Decodes `u8[start, end)`; short ASCII is built directly, which beats TextDecoder's call overhead. */
  str(u8: Uint8Array, start: number, end: number): string {
    if (end - start < 24) {
      let s = '';
      for (let i = start; i < end; i++) {
        const c = u8[i] as number;
        if (c >= 0x80) return textDecoder.decode(u8.subarray(start, end));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return textDecoder.decode(u8.subarray(start, end));
  },

  /** UTF-8 byte length of `s`. */
  utf8Length(s: string): number {
    const n = s.length;
    let bytes = n;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) continue;
      if (c < 0x800) bytes += 1;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          bytes += 2; // 4 bytes for the pair (2 UTF-16 units already counted)
          i++;
        } else bytes += 2;
      } else bytes += 2;
    }
    return bytes;
  },

  /** Writes `s` as UTF-8 at `u8[p]`, returns the bytes written. Capacity was ensured by the caller. */
  writeStr(u8: Uint8Array, p: number, s: string): number {
    const n = s.length;
    if (n < 32) {
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        u8[p + i] = c;
      }
      if (i === n) return n;
    }
    return textEncoder.encodeInto(s, u8.subarray(p)).written;
  },

  /** Copies `byteLength` bytes starting at absolute `offset` into a fresh, aligned ArrayBuffer. */
  copyBytes(u8: Uint8Array, p: number, byteLength: number): ArrayBuffer {
    const out = new Uint8Array(byteLength);
    out.set(u8.subarray(p, p + byteLength));
    return out.buffer;
  },

  truncated(topic: string | undefined, field: string, offset: number, need: number, length: number): DecodeError {
    return new DecodeError(`CDR message truncated while reading ${field}`, {
      context: { topic, field, offset, expected: `${need} more byte(s)`, actual: `${Math.max(0, length - offset)} left` },
    });
  },

  tooLong(topic: string | undefined, field: string, offset: number, count: number, minBytes: number, length: number): DecodeError {
    return new DecodeError(`CDR sequence/string length of ${field} exceeds the remaining bytes`, {
      context: {
        topic,
        field,
        offset,
        expected: `≤ ${Math.max(0, length - offset)} byte(s) left`,
        actual: `${count} element(s) × ≥ ${minBytes} byte(s)`,
      },
    });
  },

  badBool(topic: string | undefined, field: string, offset: number, value: number): DecodeError {
    return new DecodeError(`CDR bool ${field} is neither 0 nor 1`, {
      context: { topic, field, offset, expected: '0 | 1', actual: String(value) },
    });
  },

  notTerminated(topic: string | undefined, field: string, offset: number): DecodeError {
    return new DecodeError(`CDR string ${field} is not NUL-terminated`, {
      context: { topic, field, offset, expected: 'a trailing NUL byte' },
    });
  },

  badHeader(topic: string | undefined, bytes: Uint8Array): DecodeError {
    const found = bytes.length < 4 ? `${bytes.length} byte(s)` : Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return new DecodeError('not a little-endian CDR message (encapsulation header)', {
      context: { topic, field: '<encapsulation>', offset: 0, expected: '00 01 xx xx (CDR_LE)', actual: found },
    });
  },

  badFixedLength(field: string, expected: number, actual: number): ValidationError {
    return new ValidationError(`fixed-size array ${field} has the wrong length`, {
      context: { field, expected: `${expected} element(s)`, actual: `${actual}` },
    });
  },
};
export type CdrRuntime = typeof cdrRuntime;
