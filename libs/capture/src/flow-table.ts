/**
 * A table of bidirectional flows keyed by the 4-tuple, with an LRU list (least recently seen first)
 * for idle timeouts and eviction. Hashing is symmetric so both directions find the same flow;
 * collisions chain inside the bucket. Hand-written because a string key per packet costs more than
 * the whole rest of the lookup.
 */
export class FlowNode {
  bucketNext: FlowNode | null = null;
  lruPrev: FlowNode | null = null;
  lruNext: FlowNode | null = null;
  lastSeen = 0;

  constructor(
    /** The side seen first (TCP: the client once known). */
    readonly ipA: string,
    readonly portA: number,
    readonly ipB: string,
    readonly portB: number,
    readonly hash: number,
  ) {}
}

/**
 * Hash of an address's text, remembered: the decoder hands out the same string objects for the
 * same addresses, so a hit is a pointer comparison instead of a multiply per character.
 */
const IP_SLOTS = 256;
const ipKeys: string[] = new Array<string>(IP_SLOTS).fill('');
const ipHashes = new Int32Array(IP_SLOTS);

function ipHash(ip: string): number {
  const length = ip.length;
  if (length === 0) return 0;
  const slot = (length * 7 + ip.charCodeAt(length - 1) * 3 + ip.charCodeAt(length >> 1)) & (IP_SLOTS - 1);
  if (ipKeys[slot] === ip) return ipHashes[slot];
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ ip.charCodeAt(i), 0x01000193);
  ipKeys[slot] = ip;
  ipHashes[slot] = h;
  return h;
}

function endpointHash(ip: string, port: number): number {
  const h = Math.imul(ipHash(ip) ^ Math.imul(port + 0x9e3779b1, 0x85ebca6b), 0x01000193);
  return h ^ (h >>> 15);
}

/** Same value for both directions of a flow; a small non-negative integer so Map keys stay Smis. */
export function flowHash(srcIp: string, srcPort: number, dstIp: string, dstPort: number): number {
  return (endpointHash(srcIp, srcPort) ^ endpointHash(dstIp, dstPort)) >>> 2;
}

export class FlowTable<T extends FlowNode> {
  private readonly buckets = new Map<number, FlowNode>();
  size = 0;
  /** Least recently seen. */
  head: T | null = null;
  tail: T | null = null;
  /** Set by `find`: the packet goes from B to A. */
  reversed = false;

  find(hash: number, srcIp: string, srcPort: number, dstIp: string, dstPort: number): T | null {
    let node = this.buckets.get(hash) ?? null;
    while (node !== null) {
      if (node.portA === srcPort && node.portB === dstPort && node.ipA === srcIp && node.ipB === dstIp) {
        this.reversed = false;
        return node as T;
      }
      if (node.portA === dstPort && node.portB === srcPort && node.ipA === dstIp && node.ipB === srcIp) {
        this.reversed = true;
        return node as T;
      }
      node = node.bucketNext;
    }
    return null;
  }

  /** Adds a flow as the most recently seen. */
  insert(flow: T, now: number): void {
    const first = this.buckets.get(flow.hash);
    flow.bucketNext = first ?? null;
    this.buckets.set(flow.hash, flow);
    flow.lastSeen = now;
    flow.lruPrev = this.tail;
    flow.lruNext = null;
    if (this.tail !== null) this.tail.lruNext = flow;
    else this.head = flow;
    this.tail = flow;
    this.size++;
  }

  remove(flow: T): void {
    let node = this.buckets.get(flow.hash) ?? null;
    let previous: FlowNode | null = null;
    while (node !== null && node !== flow) {
      previous = node;
      node = node.bucketNext;
    }
    if (node === null) return;
    if (previous === null) {
      if (flow.bucketNext === null) this.buckets.delete(flow.hash);
      else this.buckets.set(flow.hash, flow.bucketNext);
    } else {
      previous.bucketNext = flow.bucketNext;
    }
    flow.bucketNext = null;
    if (flow.lruPrev !== null) flow.lruPrev.lruNext = flow.lruNext;
    else this.head = flow.lruNext as T | null;
    if (flow.lruNext !== null) flow.lruNext.lruPrev = flow.lruPrev;
    else this.tail = flow.lruPrev as T | null;
    flow.lruPrev = null;
    flow.lruNext = null;
    this.size--;
  }

  /** Marks a flow seen at `now`: it moves to the end of the LRU list. */
  touch(flow: T, now: number): void {
    flow.lastSeen = now;
    if (this.tail === flow) return;
    // Unlink…
    if (flow.lruPrev !== null) flow.lruPrev.lruNext = flow.lruNext;
    else this.head = flow.lruNext as T | null;
    (flow.lruNext as FlowNode).lruPrev = flow.lruPrev;
    // …and append.
    flow.lruPrev = this.tail;
    flow.lruNext = null;
    (this.tail as FlowNode).lruNext = flow;
    this.tail = flow;
  }
}
