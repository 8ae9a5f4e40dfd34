import type { Item } from '../api/types';

/** One line of the Live table: what the request asked and what came back, per protocol. */
export interface ItemSummary {
  protocol: string;
  request: string;
  response: string;
  /** Error, client error, server error: how the row is coloured. */
  tone: 'ok' | 'warn' | 'error';
}

const str = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

export function summariseItem(item: Item): ItemSummary {
  const protocol = item.protocol?.abbr ?? item.protocol?.name?.toUpperCase() ?? '?';
  const request = (item.request ?? {}) as Record<string, unknown>;
  const response = (item.response ?? {}) as Record<string, unknown>;
  let req = '';
  let res = '';
  let tone: ItemSummary['tone'] = 'ok';
  switch (item.protocol?.name) {
    case 'http': {
      req = `${str(request.method)} ${str(request.path ?? request.url)}`.trim();
      const status = typeof response.status === 'number' ? response.status : undefined;
      res = status === undefined ? '' : `${status} ${str(response.statusText)}`.trim();
      if (status !== undefined && status >= 500) tone = 'error';
      else if (status !== undefined && status >= 400) tone = 'warn';
      break;
    }
    case 'dns': {
      const questions = Array.isArray(request.questions) ? (request.questions as Array<Record<string, unknown>>) : [];
      req = questions.map((q) => `${str(q.type)} ${str(q.name)}`).join(', ');
      const answers = Array.isArray(response.answers) ? (response.answers as Array<Record<string, unknown>>) : [];
      res = [str(response.code), ...answers.map((a) => str(a.ip ?? a.cname ?? a.type))].filter((s) => s).join(' ');
      if (response.code !== undefined && response.code !== 'NOERROR' && response.code !== 0) tone = 'warn';
      break;
    }
    case 'redis': {
      const args = Array.isArray(request.args) ? request.args.map(str) : [];
      req = [str(request.command), ...args].join(' ');
      res = `${str(response.type)} ${str(response.value)}`.trim();
      if (response.type === 'error') tone = 'error';
      break;
    }
    default:
      req = str(item.request).slice(0, 120);
      res = str(item.response).slice(0, 120);
  }
  if (item.error) {
    tone = 'error';
    res = res ? `${res} (${item.error.type})` : `${item.error.type}: ${item.error.msg}`;
  }
  return { protocol, request: req.length > 200 ? `${req.slice(0, 200)}…` : req, response: res.length > 200 ? `${res.slice(0, 200)}…` : res, tone };
}

/**
 * Merges items that arrived (oldest first) into what the view already shows, newest first,
 * keeping at most `max`. Items are keyed by id and first-byte time (ids restart with a worker).
 */
export function mergeItems(shown: Item[], fresh: Item[], max: number): Item[] {
  const key = (i: Item) => `${i.id}@${i.timestamp}`;
  const seen = new Set(shown.map(key));
  const added: Item[] = [];
  for (const item of fresh) if (!seen.has(key(item))) added.push(item);
  if (added.length === 0) return shown;
  added.reverse();
  return [...added, ...shown].slice(0, max);
}
