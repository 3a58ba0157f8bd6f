import type { IWritable } from '@mcap/core';

/** An IWritable that collects bytes in memory (tests, small recordings sent over a socket). */
export class MemoryWritable implements IWritable {
  #buffer = new Uint8Array(64 * 1024);
  #length = 0;

  write(chunk: Uint8Array): Promise<void> {
    if (this.#length + chunk.byteLength > this.#buffer.byteLength) {
      // Doubling keeps appends amortised O(1).
      const grown = new Uint8Array(Math.max(this.#buffer.byteLength * 2, this.#length + chunk.byteLength));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#buffer.set(chunk, this.#length);
    this.#length += chunk.byteLength;
    return Promise.resolve();
  }

  position(): bigint {
    return BigInt(this.#length);
  }

  /** The bytes written so far (a view; copy it if writing continues). */
  bytes(): Uint8Array {
    return this.#buffer.subarray(0, this.#length);
  }
}
