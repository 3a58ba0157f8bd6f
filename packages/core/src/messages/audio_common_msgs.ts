import type { Header } from './std_msgs.js';

/** audio_common_msgs/msg/AudioData: raw bytes in the format given by AudioInfo. */
export interface AudioData {
  data: Uint8Array;
}
/** audio_common_msgs/msg/AudioDataStamped */
export interface AudioDataStamped {
  header: Header;
  audio: AudioData;
}
/** audio_common_msgs/msg/AudioInfo (sample_format e.g. `S16LE`; coding_format e.g. `wave`). */
export interface AudioInfo {
  channels: number;
  sample_rate: number;
  sample_format: string;
  bitrate: number;
  coding_format: string;
}
