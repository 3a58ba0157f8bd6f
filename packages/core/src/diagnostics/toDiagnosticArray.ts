import { DiagnosticLevel } from '../messages/diagnostic_msgs.js';
import type { DiagnosticArray, DiagnosticStatus, KeyValue } from '../messages/diagnostic_msgs.js';
import type { GraphDiagnostics, NodeStatus } from './GraphDiagnostics.js';

const LEVEL = { ok: DiagnosticLevel.OK, warn: DiagnosticLevel.WARN, error: DiagnosticLevel.ERROR } as const;

function fixed(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'nan';
}

/**
 * `diagnostic_msgs/DiagnosticArray` for a graph snapshot: one DiagnosticStatus per node (name = node's
 * full name) with its state, per-topic counts and rates, drops by reason, stage latency p50/p99 and
 * data age per stage, counters and gauges as KeyValues (`rqt_runtime_monitor` shows them as a table).
 */
export function toDiagnosticArray(snapshot: GraphDiagnostics): DiagnosticArray {
  return { header: { stamp: snapshot.stamp, frame_id: '' }, status: snapshot.nodes.map(toStatus) };
}

function toStatus(node: NodeStatus): DiagnosticStatus {
  const values: KeyValue[] = [
    { key: 'exec', value: node.exec },
    { key: 'state', value: node.state },
  ];
  for (const t of node.topics) {
    values.push({ key: `${t.direction} ${t.topic} rate_hz`, value: fixed(t.rateHz) });
    values.push({ key: `${t.direction} ${t.topic} count`, value: String(t.count) });
  }
  for (const d of node.drops) values.push({ key: `drops ${d.topic} ${d.reason}`, value: String(d.count) });
  for (const s of node.stages) {
    values.push({ key: `stage ${s.name} processing_ms p50`, value: fixed(s.processingMs.p50, 3) });
    values.push({ key: `stage ${s.name} processing_ms p99`, value: fixed(s.processingMs.p99, 3) });
    if (s.ageMs !== undefined) {
      values.push({ key: `stage ${s.name} age_ms p50`, value: fixed(s.ageMs.p50, 3) });
      values.push({ key: `stage ${s.name} age_ms p99`, value: fixed(s.ageMs.p99, 3) });
    }
  }
  for (const [name, value] of Object.entries(node.counters)) values.push({ key: `counter ${name}`, value: String(value) });
  for (const [name, value] of Object.entries(node.gauges)) {
    values.push({ key: `gauge ${name}`, value: typeof value === 'number' ? String(value) : value });
  }
  return { level: LEVEL[node.level], name: node.node, message: node.message, hardware_id: '', values };
}
