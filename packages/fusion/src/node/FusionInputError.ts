import { ValidationError } from '@sensorium/core';

/** Why an input message was rejected; the node counts drops by this code. */
export type RejectReason = 'modality_mismatch' | 'bad_dim' | 'bad_count' | 'bad_length' | 'not_finite' | 'out_of_order' | 'duplicate_stamp';

/**
 * A token or cue message the fusion node refused (the node keeps running and counts it). `code` is
 * `FUSION_` + the reason in capitals (`FUSION_BAD_DIM`), so diagnostics count drops per reason.
 */
export class FusionInputError extends ValidationError {
  override readonly code: string;

  constructor(
    readonly reason: RejectReason,
    message: string,
    context: { topic?: string; field?: string; expected?: string; actual?: string } = {},
  ) {
    super(message, { context });
    this.code = `FUSION_${reason.toUpperCase()}`;
  }
}
