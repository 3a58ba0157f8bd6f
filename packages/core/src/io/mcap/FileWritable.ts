import { open, type FileHandle } from 'node:fs/promises';
import type { IWritable } from '@mcap/core';

/** An MCAP IWritable appending to a file (created or truncated). Close it after the recorder. */
export class FileWritable implements IWritable {
  #position = 0n;
  private constructor(private readonly handle: FileHandle) {}

  static async create(file: string): Promise<FileWritable> {
    return new FileWritable(await open(file, 'w'));
  }

  async write(buffer: Uint8Array): Promise<void> {
    let written = 0;
    while (written < buffer.length) {
      const { bytesWritten } = await this.handle.write(buffer, written, buffer.length - written);
      written += bytesWritten;
    }
    this.#position += BigInt(buffer.length);
  }

  position(): bigint {
    return this.#position;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
