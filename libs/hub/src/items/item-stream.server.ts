import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { WebSocket } from 'ws';
import type { Item } from '@wirehook/contracts';
import { compileKfl, validateKfl } from '@wirehook/runtime';
import { AuthenticatedStreamServer, BadStreamQuery } from '../api/authenticated-stream.server';
import { TokenAuthenticator } from '../auth/token-authenticator.service';
import { RecentItemsService } from './recent-items.service';

export const ITEM_STREAM_PATH = '/api/items/stream';

interface ItemStreamQuery {
  q?: string;
  limit?: number;
}

/**
 * `ws://host/api/items/stream?q=<filter>&limit=<n>`: items as workers publish them, one JSON item per
 * message, filtered with the filter language (`kfl.match`) and shown as the agents' `onItemQueried`
 * leaves them; `limit` recent matching items first.
 */
@Injectable()
export class ItemStreamServer extends AuthenticatedStreamServer<ItemStreamQuery> {
  protected readonly path = ITEM_STREAM_PATH;

  constructor(
    adapterHost: HttpAdapterHost,
    authenticator: TokenAuthenticator,
    private readonly items: RecentItemsService,
  ) {
    super(adapterHost, authenticator);
  }

  protected parseQuery(params: Record<string, string>): ItemStreamQuery {
    const unknown = Object.keys(params).filter((key) => key !== 'q' && key !== 'limit');
    if (unknown.length > 0) throw new BadStreamQuery(`unknown parameter ${unknown.join(', ')}: use q and limit`);
    const q = params.q?.trim() || undefined;
    if (q) {
      const problem = validateKfl(q);
      if (problem) throw new BadStreamQuery(`q: ${problem.message} (column ${problem.column})`);
    }
    let limit: number | undefined;
    if (params.limit !== undefined) {
      limit = Number(params.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 2000) throw new BadStreamQuery('limit: an integer from 1 to 2000');
    }
    return { q, limit };
  }

  protected follow(client: WebSocket, query: ItemStreamQuery): void {
    const match = query.q ? compileKfl(query.q) : undefined;
    // onItemQueried is asynchronous: a chain per client keeps items in arrival order.
    let chain: Promise<unknown> = Promise.resolve();
    const forward = (item: Item): void => {
      chain = chain.then(async () => AuthenticatedStreamServer.send(client, await this.items.present(item))).catch(() => undefined);
    };
    if (query.limit) chain = this.items.recent(query.q, query.limit).then((recent) => recent.forEach((item) => AuthenticatedStreamServer.send(client, item)));
    const stop = this.items.listen((item) => {
      if (!match || match(item)) forward(item);
    });
    client.on('close', stop);
  }
}
