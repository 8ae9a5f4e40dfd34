import { open, type FileHandle } from 'node:fs/promises';

/** Positional reads from a file or a buffer: what the capture file reader consumes. */
export interface ByteSource {
  /** A name for errors: the file path, or what the buffer holds. */
  readonly name: string;
  /** Reads up to `length` bytes at `position` into `target[offset…]`; 0 at end of data. */
  read(target: Buffer, offset: number, length: number, position: number): Promise<number>;
  close(): Promise<void>;
}

export class FileByteSource implements ByteSource {
  private constructor(
    readonly name: string,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<FileByteSource> {
    return new FileByteSource(path, await open(path, 'r'));
  }

  async read(target: Buffer, offset: number, length: number, position: number): Promise<number> {
    const { bytesRead } = await this.handle.read(target, offset, length, position);
    return bytesRead;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** A capture already in memory (tests, fuzzing, uploaded files). */
export class BufferByteSource implements ByteSource {
  constructor(
    private readonly data: Buffer,
    readonly name = 'buffer',
  ) {}

  async read(target: Buffer, offset: number, length: number, position: number): Promise<number> {
    if (position >= this.data.length) return 0;
    return this.data.copy(target, offset, position, Math.min(this.data.length, position + length));
  }

  async close(): Promise<void> {
    // Nothing to release.
  }
}
