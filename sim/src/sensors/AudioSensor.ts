import type { AudioDataStamped, AudioInfo, Time } from '@sensorium/core';
import type { Sound } from '../scenario/ScenarioSchema.js';
import { hashNoise, type Rng } from '../world/Rng.js';

// More buffers than SensorDataQoS depth (5): a message stays intact while any keep-last queue can hold it.
const POOL = 8;

export interface AudioOptions {
  sampleRate: number;
  chunkSec: number;
  /** Microphones sit on the corners of a square of this side in mic_array_link: front-left, rear-left, rear-right, front-right. */
  micSpacing: number;
  mountX: number;
  mountZ: number;
  /** Background noise level, dB SPL. */
  ambientDb: number;
  /** The robot's own motor hum at full speed, dB SPL at the array. */
  motorHumDb: number;
}

export const AUDIO_CHANNELS = 4;
export const SPEED_OF_SOUND = 343;
/** dB SPL that maps to digital full scale at 1 m (so 100 dB at 1 m clips, 30 dB is a few LSB). */
const FULL_SCALE_DB = 100;
const SOURCE_HEIGHT = 1.0;

export interface AudioChunkEffect {
  extraNoise: number;
  silent: boolean;
}

/** A sound source resolved for synthesis: its signal as a function of emission time. */
export interface SoundSource {
  readonly spec: Sound;
  readonly amplitude: number;
  readonly seed: number;
  /** Mono samples for `wav` sources. */
  readonly wav?: { samples: Float32Array; sampleRate: number };
}

export function dbToAmplitude(db: number): number {
  return 10 ** ((db - FULL_SCALE_DB) / 20);
}

/**
 * A 4-microphone array: for every sample and microphone, each source's signal emitted d/c earlier,
 * attenuated as 1/d (free field), so inter-microphone delays carry the direction of arrival. Adds
 * ambient noise and the robot's motor hum. Output: S16LE interleaved, one chunk per `chunkSec`.
 */
export class AudioSensor {
  readonly framesPerChunk: number;
  private readonly pool: Uint8Array[] = [];
  private next = 0;
  private readonly micX = new Float64Array(AUDIO_CHANNELS);
  private readonly micY = new Float64Array(AUDIO_CHANNELS);
  readonly info: AudioInfo;

  constructor(readonly options: AudioOptions, private readonly sources: readonly SoundSource[], private readonly rng: Rng) {
    this.framesPerChunk = Math.round(options.sampleRate * options.chunkSec);
    for (let i = 0; i < POOL; i++) this.pool.push(new Uint8Array(this.framesPerChunk * AUDIO_CHANNELS * 2));
    // The layout perception's DEFAULT_MIC_ARRAY assumes (a ReSpeaker-like square).
    const h = options.micSpacing / 2;
    const corners = [
      [h, h],
      [-h, h],
      [-h, -h],
      [h, -h],
    ] as const;
    corners.forEach(([x, y], m) => {
      this.micX[m] = x;
      this.micY[m] = y;
    });
    this.info = { channels: AUDIO_CHANNELS, sample_rate: options.sampleRate, sample_format: 'S16LE', bitrate: options.sampleRate * 16 * AUDIO_CHANNELS, coding_format: 'wave' };
  }

  /** Microphone m's position in mic_array_link (x forward, y left). */
  micPosition(m: number): { x: number; y: number } {
    return { x: this.micX[m]!, y: this.micY[m]!, };
  }

  /**
   * Synthesises the chunk ending at `endSec`, the robot moving linearly from pose `from` to `to` over it,
   * at drive speed `speedFraction` (0..1) for the motor hum.
   */
  chunk(endSec: number, from: { x: number; y: number; yaw: number }, to: { x: number; y: number; yaw: number }, speedFraction: number, stamp: Time, effect: AudioChunkEffect): AudioDataStamped {
    const bytes = this.pool[this.next]!;
    this.next = (this.next + 1) % this.pool.length;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const o = this.options;
    const n = this.framesPerChunk;
    const startSec = endSec - n / o.sampleRate;
    const ambient = dbToAmplitude(o.ambientDb) + effect.extraNoise;
    const hum = dbToAmplitude(o.motorHumDb) * speedFraction;
    for (let m = 0; m < AUDIO_CHANNELS; m++) {
      // Microphone world positions at the chunk's start and end; linear in between.
      const ax = micWorldX(from, o.mountX, this.micX[m]!, this.micY[m]!);
      const ay = micWorldY(from, o.mountX, this.micX[m]!, this.micY[m]!);
      const bx = micWorldX(to, o.mountX, this.micX[m]!, this.micY[m]!);
      const by = micWorldY(to, o.mountX, this.micX[m]!, this.micY[m]!);
      for (let k = 0; k < n; k++) {
        const f = k / n;
        const t = startSec + k / o.sampleRate;
        let x = 0;
        if (!effect.silent) {
          const mx = ax + (bx - ax) * f;
          const my = ay + (by - ay) * f;
          for (const source of this.sources) {
            const sx = source.spec.position[0] - mx;
            const sy = source.spec.position[1] - my;
            const sz = SOURCE_HEIGHT - o.mountZ;
            const d = Math.sqrt(sx * sx + sy * sy + sz * sz);
            const emitted = t - d / SPEED_OF_SOUND - source.spec.start;
            if (emitted < 0 || (source.spec.duration !== undefined && emitted > source.spec.duration)) continue;
            x += (source.amplitude / Math.max(d, 0.25)) * signal(source, emitted, o.sampleRate);
          }
          if (hum > 0) x += hum * (0.7 * Math.sin(2 * Math.PI * 180 * t) + 0.3 * Math.sin(2 * Math.PI * 360 * t));
          x += ambient * this.rng.gaussian();
        }
        const v = Math.round(x * 32767);
        view.setInt16((k * AUDIO_CHANNELS + m) * 2, v > 32767 ? 32767 : v < -32768 ? -32768 : v, true);
      }
    }
    return { header: { stamp, frame_id: 'mic_array_link' }, audio: { data: bytes } };
  }
}

function micWorldX(p: { x: number; yaw: number }, mountX: number, mx: number, my: number): number {
  return p.x + Math.cos(p.yaw) * (mountX + mx) - Math.sin(p.yaw) * my;
}
function micWorldY(p: { y: number; yaw: number }, mountX: number, mx: number, my: number): number {
  return p.y + Math.sin(p.yaw) * (mountX + mx) + Math.cos(p.yaw) * my;
}

/** A source's waveform at `tau` seconds after it started. */
function signal(source: SoundSource, tau: number, sampleRate: number): number {
  const spec = source.spec;
  switch (spec.signal) {
    case 'tone':
      return Math.sin(2 * Math.PI * spec.frequency * tau);
    case 'alarm': {
      // Two-tone siren: `frequency` and 1.25× alternate every 0.4 s.
      const f = Math.floor(tau / 0.4) % 2 === 0 ? spec.frequency : spec.frequency * 1.25;
      return Math.sin(2 * Math.PI * f * tau);
    }
    case 'hum':
      return 0.6 * Math.sin(2 * Math.PI * 100 * tau) + 0.3 * Math.sin(2 * Math.PI * 200 * tau) + 0.1 * Math.sin(2 * Math.PI * 300 * tau);
    case 'noise': {
      // Time-addressable noise (linear between samples) so every microphone hears the same wave, delayed.
      const at = tau * sampleRate;
      const i = Math.floor(at);
      const f = at - i;
      return hashNoise(source.seed, i) * (1 - f) + hashNoise(source.seed, i + 1) * f;
    }
    case 'wav': {
      const wav = source.wav;
      if (wav === undefined || wav.samples.length === 0) return 0;
      let at = tau * wav.sampleRate;
      if (at >= wav.samples.length - 1) {
        if (!spec.loop) return 0;
        at %= wav.samples.length - 1;
      }
      const i = Math.floor(at);
      const f = at - i;
      return wav.samples[i]! * (1 - f) + wav.samples[i + 1]! * f;
    }
  }
}
