import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Form or JSON fields (Web API), the JSON payload (webhook), or nothing (uploads). */
  fields: Record<string, unknown>;
  raw: Buffer;
}

/**
 * A loopback Slack: incoming webhooks (`POST /services/…` with a JSON payload, answered `ok`) and the
 * Web API methods the bot helper uses, answered as Slack answers them — HTTP 200 with `{ ok, … }`,
 * `invalid_auth` for an unknown token, `channel_not_found` for an unknown channel — including the
 * external file upload flow (getUploadURLExternal → upload URL → completeUploadExternal).
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly uploads = new Map<string, { filename: string; bytes: Buffer }>();
  /** Answers for the next webhook posts (status codes), used before answering 200. */
  readonly webhookFailures: number[] = [];
  private server!: Server;
  private nextFile = 1;
  url = '';

  constructor(
    private readonly tokens: Set<string>,
    private readonly channels: Map<string, string>,
  ) {}

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  webhookUrl(id = 'T000/B000/secret'): string {
    return `${this.url}/services/${id}`;
  }

  api(method: string): SlackCall[] {
    return this.calls.filter((c) => c.path === `/api/${method}`);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const path = (req.url ?? '/').split('?')[0];
        const call: SlackCall = { method: req.method ?? '', path, headers: req.headers, fields: parseFields(req.headers['content-type'], raw), raw };
        this.calls.push(call);
        const json = (body: unknown) => res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
        if (path.startsWith('/services/')) {
          const status = this.webhookFailures.shift();
          if (status === 429) res.writeHead(429, { 'Retry-After': '0' }).end('rate_limited');
          else if (status !== undefined) res.writeHead(status).end('failure');
          else if (typeof call.fields.text !== 'string' && !Array.isArray(call.fields.attachments)) res.writeHead(400).end('invalid_payload');
          else res.writeHead(200, { 'Content-Type': 'text/html' }).end('ok');
          return;
        }
        if (path.startsWith('/upload/')) {
          const id = path.slice('/upload/'.length);
          const upload = this.uploads.get(id);
          if (!upload) return void res.writeHead(404).end('unknown upload');
          // Slack takes the bytes raw or as one multipart file part (what the Web API client sends).
          void uploadedBytes(req.headers['content-type'], raw).then((bytes) => {
            upload.bytes = bytes;
            res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`OK - ${bytes.length}`);
          });
          return;
        }
        if (!path.startsWith('/api/')) return void res.writeHead(404).end();
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        if (!this.tokens.has(token)) return json({ ok: false, error: 'invalid_auth' });
        const method = path.slice('/api/'.length);
        switch (method) {
          case 'chat.postMessage': {
            const channel = this.channels.get(String(call.fields.channel));
            if (!channel) return json({ ok: false, error: 'channel_not_found' });
            return json({ ok: true, channel, ts: '1764470000.000100', message: { type: 'message', text: call.fields.text, attachments: call.fields.attachments } });
          }
          case 'files.getUploadURLExternal': {
            const id = `F${String(this.nextFile++).padStart(6, '0')}`;
            this.uploads.set(id, { filename: String(call.fields.filename), bytes: Buffer.alloc(0) });
            return json({ ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id });
          }
          case 'files.completeUploadExternal': {
            const files = (typeof call.fields.files === 'string' ? JSON.parse(call.fields.files) : call.fields.files) as Array<{ id: string; title?: string }>;
            if (!this.channels.has(String(call.fields.channel_id)) && ![...this.channels.values()].includes(String(call.fields.channel_id))) {
              return json({ ok: false, error: 'channel_not_found' });
            }
            return json({ ok: true, files: files.map((f) => ({ id: f.id, title: f.title, name: this.uploads.get(f.id)?.filename })) });
          }
          default:
            return json({ ok: false, error: 'unknown_method' });
        }
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

/** Slack's Web API takes form-encoded arguments (nested values as JSON text) or JSON. */
function parseFields(contentType: string | undefined, raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (!contentType || raw.length === 0) return {};
  if (contentType.includes('application/json')) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  if (contentType.includes('application/x-www-form-urlencoded')) {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      fields[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    }
    return fields;
  }
  return {};
}

async function uploadedBytes(contentType: string | undefined, raw: Buffer): Promise<Buffer> {
  if (!contentType?.startsWith('multipart/form-data')) return raw;
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  for (const value of form.values()) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  return Buffer.alloc(0);
}
