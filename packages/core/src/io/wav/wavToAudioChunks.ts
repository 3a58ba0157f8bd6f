import type { AudioDataStamped } from '../../messages/audio_common_msgs.js';
import type { Time } from '../../time/Time.js';
import type { WavFile } from './readWav.js';

export interface WavToAudioChunksOptions {
  /** Chunk length in seconds (rounded to whole frames). Default 0.1 (the audio topic's 100 ms). */
  chunkSec?: number;
  /** Stamp of the first sample. Default 0. */
  startStamp?: Time;
  /** header.frame_id. Default 'mic_array_link'. */
  frameId?: string;
}

/**
 * Splits a WAV file into audio_common_msgs/AudioDataStamped messages of `chunkSec` each (the last may
 * be shorter). Each `audio.data` is a zero-copy view into the file bytes in the file's own sample
 * format (see `wav.info.sample_format`); each stamp is the time of the chunk's first sample.
 *
 * @example
 * const wav = readWav(bytes, { file });
 * for (const msg of wavToAudioChunks(wav, { chunkSec: 0.1 })) transport.publish('audio/audio', msg);
 */
export function wavToAudioChunks(wav: WavFile, options: WavToAudioChunksOptions = {}): AudioDataStamped[] {
  const chunkSec = options.chunkSec ?? 0.1;
  if (!Number.isFinite(chunkSec) || chunkSec <= 0) throw new RangeError(`wavToAudioChunks: chunkSec must be > 0, got ${chunkSec}`);
  const framesPerChunk = Math.max(1, Math.round(chunkSec * wav.format.sampleRate));
  const start = options.startStamp ?? { sec: 0, nanosec: 0 };
  const frameId = options.frameId ?? 'mic_array_link';
  const { blockAlign, sampleRate } = wav.format;
  const messages: AudioDataStamped[] = [];
  for (let frame = 0; frame < wav.frameCount; frame += framesPerChunk) {
    const end = Math.min(wav.frameCount, frame + framesPerChunk);
    messages.push({
      header: { stamp: stampAt(start, frame, sampleRate), frame_id: frameId },
      audio: { data: wav.data.subarray(frame * blockAlign, end * blockAlign) },
    });
  }
  return messages;
}

/** start + frame / sampleRate, exact to the nanosecond (no float drift over long files). */
function stampAt(start: Time, frame: number, sampleRate: number): Time {
  const wholeSec = Math.floor(frame / sampleRate);
  const remainderNs = Math.round(((frame - wholeSec * sampleRate) * 1e9) / sampleRate);
  let sec = start.sec + wholeSec;
  let nanosec = start.nanosec + remainderNs;
  if (nanosec >= 1e9) {
    sec += 1;
    nanosec -= 1e9;
  }
  return { sec, nanosec };
}
