import type { Item, ItemEndpoint, ItemError, ItemProtocol, ItemRequest, ItemResponse } from '@wirehook/contracts';
import type { Endpoint } from '@wirehook/capture';
import { isoTime } from './buffer-text';

/** The sides of a request/response pair (either may be missing) with their timing and sizes. */
export interface PairRecord {
  request: ItemRequest | null;
  response: ItemResponse | null;
  /** Capture time (ms) of the first request byte; NaN without a request. */
  requestStart: number;
  /** Capture time (ms) of the first response byte; NaN without a response. */
  responseStart: number;
  /** Capture time (ms) of the last response byte; NaN without a response. */
  responseEnd: number;
  requestSize: number;
  responseSize: number;
}

/** One pair as a protocol dissector reports it. */
export interface Exchange extends PairRecord {
  protocol: ItemProtocol;
  error?: ItemError;
}

/** Kubernetes identity of an IP, from the worker's pod index; unknown IPs resolve to undefined. */
export interface EndpointIdentity {
  name: string;
  namespace: string;
  pod?: string;
}

/** `port` (as items carry it, a string) lets an index tell apart workloads sharing an IP (host-network pods). */
export type EndpointResolver = (ip: string, port: string) => EndpointIdentity | undefined;

/** Identity shared by every item of one connection or UDP flow. */
export interface ItemSource {
  worker: string;
  nodeIp: string;
  resolveEndpoint?: EndpointResolver;
  onItem(item: Item): void;
}

/**
 * A conversation between a client (the requester) and a server: one TCP connection or one
 * UDP flow. Turns exchanges into items with ids `<worker>/<stream>-<index>`.
 */
export class Flow {
  private nextIndex = 0;
  private readonly idPrefix: string;
  private readonly clientPort: string;
  private readonly serverPort: string;

  constructor(
    private readonly source: ItemSource,
    readonly stream: string,
    readonly client: Endpoint,
    readonly server: Endpoint,
    readonly ipVersion: 4 | 6,
  ) {
    this.idPrefix = `${source.worker}/${stream}-`;
    this.clientPort = String(client.port);
    this.serverPort = String(server.port);
  }

  get itemCount(): number {
    return this.nextIndex;
  }

  emit(exchange: Exchange): Item {
    return this.emitPair(exchange.protocol, exchange, exchange.error);
  }

  /** `emit` for a dissector that keeps its own, larger pair record (HTTP): no Exchange object per pair. */
  emitPair(protocol: ItemProtocol, pair: PairRecord, error: ItemError | undefined): Item {
    const { request, response, requestStart, responseStart } = pair;
    const index = this.nextIndex++;
    const { source } = this;
    const hasRequest = request !== null && !Number.isNaN(requestStart);
    const timestamp = hasRequest ? requestStart : responseStart;
    const elapsed = hasRequest && response !== null ? pair.responseEnd - requestStart : 0;
    const src = this.endpoint(this.client.ip, this.clientPort);
    const dst = this.endpoint(this.server.ip, this.serverPort);
    const item: Item = {
      id: this.idPrefix + index,
      index,
      stream: this.stream,
      worker: source.worker,
      node: { ip: source.nodeIp, name: source.worker },
      protocol: this.ipVersion === 6 ? asIpv6(protocol) : protocol,
      src,
      dst,
      namespace: dst.namespace,
      timestamp,
      startTime: isoTime(timestamp),
      elapsedTime: elapsed > 0 ? roundMs(elapsed) : 0,
      requestSize: pair.requestSize,
      responseSize: pair.responseSize,
      request,
      response,
    };
    if (error !== undefined) item.error = error;
    source.onItem(item);
    return item;
  }

  private endpoint(ip: string, port: string): ItemEndpoint {
    const resolve = this.source.resolveEndpoint;
    const identity = resolve === undefined ? undefined : resolve(ip, port);
    if (identity === undefined) return { ip, port, name: '', namespace: '' };
    const out: ItemEndpoint = { ip, port, name: identity.name, namespace: identity.namespace };
    if (identity.pod !== undefined) out.pod = identity.pod;
    return out;
  }
}

/** Microsecond precision is what pcap timestamps carry; more digits are float noise. */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

const ipv6Variants = new WeakMap<ItemProtocol, ItemProtocol>();

function asIpv6(protocol: ItemProtocol): ItemProtocol {
  let v6 = ipv6Variants.get(protocol);
  if (v6 === undefined) {
    v6 = Object.freeze({ ...protocol, layer3: 'ipv6' });
    ipv6Variants.set(protocol, v6);
  }
  return v6;
}
