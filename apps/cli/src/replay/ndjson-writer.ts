/** Buffered line writer for NDJSON on stdout that tolerates a closed pipe (e.g. `| head`). */
export class NdjsonWriter {
  private buffer: string[] = [];
  private size = 0;
  private closed = false;

  constructor(private readonly stream: NodeJS.WritableStream & { writableNeedDrain?: boolean }) {
    stream.on('error', () => {
      this.closed = true;
    });
  }

  write(line: string): void {
    if (this.closed) return;
    this.buffer.push(line);
    this.size += line.length;
    if (this.size > 64 * 1024) this.flush();
  }

  end(): Promise<void> {
    this.flush();
    return new Promise((resolve) => (this.stream.writableNeedDrain ? this.stream.once('drain', () => resolve()) : resolve()));
  }

  private flush(): void {
    if (this.buffer.length === 0 || this.closed) return;
    this.stream.write(this.buffer.join('\n') + '\n');
    this.buffer = [];
    this.size = 0;
  }
}
