import { SensoriumError } from '../errors/SensoriumError.js';
import { DecodeError } from '../errors/DecodeError.js';
import { ValidationError } from '../errors/ValidationError.js';
import { parseCdrSchema } from './CdrSchema.js';
import type { CdrStruct } from './CdrSchema.js';
import { compileDecoder } from './compileDecoder.js';
import type { CompiledDecoder } from './compileDecoder.js';
import { compileEncoder, compileSizer } from './compileEncoder.js';
import type { CompiledEncoder, CompiledSizer, EncodeBuffer } from './compileEncoder.js';

export interface DecodeContext {
  /** Topic the bytes came from; copied into any DecodeError. */
  topic?: string;
}

/**
 * CDR (XCDR1, little-endian, as ROS 2 / rosbag2 / Foxglove write it) codec for one message type,
 * generated from its `ros2msg` definition.
 *
 * Decoding: numeric arrays are typed arrays; `uint8[]`/`int8[]` are always zero-copy views of the
 * input; other numeric arrays are zero-copy views when the data happens to be aligned in memory, else
 * copies. The decoded message therefore aliases the input: do not mutate or reuse the input buffer
 * while the message is in use.
 *
 * **Encoding: `encode()` returns a view of a buffer owned by the codec and reused on the next
 * `encode()` call of the same codec.** Use the bytes (publish, write to a file) before encoding the
 * next message, or call `encodeCopy()` for bytes that stay valid.
 */
export class CdrCodec<T = unknown> {
  readonly name: string;
  readonly schema: CdrStruct;
  readonly definition: string;
  private readonly decoder: CompiledDecoder;
  private readonly encoder: CompiledEncoder;
  private readonly sizer: CompiledSizer;
  private readonly buffer: EncodeBuffer;

  /** @param definition `ros2msg` text (main definition plus `MSG:` blocks), as in MCAP schema records. */
  constructor(definition: string, options: { name?: string; initialCapacity?: number } = {}) {
    this.name = options.name ?? 'message';
    this.definition = definition;
    this.schema = parseCdrSchema(definition, this.name);
    this.decoder = compileDecoder(this.schema);
    this.encoder = compileEncoder(this.schema);
    this.sizer = compileSizer(this.schema);
    const initial = new Uint8Array(Math.max(64, options.initialCapacity ?? 256));
    const buffer: EncodeBuffer = {
      u8: initial,
      dv: new DataView(initial.buffer),
      grow(minCapacity: number): void {
        // Geometric growth keeps a stream of growing messages at amortised O(1) reallocations.
        const next = new Uint8Array(Math.max(minCapacity, buffer.u8.length * 2));
        next.set(buffer.u8);
        buffer.u8 = next;
        buffer.dv = new DataView(next.buffer);
      },
    };
    this.buffer = buffer;
  }

  /** Decodes CDR bytes (with the 4-byte encapsulation header). Throws DecodeError on bad input, nothing else. */
  decode(bytes: Uint8Array, context?: DecodeContext): T {
    try {
      return this.decoder(bytes, context?.topic) as T;
    } catch (error) {
      throw this.wrap(error, DecodeError, context?.topic);
    }
  }

  /**
   * Encodes into the codec's reused buffer. **The returned view is only valid until the next
   * `encode()` on this codec** (it is overwritten, and may be detached from a grown buffer).
   */
  encode(message: T): Uint8Array {
    let length: number;
    try {
      length = this.encoder(message, this.buffer);
    } catch (error) {
      throw this.wrap(error, ValidationError, undefined);
    }
    return this.buffer.u8.subarray(0, length);
  }

  /** Encodes into a fresh Uint8Array that the caller owns. */
  encodeCopy(message: T): Uint8Array {
    return this.encode(message).slice();
  }

  /** Exact number of bytes `encode(message)` produces (header included). */
  encodedSize(message: T): number {
    try {
      return this.sizer(message);
    } catch (error) {
      throw this.wrap(error, ValidationError, undefined);
    }
  }

  private wrap(error: unknown, Kind: typeof DecodeError | typeof ValidationError, topic: string | undefined): SensoriumError {
    if (error instanceof SensoriumError) return error;
    // Anything else escaping generated code is a bug or a wrong-shaped message; still a typed error.
    const message = error instanceof Error ? error.message : String(error);
    return new Kind(`${this.name}: ${message}`, { context: { topic, field: this.name }, cause: error });
  }
}
