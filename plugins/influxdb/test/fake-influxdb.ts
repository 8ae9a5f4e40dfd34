import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type FieldValue = number | string | boolean | { int: string };

export interface LinePoint {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  timestamp?: string;
}

export interface WriteCall {
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
  points: LinePoint[];
}

/**
 * A loopback InfluxDB 2 write endpoint: `POST /api/v2/write?org=&bucket=&precision=` with a
 * `Token` authorization and a line-protocol body (gzip or not), answered as InfluxDB does: 204 when
 * written, 401/404/400 with `{ code, message }`, and 503 with Retry-After when told to be busy.
 */
export class FakeInfluxDb {
  readonly writes: WriteCall[] = [];
  /** Next writes answered 503 (service unavailable). */
  busyNext = 0;
  private server!: Server;
  url = '';

  constructor(
    private readonly token: string,
    private readonly buckets: Set<string>,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const error = (status: number, code: string, message: string) =>
          res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify({ code, message }));
        if (req.method !== 'POST' || url.pathname !== '/api/v2/write') return error(404, 'not found', 'path not found');
        let raw = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
        const body = raw.toString('utf8');
        const query = Object.fromEntries(url.searchParams);
        if (req.headers.authorization !== `Token ${this.token}`) return error(401, 'unauthorized', 'unauthorized access');
        if (!this.buckets.has(query.bucket ?? '')) return error(404, 'not found', `bucket "${query.bucket}" not found`);
        if (this.busyNext > 0) {
          this.busyNext--;
          return res.writeHead(503, { 'Retry-After': '0' }).end();
        }
        let points: LinePoint[];
        try {
          points = body.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#')).map(parseLine);
        } catch (parseError) {
          return error(400, 'invalid', (parseError as Error).message);
        }
        this.writes.push({ query, headers: req.headers, body, points });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * One line of InfluxDB line protocol: `measurement[,tag=v…] field=v[,field=v…] [timestamp]`, with its
 * escapes (`\,` `\ ` in measurements; `\,` `\=` `\ ` in keys and tag values; `\"` `\\` in strings),
 * integers `1i`, booleans `t/true/f/false`, floats otherwise.
 */
export function parseLine(line: string): LinePoint {
  let i = 0;
  const readUntil = (stops: string): string => {
    let out = '';
    while (i < line.length && !stops.includes(line[i])) {
      if (line[i] === '\\' && i + 1 < line.length) {
        out += line[i + 1];
        i += 2;
      } else out += line[i++];
    }
    return out;
  };
  const measurement = readUntil(', ');
  if (!measurement) throw new Error(`no measurement in ${JSON.stringify(line)}`);
  const tags: Record<string, string> = {};
  while (line[i] === ',') {
    i++;
    const key = readUntil('=');
    i++;
    tags[key] = readUntil(', ');
  }
  if (line[i] !== ' ') throw new Error(`expected a space before the fields in ${JSON.stringify(line)}`);
  i++;
  const fields: Record<string, FieldValue> = {};
  for (;;) {
    const key = readUntil('=');
    if (line[i] !== '=') throw new Error(`field ${key} has no value`);
    i++;
    if (line[i] === '"') {
      i++;
      let value = '';
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          value += line[i + 1];
          i += 2;
        } else value += line[i++];
      }
      if (line[i] !== '"') throw new Error(`unterminated string in field ${key}`);
      i++;
      fields[key] = value;
    } else {
      const token = readUntil(', ');
      if (/^-?\d+i$/.test(token)) fields[key] = { int: token.slice(0, -1) };
      else if (/^(t|T|true|True|TRUE)$/.test(token)) fields[key] = true;
      else if (/^(f|F|false|False|FALSE)$/.test(token)) fields[key] = false;
      else if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(token)) fields[key] = Number(token);
      else throw new Error(`field ${key} has an invalid value ${token}`);
    }
    if (line[i] === ',') {
      i++;
      continue;
    }
    break;
  }
  let timestamp: string | undefined;
  if (line[i] === ' ') {
    timestamp = line.slice(i + 1).trim();
    if (!/^-?\d+$/.test(timestamp)) throw new Error(`invalid timestamp ${timestamp}`);
  }
  return { measurement, tags, fields, timestamp };
}
