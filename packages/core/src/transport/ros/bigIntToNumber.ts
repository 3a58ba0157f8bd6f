/**
 * rclnodejs hands int64/uint64 fields over as BigInt; Sensorium's message types say `number`. Converts
 * them in place (messages from rclnodejs are fresh objects nobody else holds), skipping typed arrays.
 */
export function bigIntToNumber(message: unknown): void {
  if (typeof message !== 'object' || message === null || ArrayBuffer.isView(message)) return;
  if (Array.isArray(message)) {
    for (let i = 0; i < message.length; i++) {
      const v: unknown = message[i];
      if (typeof v === 'bigint') message[i] = Number(v);
      else bigIntToNumber(v);
    }
    return;
  }
  const record = message as Record<string, unknown>;
  for (const key in record) {
    const v = record[key];
    if (typeof v === 'bigint') record[key] = Number(v);
    else if (typeof v === 'object' && v !== null) bigIntToNumber(v);
  }
}
