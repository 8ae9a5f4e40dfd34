import { createHash, createHmac } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedCall {
  target: string;
  contentType: string;
  body: Record<string, unknown>;
  /** Key id from the Credential scope, and whether the SigV4 signature matched its secret. */
  keyId: string;
  region: string;
  service: string;
  signatureValid: boolean;
}

/**
 * In front of kinesalite (which does not check signatures): checks every request's AWS SigV4
 * signature against the secret of its key id, computed here from the specification (canonical
 * request, string to sign, derived key) rather than with the SDK's own signer, and answers an
 * invalid one as AWS does (400, `InvalidSignatureException`, AWS JSON 1.1 error body). Can also
 * answer the next requests with throttling errors.
 */
export class SigningProxy {
  readonly calls: ProxiedCall[] = [];
  /** Next requests answered with ProvisionedThroughputExceededException instead of being forwarded. */
  throttleNext = 0;
  private server!: Server;
  url = '';

  constructor(
    private readonly upstreamPort: number,
    private readonly secrets: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const verdict = verify(req.method ?? 'POST', req.url ?? '/', req.headers, raw, this.secrets);
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        } catch {
          // left empty: the test sees it
        }
        this.calls.push({ target: String(req.headers['x-amz-target']), contentType: String(req.headers['content-type']), body, ...verdict });
        const awsError = (type: string, message: string) =>
          res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'test' }).end(JSON.stringify({ __type: type, message }));
        if (!verdict.signatureValid) return awsError('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
        if (this.throttleNext > 0) {
          this.throttleNext--;
          return awsError('ProvisionedThroughputExceededException', 'Rate exceeded for shard shardId-000000000000.');
        }
        const upstream = request({ host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        });
        upstream.on('error', () => res.writeHead(502).end());
        upstream.end(raw);
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

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

function verify(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer, secrets: Record<string, string>): Omit<ProxiedCall, 'target' | 'contentType' | 'body'> {
  const match = AUTHORIZATION.exec(String(headers.authorization ?? ''));
  if (!match) return { keyId: '', region: '', service: '', signatureValid: false };
  const [, keyId, date, region, service, signedHeaderList, signature] = match;
  const secret = secrets[keyId];
  const amzDate = String(headers['x-amz-date'] ?? '');
  if (!secret || !amzDate.startsWith(date)) return { keyId, region, service, signatureValid: false };
  const signedHeaders = signedHeaderList.split(';');
  const [path, query = ''] = url.split('?');
  const canonicalQuery = [...new URLSearchParams(query)].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).sort().join('&');
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${String(headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [method, path, canonicalQuery, canonicalHeaders, signedHeaderList, sha256(body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = ['aws4_request'].reduce((k, part) => hmac(k, part), hmac(hmac(hmac(`AWS4${secret}`, date), region), service));
  const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
  return { keyId, region, service, signatureValid: expected === signature };
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
