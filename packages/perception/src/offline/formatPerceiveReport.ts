import type { GroundSummary, PerceiveReport } from './perceiveFile.js';

const deg = (rad: number): string => `${((rad * 180) / Math.PI).toFixed(0)}°`;
const m = (v: number): string => `${v.toFixed(2)} m`;
const ground = (g: GroundSummary | null): string =>
  g === null ? 'ground: none found' : `ground: normal (${g.normal.map((v) => v.toFixed(3)).join(', ')}), offset ${g.offset.toFixed(3)} m, ${g.inliers} inliers`;

/** Human-readable lines for `sensorium perceive` without `--json`. */
export function formatPerceiveReport(r: PerceiveReport): string {
  const lines: string[] = [];
  switch (r.kind) {
    case 'pointcloud': {
      lines.push(`${r.file}: ${r.points} points`);
      lines.push(ground(r.ground));
      lines.push(`clusters: ${r.clusters.length} (${r.clusters.filter((c) => c.kind === 'structure').length} structures, in ${r.structureSegments} segments)`);
      for (const c of r.clusters.slice(0, 10)) lines.push(`  ${c.kind} at ${m(c.nearestDistance)} bearing ${deg(c.bearing)}, size ${c.size.map((v) => v.toFixed(2)).join('×')} m, ${c.points} voxels`);
      lines.push(r.nearest === null ? 'nearest obstacle: none' : `nearest obstacle: ${m(r.nearest.distance)} at ${deg(r.nearest.bearing)}`);
      break;
    }
    case 'audio':
      lines.push(`${r.file}: ${r.channels} ch, ${r.sampleRate} Hz, ${r.durationSec.toFixed(2)} s, ${r.events.length} events`);
      for (const e of r.events) lines.push(`  ${e.timeSec.toFixed(3)} s  ${e.levelDb.toFixed(1)} dBFS${e.bearing === null ? '' : `  bearing ${deg(e.bearing)}`}`);
      break;
    case 'tactile':
      lines.push(`${r.file}: ${r.samples} samples × ${r.taxels} taxels, ${r.contacts.length} contacts`);
      for (const c of r.contacts) lines.push(`  contact ${c.startSec.toFixed(3)}–${c.endSec.toFixed(3)} s, peak ${c.peakPressure.toFixed(2)}`);
      break;
    case 'mcap':
      lines.push(`${r.file}: ${r.topics.length} topics, ${r.clouds.length} clouds, ${r.audioEvents.length} audio events, ${r.touchBumpsSec.length} touch bumps`);
      for (const c of r.clouds) {
        lines.push(`  ${c.topic} @ ${c.stampSec.toFixed(3)}: ${c.obstacles} detections, ${c.structureSegments} structure segments${c.nearest === null ? '' : `, nearest obstacle ${m(c.nearest.distance)} at ${deg(c.nearest.bearing)}`}`);
        lines.push(`    ${ground(c.ground)}`);
      }
      for (const d of r.drops) lines.push(`  dropped ${d.count} on ${d.topic} (${d.reason}) in ${d.node}`);
      break;
  }
  return lines.join('\n');
}
