import type { FeatureTokens, Time } from '@sensorium/core';
import { compareTime, diffSec } from '@sensorium/core';
import { FusionInputError } from './FusionInputError.js';

/**
 * The latest accepted FeatureTokens of one modality. Checks each message at the boundary (modality name,
 * dim, count, length, finite values, stamps strictly increasing) and keeps a reference to the message
 * (no copy: messages are immutable in transit). A rejected message leaves the previous one in place,
 * so a frozen camera repeating an old stamp goes stale instead of looking fresh.
 */
export class TokenSlot {
  private message: FeatureTokens | null = null;

  constructor(
    readonly modality: string,
    readonly topic: string,
    readonly dim: number,
    readonly maxCount: number,
  ) {}

  /** Accepts `msg` or throws FusionInputError naming the topic and field. */
  accept(msg: FeatureTokens): void {
    const context = { topic: this.topic };
    if (msg.modality !== this.modality) {
      throw new FusionInputError('modality_mismatch', 'tokens of another modality on this topic', { ...context, field: 'modality', expected: this.modality, actual: msg.modality });
    }
    if (msg.dim !== this.dim) {
      throw new FusionInputError('bad_dim', 'token dim does not match the fusion model', { ...context, field: 'dim', expected: String(this.dim), actual: String(msg.dim) });
    }
    if (!Number.isInteger(msg.count) || msg.count < 1 || msg.count > this.maxCount) {
      throw new FusionInputError('bad_count', 'token count out of range', { ...context, field: 'count', expected: `1..${this.maxCount}`, actual: String(msg.count) });
    }
    if (msg.data.length !== msg.count * msg.dim) {
      throw new FusionInputError('bad_length', 'data length is not count × dim', { ...context, field: 'data', expected: String(msg.count * msg.dim), actual: String(msg.data.length) });
    }
    const data = msg.data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i] as number)) {
        throw new FusionInputError('not_finite', 'token data contains NaN or infinity', { ...context, field: `data[${i}]`, expected: 'finite', actual: String(data[i]) });
      }
    }
    if (this.message !== null) {
      const order = compareTime(msg.header.stamp, this.message.header.stamp);
      if (order < 0) {
        throw new FusionInputError('out_of_order', 'stamp older than the last accepted tokens', { ...context, field: 'header.stamp', expected: 'increasing stamps' });
      }
      if (order === 0) {
        throw new FusionInputError('duplicate_stamp', 'stamp repeats the last accepted tokens (frozen source?)', { ...context, field: 'header.stamp', expected: 'increasing stamps' });
      }
    }
    this.message = msg;
  }

  /** The latest tokens if their stamp is at most `timeoutSec` old at `now`, else null. */
  fresh(now: Time, timeoutSec: number): FeatureTokens | null {
    if (this.message === null) return null;
    return diffSec(now, this.message.header.stamp) <= timeoutSec ? this.message : null;
  }

  get stamp(): Time | null {
    return this.message?.header.stamp ?? null;
  }

  reset(): void {
    this.message = null;
  }
}
