import { DecodeError } from '../../errors/DecodeError.js';

export interface LzfDecompressOptions {
  /** File name for error context. */
  file?: string;
  /** Offset of `input` in the file, so errors point at the right byte. */
  baseOffset?: number;
}

/**
 * Decompresses LZF (liblzf, as used by PCL's `binary_compressed` PCD) into `output`, which must be
 * exactly the expected decompressed size. Returns the number of bytes written. Every read and write
 * is bounds-checked (liblzf's CHECK_INPUT), so corrupt input throws a DecodeError naming the offset
 * instead of reading or writing out of range.
 *
 * @example
 * const out = new Uint8Array(uncompressedSize);
 * if (lzfDecompress(bytes.subarray(start, end), out) !== out.length) throw …;
 */
export function lzfDecompress(input: Uint8Array, output: Uint8Array, options: LzfDecompressOptions = {}): number {
  const base = options.baseOffset ?? 0;
  const fail = (message: string, at: number, expected: string): never => {
    throw new DecodeError(`LZF: ${message}`, {
      context: { ...(options.file === undefined ? {} : { file: options.file }), field: 'DATA binary_compressed', offset: base + at, expected },
    });
  };
  const inEnd = input.length;
  const outEnd = output.length;
  let ip = 0;
  let op = 0;
  while (ip < inEnd) {
    const ctrl = input[ip++] as number;
    if (ctrl < 32) {
      // Literal run of ctrl + 1 bytes.
      const len = ctrl + 1;
      if (op + len > outEnd) fail('literal run overflows the output', ip - 1, `≤ ${outEnd} decompressed bytes`);
      if (ip + len > inEnd) fail('literal run overruns the input', ip - 1, `${len} literal bytes`);
      // Runs are ≤ 32 bytes: a plain loop beats creating a subarray per run.
      for (let k = 0; k < len; k++) output[op + k] = input[ip + k] as number;
      op += len;
      ip += len;
    } else {
      // Back reference: length (ctrl >> 5) + 2, distance ((ctrl & 31) << 8 | next) + 1.
      const at = ip - 1;
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= inEnd) fail('truncated back reference', at, 'a length byte');
        len += input[ip++] as number;
      }
      if (ip >= inEnd) fail('truncated back reference', at, 'a distance byte');
      const ref = op - ((ctrl & 0x1f) << 8) - 1 - (input[ip++] as number);
      len += 2;
      if (ref < 0) fail('back reference before the start of the output', at, 'distance ≤ bytes decompressed so far');
      if (op + len > outEnd) fail('back reference overflows the output', at, `≤ ${outEnd} decompressed bytes`);
      // Byte by byte: source and destination may overlap (run-length encoding).
      for (let k = 0; k < len; k++) output[op + k] = output[ref + k] as number;
      op += len;
    }
  }
  return op;
}
