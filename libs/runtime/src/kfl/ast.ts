/** Syntax tree of a KFL query (grammar in libs/runtime/KFL.md). */

export type KflStringOp = 'contains' | 'startsWith' | 'endsWith' | 'matches';
export type KflCompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type KflLiteralValue = string | number | boolean | null;

export type KflNode =
  | { kind: 'all' }
  | { kind: 'literal'; value: KflLiteralValue }
  /** `request.headers["User-Agent"]` → segments ["request", "headers", "User-Agent"]. */
  | { kind: 'path'; segments: Array<string | number> }
  /** A bare protocol name (`http`, `dns`, `tcp`…): true when the item is of that protocol. */
  | { kind: 'protocol'; name: string }
  | { kind: 'compare'; op: KflCompareOp; left: KflNode; right: KflNode }
  | { kind: 'string-op'; op: KflStringOp; left: KflNode; right: KflNode }
  | { kind: 'truthy'; operand: KflNode }
  | { kind: 'not'; operand: KflNode }
  | { kind: 'and'; left: KflNode; right: KflNode }
  | { kind: 'or'; left: KflNode; right: KflNode };

/** Names that, used alone, test the item's protocol (`protocol.name`, or `protocol.layer4` for tcp/udp). */
export const KFL_PROTOCOLS: readonly string[] = [
  'http', 'http2', 'grpc', 'dns', 'redis', 'amqp', 'kafka', 'mongodb', 'postgres', 'mysql', 'ldap', 'radius', 'diameter', 'smtp', 'ws', 'tls', 'tcp', 'udp', 'icmp', 'sctp',
];
