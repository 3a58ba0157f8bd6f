/** What `inspectFile` found in a recording, by kind. Plain data (JSON-serialisable: times in seconds). */
export type FileReport = McapReport | PcdReport | WavReport | TactileCsvReport;

export interface McapTopicReport {
  topic: string;
  type: string;
  count: number;
  /** Messages per second over the topic's own first-to-last span (0 with fewer than 2 messages). */
  rateHz: number;
}

export interface McapReport {
  kind: 'mcap';
  file: string;
  profile: string;
  compression: string[];
  messageCount: number;
  durationSec: number;
  /** Log time of the first message, seconds since the epoch. */
  startSec: number;
  topics: McapTopicReport[];
}

export interface PcdReport {
  kind: 'pcd';
  file: string;
  data: string;
  width: number;
  height: number;
  points: number;
  fields: { name: string; type: string; size: number; count: number }[];
  /** Points whose x, y and z are all finite. */
  finitePoints: number;
  /** Bounds of the finite points (undefined without x/y/z or without finite points). */
  bounds: { min: [number, number, number]; max: [number, number, number] } | undefined;
}

export interface WavReport {
  kind: 'wav';
  file: string;
  format: string;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  frames: number;
  durationSec: number;
}

export interface TactileCsvReport {
  kind: 'tactile-csv';
  file: string;
  frames: number;
  columns: number;
  taxels: number;
  /** The rate given (tactile CSVs carry no time), undefined when none was. */
  rateHz: number | undefined;
  durationSec: number | undefined;
}
