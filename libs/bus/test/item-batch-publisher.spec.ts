import { ItemBatchPublisher, type PublishOptions } from '../src';

interface Sent {
  subject: string;
  payload: { v: number; sequence: { session: string; first: number }; items: Array<{ id: string }> };
  msgId?: string;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function recorder(options: { maxItems?: number; maxChars?: number; session?: string; accept?: () => boolean } = {}): { publisher: ItemBatchPublisher; sent: Sent[] } {
  const sent: Sent[] = [];
  const accept = options.accept ?? (() => true);
  const publisher = new ItemBatchPublisher({
    session: 'run1',
    ...options,
    bus: {
      publishJson: (subject: string, json: string, publish?: PublishOptions) =>
        sent.push({ subject, payload: JSON.parse(json) as Sent['payload'], msgId: publish?.msgId }) > 0 && accept(),
    },
  });
  return { publisher, sent };
}

const item = (id: string, pad = 0): string => JSON.stringify({ id, pad: 'x'.repeat(pad) });

describe('ItemBatchPublisher', () => {
  it('sends the items of one event-loop turn as one batch per subject, in order, with a batch message id', async () => {
    const { publisher, sent } = recorder();
    publisher.add('wirehook.items.n1.http', 'n1/1-0', item('n1/1-0'));
    publisher.add('wirehook.items.n1.dns', 'n1/2-0', item('n1/2-0'));
    publisher.add('wirehook.items.n1.http', 'n1/1-1', item('n1/1-1'));
    expect(sent).toEqual([]);
    expect(publisher.pendingItems).toBe(3);
    await turn();
    expect(sent.map((s) => [s.subject, s.payload.items.map((i) => i.id), s.msgId])).toEqual([
      ['wirehook.items.n1.http', ['n1/1-0', 'n1/1-1'], 'run1/n1/1-0+2'],
      ['wirehook.items.n1.dns', ['n1/2-0'], 'run1/n1/2-0+1'],
    ]);
    expect(sent[0].payload.v).toBe(1);
    publisher.add('wirehook.items.n1.http', 'n1/1-2', item('n1/1-2'));
    await turn();
    expect(sent[2].msgId).toBe('run1/n1/1-2+1');
    expect(publisher.stats()).toEqual({ items: 4, batches: 3, failedItems: 0 });
  });

  it('sends a batch as soon as it reaches the item bound', () => {
    const { publisher, sent } = recorder({ maxItems: 3 });
    for (let i = 0; i < 7; i++) publisher.add('s.a', `a/${i}`, item(`a/${i}`));
    expect(sent.map((s) => s.payload.items.length)).toEqual([3, 3]);
    publisher.flush();
    expect(sent.map((s) => s.msgId)).toEqual(['run1/a/0+3', 'run1/a/3+3', 'run1/a/6+1']);
    expect(publisher.pendingItems).toBe(0);
  });

  it('keeps a batch under the size bound; an item over it goes alone', () => {
    const { publisher, sent } = recorder({ maxChars: 1000 });
    publisher.add('s.a', 'a/0', item('a/0', 400));
    publisher.add('s.a', 'a/1', item('a/1', 400));
    publisher.add('s.a', 'a/2', item('a/2', 400)); // would pass 1000: the first two go
    publisher.add('s.a', 'a/3', item('a/3', 2000)); // alone, after a/2
    publisher.add('s.a', 'a/4', item('a/4'));
    publisher.flush();
    expect(sent.map((s) => s.payload.items.map((i) => i.id))).toEqual([['a/0', 'a/1'], ['a/2'], ['a/3'], ['a/4']]);
  });

  it('reports a publish that throws instead of throwing from the event loop', async () => {
    const errors: string[] = [];
    const publisher = new ItemBatchPublisher({
      session: 's',
      bus: {
        publishJson: () => {
          throw new Error('bus closed');
        },
      },
      onError: (error, subject, items) => errors.push(`${subject} ${items} ${error.message}`),
    });
    publisher.add('s.a', 'a/0', item('a/0'));
    publisher.add('s.a', 'a/1', item('a/1'));
    await turn();
    expect(errors).toEqual(['s.a 2 bus closed']);
    expect(publisher.stats().failedItems).toBe(2);
  });

  it('counts the items of a batch the bus dropped (outage buffer full) as failed', async () => {
    let accept = false;
    const publisher = new ItemBatchPublisher({ session: 's', bus: { publishJson: () => accept } });
    publisher.add('s.a', 'a/0', item('a/0'));
    publisher.add('s.a', 'a/1', item('a/1'));
    await turn();
    accept = true;
    publisher.add('s.a', 'a/2', item('a/2'));
    await turn();
    expect(publisher.stats()).toEqual({ items: 1, batches: 1, failedItems: 2 });
  });

  it('numbers the batches of each subject by their first item, so a consumer can see a gap; a dropped batch leaves one', async () => {
    let accept = true;
    const { publisher, sent } = recorder({ maxItems: 2, session: 'node "a" 2026', accept: () => accept });
    for (let i = 0; i < 5; i++) publisher.add('s.a', `a/${i}`, item(`a/${i}`));
    publisher.add('s.b', 'b/0', item('b/0'));
    await turn();
    accept = false;
    publisher.add('s.a', 'a/5', item('a/5'));
    await turn();
    accept = true;
    publisher.add('s.a', 'a/6', item('a/6'));
    await turn();
    expect(sent.map((s) => [s.subject, s.payload.sequence.first, s.payload.items.length])).toEqual([
      ['s.a', 0, 2],
      ['s.a', 2, 2],
      ['s.a', 4, 1],
      ['s.b', 0, 1],
      ['s.a', 5, 1], // not taken by the bus
      ['s.a', 6, 1],
    ]);
    expect(new Set(sent.map((s) => s.payload.sequence.session))).toEqual(new Set(['node "a" 2026']));
  });
});
