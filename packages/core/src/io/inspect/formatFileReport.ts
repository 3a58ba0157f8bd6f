import type { FileReport } from './FileReport.js';

const fixed = (v: number, digits = 3): string => (Number.isInteger(v) ? String(v) : v.toFixed(digits));

/** Human-readable text for a FileReport (what `sensorium inspect` prints without --json). */
export function formatFileReport(report: FileReport): string {
  const lines = [`${report.file} (${report.kind})`];
  switch (report.kind) {
    case 'mcap': {
      lines.push(`  profile ${report.profile || '-'}, compression ${report.compression.join(', ') || '-'}`);
      lines.push(`  ${report.messageCount} messages over ${fixed(report.durationSec)} s`);
      const width = Math.max(5, ...report.topics.map((t) => t.topic.length));
      lines.push(`  ${'topic'.padEnd(width)}  ${'count'.padStart(6)}  ${'rate Hz'.padStart(8)}  type`);
      for (const t of report.topics) {
        lines.push(`  ${t.topic.padEnd(width)}  ${String(t.count).padStart(6)}  ${t.rateHz.toFixed(2).padStart(8)}  ${t.type}`);
      }
      break;
    }
    case 'pcd':
      lines.push(`  DATA ${report.data}, ${report.width}×${report.height} = ${report.points} points (${report.finitePoints} finite)`);
      lines.push(`  fields ${report.fields.map((f) => `${f.name}:${f.type}${f.size}${f.count > 1 ? `×${f.count}` : ''}`).join(' ')}`);
      if (report.bounds !== undefined) {
        const { min, max } = report.bounds;
        lines.push(`  bounds x [${fixed(min[0])}, ${fixed(max[0])}] y [${fixed(min[1])}, ${fixed(max[1])}] z [${fixed(min[2])}, ${fixed(max[2])}]`);
      }
      break;
    case 'wav':
      lines.push(`  ${report.format}, ${report.channels} ch, ${report.sampleRate} Hz, ${report.frames} frames, ${fixed(report.durationSec)} s`);
      break;
    case 'tactile-csv':
      lines.push(`  ${report.frames} frames × ${report.taxels} taxels (${report.columns} columns)`);
      lines.push(report.rateHz === undefined ? '  rate unknown (pass the sampling rate)' : `  ${report.rateHz} Hz, ${fixed(report.durationSec ?? 0)} s`);
      break;
  }
  return lines.join('\n');
}
