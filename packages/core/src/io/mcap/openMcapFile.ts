import { open } from 'node:fs/promises';
import { McapSource, type McapSourceOptions } from './McapSource.js';

/**
 * Opens an MCAP file for reading by offset (nothing is read whole). Returns the source and a `close`
 * for the file handle.
 */
export async function openMcapFile(file: string, options: Omit<McapSourceOptions, 'file'> = {}): Promise<{ source: McapSource; close: () => Promise<void> }> {
  const handle = await open(file, 'r');
  try {
    const size = BigInt((await handle.stat()).size);
    const source = await McapSource.open(
      {
        size: () => Promise.resolve(size),
        read: async (offset, length) => {
          const buffer = new Uint8Array(Number(length));
          await handle.read(buffer, 0, buffer.length, Number(offset));
          return buffer;
        },
      },
      { ...options, file },
    );
    return { source, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
