/**
 * IP address text for the decoder, through small direct-mapped caches: a capture talks to few
 * addresses, so almost every packet gets an already-built (and already-hashed) string, which also
 * makes the reassembler's flow lookups and comparisons cheap. The caches have a fixed size, so
 * memory stays bounded whatever the traffic.
 */

const V4_SLOTS = 4096;
const v4Keys = new Int32Array(V4_SLOTS);
const v4Text: (string | undefined)[] = new Array<string | undefined>(V4_SLOTS).fill(undefined);

/** Dotted-quad text of the IPv4 address at `offset` (4 bytes, network order). */
export function ipv4ToString(buf: Uint8Array, offset: number): string {
  const a = buf[offset];
  const b = buf[offset + 1];
  const c = buf[offset + 2];
  const d = buf[offset + 3];
  const key = (a << 24) | (b << 16) | (c << 8) | d;
  const slot = (key ^ (key >>> 11) ^ (key >>> 22)) & (V4_SLOTS - 1);
  const cached = v4Text[slot];
  if (cached !== undefined && v4Keys[slot] === key) return cached;
  const text = `${a}.${b}.${c}.${d}`;
  v4Keys[slot] = key;
  v4Text[slot] = text;
  return text;
}

const V6_SLOTS = 2048;
const v6Keys = new Int32Array(V6_SLOTS * 4);
const v6Text: (string | undefined)[] = new Array<string | undefined>(V6_SLOTS).fill(undefined);

function word(buf: Uint8Array, offset: number): number {
  return (buf[offset] << 24) | (buf[offset + 1] << 16) | (buf[offset + 2] << 8) | buf[offset + 3];
}

/** RFC 5952 text of the IPv6 address at `offset` (16 bytes): lowercase, longest zero run as `::`. */
export function ipv6ToString(buf: Uint8Array, offset: number): string {
  const w0 = word(buf, offset);
  const w1 = word(buf, offset + 4);
  const w2 = word(buf, offset + 8);
  const w3 = word(buf, offset + 12);
  let h = Math.imul(w0 ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ w1, 0xc2b2ae35);
  h = Math.imul(h ^ w2, 0x85ebca6b);
  h = Math.imul(h ^ w3, 0xc2b2ae35);
  const slot = (h ^ (h >>> 15)) & (V6_SLOTS - 1);
  const k = slot * 4;
  const cached = v6Text[slot];
  if (cached !== undefined && v6Keys[k] === w0 && v6Keys[k + 1] === w1 && v6Keys[k + 2] === w2 && v6Keys[k + 3] === w3) {
    return cached;
  }
  const text = formatIpv6(buf, offset);
  v6Keys[k] = w0;
  v6Keys[k + 1] = w1;
  v6Keys[k + 2] = w2;
  v6Keys[k + 3] = w3;
  v6Text[slot] = text;
  return text;
}

function formatIpv6(buf: Uint8Array, offset: number): string {
  const groups = new Array<number>(8);
  for (let i = 0; i < 8; i++) groups[i] = (buf[offset + i * 2] << 8) | buf[offset + i * 2 + 1];

  // IPv4-mapped (::ffff:a.b.c.d), written the way Node and tshark write it.
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return `::ffff:${ipv4ToString(buf, offset + 12)}`;
  }

  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestLength < 2) bestStart = -1;

  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLength - 1;
      continue;
    }
    if (text.length > 0 && !text.endsWith(':')) text += ':';
    text += groups[i].toString(16);
  }
  return text;
}
