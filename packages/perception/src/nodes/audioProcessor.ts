import { Subscription } from 'rxjs';
import {
  bytesPerSample,
  decodePcmToFloat32,
  defineNode,
  double,
  doubleArray,
  fromSec,
  integer,
  LatchedQoS,
  mapSafe,
  SensorDataQoS,
  string,
  toSec,
  ValidationError,
  type AudioEvent,
} from '@sensorium/core';
import { AudioFrontEnd } from '../audio/AudioFrontEnd.js';
import { micPositionsFromFlat } from '../audio/MicArray.js';

/**
 * `audio_processor`: AudioDataStamped (any AudioInfo sample format and rate) → 16 kHz log-mel tokens,
 * onset events with GCC-PHAT bearings in base_link → `perception/audio/events` (every chunk, possibly
 * empty, so consumers see it is alive) and `perception/audio/tokens`. The format comes from the latched
 * `audio/info`; until one arrives the `default_*` parameters apply.
 */
export const audioProcessor = defineNode({
  exec: 'audio_processor',
  description: 'Audio front end: resample, log-mel tokens, onset events, GCC-PHAT direction of arrival',
  parameters: {
    default_sample_rate: integer(16000, { min: 1000, max: 384_000, description: 'sample rate before audio/info arrives, Hz' }),
    default_channels: integer(4, { min: 1, max: 64, description: 'channels before audio/info arrives' }),
    default_sample_format: string('S16LE', { choices: ['U8', 'S16LE', 'S24LE', 'S32LE', 'F32LE'], description: 'sample format before audio/info arrives' }),
    mic_positions: doubleArray([0.05, 0.05, -0.05, 0.05, -0.05, -0.05, 0.05, -0.05], {
      description: 'x0 y0 x1 y1 … of each mic in mic_array_link, m (default: 0.1 m square, FL RL RR FR)',
    }),
    array_yaw: double(0, { min: -Math.PI, max: Math.PI, description: 'yaw of mic_array_link in base_link, rad' }),
    speed_of_sound: double(343, { min: 300, max: 400, description: 'm/s' }),
    mels: integer(32, { min: 8, max: 128, description: 'log-mel bands = audio token width' }),
    onset_margin_db: double(12, { min: 1, max: 60, description: 'onset needs this much above the noise floor, dB' }),
    onset_flux_k: double(3, { min: 0, max: 20, description: 'onset needs spectral flux above median + k·σ' }),
  },
  inputs: [
    { topic: 'audio/audio', type: 'audio_common_msgs/msg/AudioDataStamped', qos: 'sensor' },
    { topic: 'audio/info', type: 'audio_common_msgs/msg/AudioInfo', qos: 'latched' },
  ],
  outputs: [
    { topic: 'perception/audio/events', type: 'sensorium_msgs/msg/AudioEventArray', qos: 'sensor' },
    { topic: 'perception/audio/tokens', type: 'sensorium_msgs/msg/FeatureTokens', qos: 'sensor' },
  ],
  configure(ctx) {
    const p = ctx.params;
    const frontEnd = new AudioFrontEnd({
      micArray: { positions: micPositionsFromFlat(p.mic_positions), yaw: p.array_yaw },
      speedOfSound: p.speed_of_sound,
      logMel: { mels: p.mels },
      onset: { energyMarginDb: p.onset_margin_db, fluxK: p.onset_flux_k },
    });
    let format = { sampleRate: p.default_sample_rate, channels: p.default_channels, sampleFormat: p.default_sample_format };
    let pcm = new Float32Array(0);
    return {
      activate() {
        const events = ctx.advertise('perception/audio/events', 'sensorium_msgs/msg/AudioEventArray', SensorDataQoS);
        const tokens = ctx.advertise('perception/audio/tokens', 'sensorium_msgs/msg/FeatureTokens', SensorDataQoS);
        const sub = new Subscription();
        sub.add(
          ctx
            .subscribe('audio/info', 'audio_common_msgs/msg/AudioInfo', LatchedQoS)
            .pipe(
              mapSafe(ctx, 'audio/info', (info) => {
                if (bytesPerSample(info.sample_format) === undefined || !(info.channels >= 1) || !(info.sample_rate >= 1000)) {
                  throw new ValidationError('unusable AudioInfo', { context: { field: 'sample_format/channels/sample_rate', actual: `${info.sample_format}/${info.channels}/${info.sample_rate}` } });
                }
                format = { sampleRate: info.sample_rate, channels: info.channels, sampleFormat: info.sample_format };
              }),
            )
            .subscribe(),
        );
        sub.add(
          ctx
            .subscribe('audio/audio', 'audio_common_msgs/msg/AudioDataStamped', SensorDataQoS)
            .pipe(
              mapSafe(ctx, 'audio/audio', (msg) => {
                const t0 = performance.now();
                const frameBytes = bytesPerSample(format.sampleFormat)! * format.channels;
                const bytes = msg.audio.data;
                if (bytes.byteLength % frameBytes !== 0) {
                  throw new ValidationError('audio chunk is not a whole number of frames', {
                    context: { field: 'audio.data', expected: `multiple of ${frameBytes} bytes (${format.channels} × ${format.sampleFormat})`, actual: `${bytes.byteLength} bytes` },
                  });
                }
                const frames = bytes.byteLength / frameBytes;
                if (pcm.length < frames * format.channels) pcm = new Float32Array(frames * format.channels * 2);
                decodePcmToFloat32(bytes, format.sampleFormat, format.channels, pcm);
                const res = frontEnd.process(pcm, frames, format, toSec(msg.header.stamp));
                const header = { stamp: msg.header.stamp, frame_id: 'base_link' };
                const list: AudioEvent[] = res.events.map((e) => ({ onset: fromSec(e.timeSec), kind: e.kind, level_db: e.levelDb, bearing: e.bearing, confidence: e.confidence }));
                events.publish({ header, events: list });
                if (res.tokenCount > 0) tokens.publish({ header: { stamp: msg.header.stamp, frame_id: msg.header.frame_id }, modality: 'audio', count: res.tokenCount, dim: res.tokenDim, data: res.tokens.slice() });
                if (list.length > 0) ctx.diagnostics.count('audio_events', list.length);
                ctx.diagnostics.stage('audio_front_end', performance.now() - t0, msg.header.stamp);
              }),
            )
            .subscribe(),
        );
        return sub;
      },
    };
  },
});
