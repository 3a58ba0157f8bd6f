import { describe, expect, it } from 'vitest';
import { parse } from '@foxglove/rosmsg';
import { MessageReader, MessageWriter } from '@foxglove/rosmsg2-serialization';
import { MESSAGE_TYPES, getCodec, messageDefinition, seededRandom } from '../src/index.js';
import { randomMessage } from './support/cdrRandom.js';

const MESSAGES_PER_TYPE = 120;

// The reference: @foxglove/rosmsg2-serialization, which Foxglove Studio uses to read and write ROS 2 CDR.
describe.each(MESSAGE_TYPES.map((type) => [type]))('%s matches @foxglove/rosmsg2-serialization', (type) => {
  const definitions = parse(messageDefinition(type), { ros2: true });
  const writer = new MessageWriter(definitions);
  const reader = new MessageReader(definitions);
  const codec = getCodec(type);

  it(`encodes ${MESSAGES_PER_TYPE} random messages byte for byte and decodes the reference's bytes to the same values`, () => {
    const rand = seededRandom(0x5e5 ^ type.length * 7919);
    for (let i = 0; i < MESSAGES_PER_TYPE; i++) {
      const message = randomMessage(rand, codec.schema) as never;
      const expected = writer.writeMessage(message);
      const ours = codec.encode(message);
      expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
      expect(codec.encodedSize(message)).toBe(expected.byteLength);
      expect(codec.decode(expected)).toEqual(reader.readMessage(expected));
      // And back again: what we decoded re-encodes to the same bytes.
      expect(Buffer.compare(codec.encode(codec.decode(expected)), expected)).toBe(0);
    }
  });
});

describe('decode at a misaligned byte offset', () => {
  it('copies numeric arrays that are not aligned in memory and views uint8[] in place', () => {
    const codec = getCodec('sensor_msgs/msg/LaserScan');
    const scan = {
      header: { stamp: { sec: 3, nanosec: 4 }, frame_id: 'laser' },
      angle_min: -1,
      angle_max: 1,
      angle_increment: 0.5,
      time_increment: 0,
      scan_time: 0.125,
      range_min: 0.25,
      range_max: 10,
      ranges: new Float32Array([1, 2, 3, 4, 5]),
      intensities: new Float32Array([]),
    };
    const bytes = codec.encodeCopy(scan);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const decoded = codec.decode(shifted.subarray(1));
    expect(decoded).toEqual(scan);
    expect(decoded.ranges.buffer).not.toBe(shifted.buffer);

    const aligned = codec.decode(bytes);
    expect(aligned.ranges.buffer).toBe(bytes.buffer);

    const image = getCodec('sensor_msgs/msg/Image');
    const img = { header: scan.header, height: 1, width: 3, encoding: 'mono8', is_bigendian: 0, step: 3, data: new Uint8Array([7, 8, 9]) };
    const imgBytes = image.encodeCopy(img);
    const imgShifted = new Uint8Array(imgBytes.length + 3);
    imgShifted.set(imgBytes, 3);
    const view = image.decode(imgShifted.subarray(3)).data;
    expect(view.buffer).toBe(imgShifted.buffer);
    expect(Array.from(view)).toEqual([7, 8, 9]);
  });
});

describe('encode buffer reuse', () => {
  it('returns a view of one reused buffer that the next encode overwrites; encodeCopy is stable', () => {
    const codec = getCodec('std_msgs/msg/String');
    const first = codec.encode({ data: 'first' });
    const copy = codec.encodeCopy({ data: 'first' });
    expect(Buffer.compare(first, copy)).toBe(0);
    const second = codec.encode({ data: 'other' });
    expect(second.buffer).toBe(first.buffer);
    expect(codec.decode(first).data).toBe('other');
    expect(codec.decode(copy).data).toBe('first');
  });

  it('grows for large messages and zeroes padding left over from earlier, larger messages', () => {
    const codec = getCodec('sensor_msgs/msg/CameraInfo');
    const base = {
      header: { stamp: { sec: 1, nanosec: 1 }, frame_id: 'x'.repeat(5000) },
      height: 1,
      width: 1,
      distortion_model: 'plumb_bob',
      d: new Float64Array(5).fill(0.5),
      k: new Float64Array(9).fill(1),
      r: new Float64Array(9).fill(2),
      p: new Float64Array(12).fill(3),
      binning_x: 0,
      binning_y: 0,
      roi: { x_offset: 0, y_offset: 0, height: 0, width: 0, do_rectify: true },
    };
    codec.encode(base);
    const small = { ...base, header: { ...base.header, frame_id: 'cam' } };
    const definitions = parse(messageDefinition('sensor_msgs/msg/CameraInfo'), { ros2: true });
    expect(Buffer.compare(codec.encode(small), new MessageWriter(definitions).writeMessage(small))).toBe(0);
  });

  it('writes UTF-8 strings with their byte length', () => {
    const codec = getCodec('std_msgs/msg/String');
    for (const data of ['héllo wörld', '🤖 robot', 'ü'.repeat(100)]) {
      const bytes = codec.encodeCopy({ data });
      const len = new DataView(bytes.buffer).getUint32(4, true);
      expect(len).toBe(Buffer.byteLength(data) + 1);
      expect(codec.encodedSize({ data })).toBe(bytes.length);
      expect(codec.decode(bytes).data).toBe(data);
    }
  });

  it('rejects a fixed-size array of the wrong length with a ValidationError naming the field', () => {
    const codec = getCodec('geometry_msgs/msg/PoseWithCovariance');
    const bad = {
      pose: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      covariance: new Float64Array(35),
    };
    expect(() => codec.encode(bad)).toThrow(/covariance/);
    try {
      codec.encode(bad);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('VALIDATION_ERROR');
    }
  });
});
