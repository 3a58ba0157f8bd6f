import type { McapReadable } from './McapSource.js';

/** An McapReadable over bytes already in memory; reads are views, not copies. */
export function bytesReadable(bytes: Uint8Array): McapReadable {
  return {
    size: () => Promise.resolve(BigInt(bytes.byteLength)),
    read: (offset, size) => {
      const start = Number(offset);
      const end = start + Number(size);
      if (start < 0 || end > bytes.byteLength) {
        return Promise.reject(new RangeError(`read of ${size} bytes at offset ${offset} is past the end (${bytes.byteLength} bytes)`));
      }
      return Promise.resolve(bytes.subarray(start, end));
    },
  };
}
