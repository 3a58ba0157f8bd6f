import type { Detection3DArray } from '@sensorium/core';
import type { ObstacleBox } from './SafetySupervisor.js';

/**
 * Detection boxes (sensor frame, `offsetX` ahead of base_link) → base_link boxes for the supervisor.
 * Boxes containing base_link or with a side over `maxSize` are skipped. Writes into `out` (grown as needed, its boxes reused): only the latest detections matter.
 */
export function detectionsToBoxes(msg: Detection3DArray, offsetX: number, out: ObstacleBox[], maxSize = Infinity): ObstacleBox[] {
  const n = msg.detections.length;
  while (out.length < n) out.push({ x: 0, y: 0, sizeX: 0, sizeY: 0 });
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const d = msg.detections[i]!;
    const x = d.bbox.center.position.x + offsetX;
    const y = d.bbox.center.position.y;
    const sx = d.bbox.size.x;
    const sy = d.bbox.size.y;
    // A box around the robot itself, or larger than any single obstacle, is a cluster of walls joined at a
    // corner: its bounding box says nothing about free space (the sector ranges keep the walls).
    if (sx > maxSize || sy > maxSize || (Math.abs(x) < sx / 2 && Math.abs(y) < sy / 2)) continue;
    const box = out[kept++]!;
    box.x = x;
    box.y = y;
    box.sizeX = sx;
    box.sizeY = sy;
  }
  out.length = kept;
  return out;
}
