import WebSocket from 'ws';
import type { LogEntry } from '@wirehook/contracts';

/** A client of a hub WebSocket stream (`/api/logs/stream`, `/api/items/stream`) that collects what arrives, or the HTTP status it was refused with. */
export class StreamClient<T = LogEntry> {
  readonly entries: T[] = [];
  private readonly socket: WebSocket;
  /** Resolves with 'open', or with the status of a refused handshake. */
  readonly opened: Promise<'open' | number>;

  constructor(url: string, token?: string) {
    this.socket = new WebSocket(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    this.socket.on('message', (data) => this.entries.push(JSON.parse(data.toString()) as T));
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve('open'));
      this.socket.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        response.resume();
        this.socket.terminate();
      });
      this.socket.once('error', (error) => reject(error));
    });
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

export { StreamClient as LogStreamClient };
