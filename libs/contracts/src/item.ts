/**
 * The item: one dissected request/response pair (or one-way message).
 * Field names follow Kubeshark's JSON names so that existing agents read the same paths
 * (see shared/docs/agent-api.md). This is the only definition of the shape.
 */

export interface ItemEndpoint {
  ip: string;
  /** Port as a string, as Kubeshark does. */
  port: string;
  /** Workload name from the Kubernetes IP index, '' when unknown. */
  name: string;
  namespace: string;
  pod?: string;
}

export interface ItemProtocol {
  name: string;
  version: string;
  abbr: string;
  longName: string;
  layer3: 'ipv4' | 'ipv6' | string;
  layer4: 'tcp' | 'udp' | string;
}

export type ItemErrorType = 'dissection' | 'connection' | 'timeout' | 'pair-not-found';

export interface ItemError {
  type: ItemErrorType;
  msg: string;
}

export interface HttpRequest {
  method: string;
  url: string;
  path: string;
  pathSegments: string[];
  httpVersion: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  queryString: Record<string, string>;
  headersSize: number;
  bodySize: number;
  postData: { mimeType: string; text: string; truncated?: boolean };
}

export interface HttpResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  headersSize: number;
  bodySize: number;
  redirectURL: string;
  content: {
    mimeType: string;
    /** Content-Encoding as sent (gzip, deflate, br) or ''. `text` is decoded when supported. */
    encoding: string;
    /** Decoded body size in bytes. */
    size: number;
    text: string;
    /** True when `text` was cut at the body cap. */
    truncated?: boolean;
  };
}

export interface DnsQuestion {
  name: string;
  type: string;
  class: string;
}

export interface DnsResourceRecord {
  name: string;
  type: string;
  class: string;
  ttl: number;
  ip?: string;
  cname?: string;
  mx?: string;
  preference?: number;
  ns?: string;
  ptr?: string;
  txts?: string[];
  srv?: { priority: number; weight: number; port: number; target: string };
  soa?: { mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number };
  /** Hex of the RDATA for types without a structured form. */
  data?: string;
}

export interface DnsRequest {
  id: number;
  opCode: string;
  questions: DnsQuestion[];
}

export interface DnsResponse {
  id: number;
  code: string;
  answers: DnsResourceRecord[];
  authorities: DnsResourceRecord[];
  additionals: DnsResourceRecord[];
}

export interface RedisRequest {
  command: string;
  args: string[];
}

export type RedisValue = string | number | boolean | null | RedisValue[] | { [key: string]: RedisValue };

export interface RedisResponse {
  /** RESP type name: simple-string, error, integer, bulk-string, array, null, map, set, double, boolean, big-number, verbatim-string, push, attribute */
  type: string;
  value: RedisValue;
}

/** Protocol-specific payloads are typed per protocol; consumers narrow on `protocol.name`. */
export type ItemRequest = HttpRequest | DnsRequest | RedisRequest | Record<string, unknown>;
export type ItemResponse = HttpResponse | DnsResponse | RedisResponse | Record<string, unknown>;

export interface Item {
  /** `<worker>/<stream>-<index>` */
  id: string;
  index: number;
  stream: string;
  worker: string;
  node: { ip: string; name: string };
  protocol: ItemProtocol;
  src: ItemEndpoint;
  dst: ItemEndpoint;
  /** Repeats dst.namespace. */
  namespace: string;
  /** ms since epoch of the first request byte. */
  timestamp: number;
  startTime: string;
  /** ms from request start to response end; 0 when one side is missing. */
  elapsedTime: number;
  requestSize: number;
  responseSize: number;
  request: ItemRequest | null;
  response: ItemResponse | null;
  error?: ItemError;
  passed?: boolean;
  failed?: boolean;
}

export const PROTOCOLS = {
  http10: { name: 'http', version: '1.0', abbr: 'HTTP', longName: 'Hypertext Transfer Protocol -- HTTP/1.0', layer3: 'ipv4', layer4: 'tcp' },
  http11: { name: 'http', version: '1.1', abbr: 'HTTP', longName: 'Hypertext Transfer Protocol -- HTTP/1.1', layer3: 'ipv4', layer4: 'tcp' },
  dns: { name: 'dns', version: '0', abbr: 'DNS', longName: 'Domain Name System', layer3: 'ipv4', layer4: 'udp' },
  redis: { name: 'redis', version: '3.x', abbr: 'REDIS', longName: 'Redis Serialization Protocol', layer3: 'ipv4', layer4: 'tcp' },
} as const satisfies Record<string, ItemProtocol>;
