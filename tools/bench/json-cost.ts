/** What JSON costs per item on this machine: the serialisation every item needs on its way to agents and the bus. */
export interface JsonCost {
  /** Mean length of an item's JSON, in characters. */
  bytes: number;
  /** Mean µs per `JSON.stringify` of an item, best of five passes. */
  stringifyUs: number;
  /** Mean µs per `JSON.parse` of an item's JSON, best of five passes. */
  parseUs: number;
}

export function jsonCost(items: readonly unknown[]): JsonCost {
  const texts = items.map((item) => JSON.stringify(item));
  let stringifyUs = Infinity;
  let parseUs = Infinity;
  let sink = 0;
  for (let pass = 0; pass < 5; pass++) {
    const t0 = performance.now();
    for (const item of items) sink += JSON.stringify(item).length;
    const t1 = performance.now();
    for (const text of texts) sink += typeof JSON.parse(text) === 'object' ? 1 : 0;
    const t2 = performance.now();
    stringifyUs = Math.min(stringifyUs, ((t1 - t0) * 1000) / items.length);
    parseUs = Math.min(parseUs, ((t2 - t1) * 1000) / items.length);
  }
  if (sink < 0) throw new Error('unreachable');
  return { bytes: Math.round(texts.reduce((n, text) => n + text.length, 0) / texts.length), stringifyUs, parseUs };
}
