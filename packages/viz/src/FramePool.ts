/**
 * Reusable outbound frame buffers. A 2 MB point cloud frame allocated fresh per message costs page
 * faults and GC far beyond its memcpy; frames are taken here, and given back once the socket has
 * written them (or the send queue dropped them). At most `maxFree` idle buffers are kept.
 */
export class FramePool {
  readonly #free: ArrayBuffer[] = [];
  readonly #maxFree: number;

  constructor(options: { maxFree?: number } = {}) {
    this.#maxFree = options.maxFree ?? 4;
  }

  /** A view of exactly `bytes` bytes over a pooled (or new) buffer. */
  acquire(bytes: number): Uint8Array {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const buffer = this.#free[i]!;
      if (buffer.byteLength >= bytes) {
        this.#free.splice(i, 1);
        return new Uint8Array(buffer, 0, bytes);
      }
    }
    // Round up so a cloud a few points larger next time still fits.
    return new Uint8Array(new ArrayBuffer(Math.ceil((bytes * 1.125) / 4096) * 4096), 0, bytes);
  }

  release(frame: Uint8Array): void {
    if (this.#free.length >= this.#maxFree) this.#free.shift();
    this.#free.push(frame.buffer as ArrayBuffer);
  }

  get idle(): number {
    return this.#free.length;
  }
}
