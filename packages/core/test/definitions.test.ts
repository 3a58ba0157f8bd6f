import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from '@foxglove/rosmsg';
import { MESSAGE_TYPES, isMessageType, messageDefinition } from '../src/index.js';
import { SENSORIUM_DEFINITIONS } from '../src/definitions/sensoriumDefinitions.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const msgDir = path.join(repoRoot, 'ros/sensorium_msgs/msg');
const DELIMITER = '='.repeat(80);

describe('sensorium_msgs definitions', () => {
  const files = fs.readdirSync(msgDir).filter((f) => f.endsWith('.msg')).sort();

  it('embed every ros/sensorium_msgs/msg/*.msg file verbatim (regenerate with scripts/gen-sensorium-definitions.mjs)', () => {
    const fromFiles = Object.fromEntries(
      files.map((f) => [`sensorium_msgs/msg/${f.slice(0, -4)}`, fs.readFileSync(path.join(msgDir, f), 'utf8')]),
    );
    expect(SENSORIUM_DEFINITIONS).toEqual(fromFiles);
  });

  it.each(files)('%s is a MessageType', (file) => {
    expect(isMessageType(`sensorium_msgs/msg/${file.slice(0, -4)}`)).toBe(true);
  });
});

describe('MESSAGE_TYPES / isMessageType', () => {
  it('lists 49 distinct types and rejects unknown names', () => {
    expect(new Set(MESSAGE_TYPES).size).toBe(MESSAGE_TYPES.length);
    expect(MESSAGE_TYPES.length).toBe(49);
    expect(isMessageType('sensor_msgs/msg/PointCloud2')).toBe(true);
    expect(isMessageType('sensor_msgs/PointCloud2')).toBe(false);
    expect(isMessageType('toString')).toBe(false);
  });
});

describe('messageDefinition (ros2msg, rosbag2 layout)', () => {
  it('writes dependencies depth first, sorted per type, each once, after a blank-line + 80 "=" + MSG: line', () => {
    const text = messageDefinition('sensor_msgs/msg/PointCloud2');
    const blocks = text.split(`\n${DELIMITER}\n`);
    expect(blocks[0]).toBe(
      'std_msgs/Header header\nuint32 height\nuint32 width\nPointField[] fields\nbool    is_bigendian\n' +
        'uint32  point_step\nuint32  row_step\nuint8[] data\nbool is_dense\n',
    );
    // rosbag2 keeps each type's dependencies in a std::set: sensor_msgs/PointField sorts before std_msgs/Header.
    expect(blocks.slice(1).map((b) => b.split('\n')[0])).toEqual([
      'MSG: sensor_msgs/PointField',
      'MSG: std_msgs/Header',
      'MSG: builtin_interfaces/Time',
    ]);
    expect(blocks[3]).toBe('MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n');
  });

  it('names package-relative references with their package (Pose → geometry_msgs/Point)', () => {
    const blocks = messageDefinition('nav_msgs/msg/Odometry').split(`\n${DELIMITER}\n`);
    expect(blocks.slice(1).map((b) => b.split('\n')[0])).toEqual([
      'MSG: geometry_msgs/PoseWithCovariance',
      'MSG: geometry_msgs/Pose',
      'MSG: geometry_msgs/Point',
      'MSG: geometry_msgs/Quaternion',
      'MSG: geometry_msgs/TwistWithCovariance',
      'MSG: geometry_msgs/Twist',
      'MSG: geometry_msgs/Vector3',
      'MSG: std_msgs/Header',
      'MSG: builtin_interfaces/Time',
    ]);
  });

  it('keeps comments of the custom definitions and ignores words inside them', () => {
    const text = messageDefinition('sensorium_msgs/msg/WorldState');
    expect(text.startsWith(SENSORIUM_DEFINITIONS['sensorium_msgs/msg/WorldState'] as string)).toBe(true);
    expect(text).toContain(`\n${DELIMITER}\nMSG: sensorium_msgs/SceneObject\n# One object of the simulated world`);
  });

  it.each(MESSAGE_TYPES.map((t) => [t]))('%s parses with @foxglove/rosmsg and resolves every nested type', (type) => {
    const defs = parse(messageDefinition(type), { ros2: true });
    const names = new Set(defs.map((d) => d.name));
    for (const def of defs) {
      for (const field of def.definitions) {
        if (field.isComplex === true) expect(names.has(field.type), `${type}: ${field.type}`).toBe(true);
      }
    }
  });
});
