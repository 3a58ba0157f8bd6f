import type { TactileArray } from '../../messages/sensorium_msgs.js';
import type { Time } from '../../time/Time.js';
import type { TactileCsv } from './readTactileCsv.js';

export interface TactileCsvToMessagesOptions {
  /** Stamp that `timestamps` are relative to. Default 0. */
  startStamp?: Time;
  /** header.frame_id. Default 'skin_link'. */
  frameId?: string;
  /** Taxel positions, x y z per taxel (metres, frame_id). Default zeros. */
  positions?: Float32Array;
  /** Taxel normals, x y z per taxel. Default +z for every taxel. */
  normals?: Float32Array;
}

/**
 * Turns a tactile CSV into sensorium_msgs/TactileArray messages, one per row. `pressures` are zero-copy
 * views into `csv.pressures`; `positions` and `normals` are shared by all messages (messages are
 * immutable by convention).
 *
 * @example
 * const msgs = tactileCsvToMessages(readTactileCsv(text, { rateHz: 338, taxelColumns: 9 }));
 */
export function tactileCsvToMessages(csv: TactileCsv, options: TactileCsvToMessagesOptions = {}): TactileArray[] {
  const { taxels } = csv;
  const positions = options.positions ?? new Float32Array(taxels * 3);
  let normals = options.normals;
  if (normals === undefined) {
    normals = new Float32Array(taxels * 3);
    for (let k = 0; k < taxels; k++) normals[k * 3 + 2] = 1;
  }
  if (positions.length !== taxels * 3 || normals.length !== taxels * 3) {
    throw new RangeError(`tactileCsvToMessages: positions and normals need ${taxels * 3} values (3 per taxel)`);
  }
  const start = options.startStamp ?? { sec: 0, nanosec: 0 };
  const startNs = start.nanosec;
  const frameId = options.frameId ?? 'skin_link';
  const messages: TactileArray[] = [];
  for (let i = 0; i < csv.samples; i++) {
    const offsetSec = csv.timestamps[i] as number;
    const whole = Math.floor(offsetSec);
    let sec = start.sec + whole;
    let nanosec = startNs + Math.round((offsetSec - whole) * 1e9);
    if (nanosec >= 1e9) {
      sec += Math.floor(nanosec / 1e9);
      nanosec %= 1e9;
    }
    messages.push({
      header: { stamp: { sec, nanosec }, frame_id: frameId },
      pressures: csv.pressures.subarray(i * taxels, (i + 1) * taxels),
      positions,
      normals,
    });
  }
  return messages;
}
