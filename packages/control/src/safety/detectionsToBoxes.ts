import type { Detection3DArray } from '@sensorium/core';
import type { ObstacleBox } from './SafetySupervisor.js';

/**
 * Detection boxes (sensor frame, `offsetX` ahead of base_link) → base_link boxes for the supervisor.
 * Writes into `out` (grown as needed, its boxes reused): only the latest detections matter.
 */
export function detectionsToBoxes(msg: Detection3DArray, offsetX: number, out: ObstacleBox[]): ObstacleBox[] {
  const n = msg.detections.length;
  while (out.length < n) out.push({ x: 0, y: 0, sizeX: 0, sizeY: 0 });
  out.length = n;
  for (let i = 0; i < n; i++) {
    const d = msg.detections[i]!;
    const box = out[i]!;
    box.x = d.bbox.center.position.x + offsetX;
    box.y = d.bbox.center.position.y;
    box.sizeX = d.bbox.size.x;
    box.sizeY = d.bbox.size.y;
  }
  return out;
}
