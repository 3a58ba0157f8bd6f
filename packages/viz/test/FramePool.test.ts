import { describe, expect, it } from 'vitest';
import { FramePool } from '../src/FramePool.js';

describe('FramePool', () => {
  it('reuses a released buffer for a frame that fits, and allocates for one that does not', () => {
    const pool = new FramePool({ maxFree: 2 });
    const a = pool.acquire(1000);
    expect(a.byteLength).toBe(1000);
    pool.release(a);
    const b = pool.acquire(1100); // a's buffer was rounded up to 4096
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteLength).toBe(1100);
    const c = pool.acquire(10_000);
    expect(c.buffer).not.toBe(a.buffer);
  });

  it('keeps at most maxFree idle buffers', () => {
    const pool = new FramePool({ maxFree: 2 });
    for (const f of [pool.acquire(10), pool.acquire(10), pool.acquire(10)]) pool.release(f);
    expect(pool.idle).toBe(2);
  });
});
