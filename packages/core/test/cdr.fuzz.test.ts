import { describe, expect, it } from 'vitest';
import { DecodeError, MESSAGE_TYPES, ValidationError, getCodec, seededRandom } from '../src/index.js';
import { randInt, randomMessage } from './support/cdrRandom.js';

const INPUTS_PER_TYPE = 10_000;

function mutate(rand: () => number, base: Uint8Array): Uint8Array {
  const kind = randInt(rand, 0, 5);
  switch (kind) {
    case 0: // truncated
      return base.slice(0, randInt(rand, 0, Math.max(0, base.length - 1)));
    case 1: { // bit flips
      const out = base.slice();
      const flips = randInt(rand, 1, 4);
      for (let i = 0; i < flips && out.length > 0; i++) {
        const at = randInt(rand, 0, out.length - 1);
        out[at] = (out[at] as number) ^ (1 << randInt(rand, 0, 7));
      }
      return out;
    }
    case 2: { // a length/count field corrupted to something large
      const out = base.slice();
      if (out.length >= 8) {
        const at = 4 + 4 * randInt(rand, 0, Math.floor((out.length - 8) / 4));
        const values = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000, out.length, randInt(rand, 0, 0xffffffff)];
        new DataView(out.buffer).setUint32(at, values[randInt(rand, 0, values.length - 1)] as number, true);
      }
      return out;
    }
    case 3: { // random bytes behind a valid header
      const out = new Uint8Array(randInt(rand, 0, 96));
      for (let i = 0; i < out.length; i++) out[i] = randInt(rand, 0, 255);
      if (out.length >= 2) {
        out[0] = 0;
        out[1] = 1;
      }
      return out;
    }
    case 4: { // truncated and bit-flipped
      const out = base.slice(0, randInt(rand, 0, base.length));
      if (out.length > 0) {
        const at = randInt(rand, 0, out.length - 1);
        out[at] = out[at]! ^ 0xff;
      }
      return out;
    }
    default: { // trailing garbage (valid: CDR allows trailing bytes)
      const out = new Uint8Array(base.length + randInt(rand, 1, 16));
      out.set(base);
      return out;
    }
  }
}

describe.each(MESSAGE_TYPES.map((t) => [t]))('%s decoder under random and mutated input', (type) => {
  it(`throws only DecodeError for ${INPUTS_PER_TYPE} inputs and never hangs`, () => {
    const codec = getCodec(type);
    const rand = seededRandom(0xf022 + type.length * 31 + (type.charCodeAt(type.length - 1) << 8));
    const bases = Array.from({ length: 16 }, () => codec.encodeCopy(randomMessage(rand, codec.schema) as never));
    let rejected = 0;
    for (let i = 0; i < INPUTS_PER_TYPE; i++) {
      const input = mutate(rand, bases[i % bases.length] as Uint8Array);
      try {
        codec.decode(input, { topic: 'fuzz' });
      } catch (error) {
        if (!(error instanceof DecodeError || error instanceof ValidationError)) throw error;
        expect(error.context.topic).toBe('fuzz');
        rejected++;
      }
    }
    // The mutations must actually exercise the error paths.
    expect(rejected).toBeGreaterThan(INPUTS_PER_TYPE / 10);
  });
});

describe('decode errors carry context', () => {
  const codec = getCodec('sensor_msgs/msg/PointCloud2');
  const cloud = {
    header: { stamp: { sec: 1, nanosec: 0 }, frame_id: 'lidar' },
    height: 1,
    width: 2,
    fields: [{ name: 'x', offset: 0, datatype: 7, count: 1 }],
    is_bigendian: false,
    point_step: 4,
    row_step: 8,
    data: new Uint8Array(8),
    is_dense: true,
  };
  const bytes = codec.encodeCopy(cloud);

  it('rejects a huge sequence length before allocating, naming the field and offset', () => {
    const bad = bytes.slice();
    // data's uint32 length sits 8 + 1 (is_dense) bytes from the end.
    const lengthAt = bad.length - 8 - 1 - 4;
    new DataView(bad.buffer).setUint32(lengthAt, 0xfffffff0, true);
    const error = (() => {
      try {
        codec.decode(bad, { topic: 'lidar/points' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DecodeError);
    const { context } = error as DecodeError;
    expect(context).toMatchObject({ topic: 'lidar/points', field: 'data', offset: lengthAt + 4 });
    expect(context.expected).toMatch(/byte\(s\) left/);
  });

  it.each([
    [4, 'header.stamp.sec'],
    [13, 'header.frame_id'],
    [bytes.length - 1, 'is_dense'],
  ])('truncated at %i bytes → DecodeError at %s', (length, field) => {
    expect(() => codec.decode(bytes.subarray(0, length))).toThrow(DecodeError);
    try {
      codec.decode(bytes.subarray(0, length));
    } catch (error) {
      expect((error as DecodeError).context.field).toBe(field);
    }
  });

  it('names the element of a sequence of structs (fields[1].name)', () => {
    const two = codec.encodeCopy({ ...cloud, fields: [...cloud.fields, { name: 'intensity', offset: 4, datatype: 7, count: 1 }] });
    // Cut inside the second field's name (late enough that the element count itself is plausible).
    const cut = Buffer.from(two).indexOf('intensity') + 5;
    try {
      codec.decode(two.subarray(0, cut));
      expect.unreachable();
    } catch (error) {
      expect((error as DecodeError).context.field).toBe('fields[1].name');
    }
  });

  it('rejects big-endian CDR, bools other than 0/1 and strings without NUL', () => {
    const be = bytes.slice();
    be[1] = 0;
    expect(() => codec.decode(be)).toThrow(/encapsulation/);
    const badBool = bytes.slice();
    badBool[badBool.length - 1] = 2;
    expect(() => codec.decode(badBool)).toThrow(/neither 0 nor 1/);
    const noNul = bytes.slice();
    noNul[4 + 8 + 4 + 5] = 0x41; // the NUL after "lidar"
    expect(() => codec.decode(noNul)).toThrow(/NUL/);
  });
});
