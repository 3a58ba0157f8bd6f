/** builtin_interfaces/msg/Time. `nanosec` is always in [0, 1e9). */
export interface Time {
  sec: number;
  nanosec: number;
}

/** builtin_interfaces/msg/Duration. */
export interface Duration {
  sec: number;
  nanosec: number;
}

export const ZERO_TIME: Readonly<Time> = Object.freeze({ sec: 0, nanosec: 0 });

/** Seconds as a float (≈ 0.2 µs resolution at today's epoch; fine for latencies and rates). */
export function toSec(t: Time): number {
  return t.sec + t.nanosec * 1e-9;
}

/** Exact nanoseconds. */
export function toNs(t: Time): bigint {
  return BigInt(t.sec) * 1_000_000_000n + BigInt(t.nanosec);
}

export function fromSec(seconds: number): Time {
  let sec = Math.floor(seconds);
  let nanosec = Math.round((seconds - sec) * 1e9);
  if (nanosec >= 1e9) {
    sec += 1;
    nanosec -= 1e9;
  }
  return { sec, nanosec };
}

export function fromNs(ns: bigint): Time {
  const sec = ns / 1_000_000_000n;
  return { sec: Number(sec), nanosec: Number(ns - sec * 1_000_000_000n) };
}

/** a - b in seconds. */
export function diffSec(a: Time, b: Time): number {
  return a.sec - b.sec + (a.nanosec - b.nanosec) * 1e-9;
}

export function compareTime(a: Time, b: Time): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nanosec - b.nanosec;
}

export function addSec(t: Time, seconds: number): Time {
  return fromSec(toSec(t) + seconds);
}
