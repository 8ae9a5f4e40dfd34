import type { DnsRequest, DnsResponse, ItemProtocol } from '@wirehook/contracts';
import { PROTOCOLS } from '@wirehook/contracts';
import type { DnsMessage } from './dns-message';

export function toDnsRequest(message: DnsMessage): DnsRequest {
  return { id: message.id, opCode: message.opCode, questions: message.questions };
}

export function toDnsResponse(message: DnsMessage): DnsResponse {
  return {
    id: message.id,
    code: message.code,
    answers: message.answers,
    authorities: message.authorities,
    additionals: message.additionals,
  };
}

export const DNS_UDP: ItemProtocol = PROTOCOLS.dns;
export const DNS_TCP: ItemProtocol = Object.freeze({ ...PROTOCOLS.dns, layer4: 'tcp' });

/** A question summary for error messages: `A api.shop.test`. */
export function describeQuestion(message: DnsMessage): string {
  const q = message.questions[0];
  return q === undefined ? `id ${message.id}` : `${q.type} ${q.name} (id ${message.id})`;
}
