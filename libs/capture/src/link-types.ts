/** LINKTYPE_* values (tcpdump.org/linktypes.html) understood by the frame decoder. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  /** DLT_RAW on some BSDs. */
  RAW_12: 12,
  /** DLT_RAW on OpenBSD. */
  RAW_14: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export type KnownLinkType = (typeof LinkType)[keyof typeof LinkType];

const KNOWN = new Set<number>(Object.values(LinkType));

export function isSupportedLinkType(linkType: number): boolean {
  return KNOWN.has(linkType);
}

/** EtherType values the decoder follows. */
export const EtherType = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  /** Pre-standard QinQ, still seen. */
  QINQ_OLD: 0x9100,
} as const;
