import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import type { Item } from '@wirehook/contracts';
import { validateKfl } from '@wirehook/runtime';
import { RecentItemsService, type ItemCounts } from './recent-items.service';

/** Items as the hub has seen them, after the agents' `onItemQueried`. */
@Controller('api/items')
export class ItemsController {
  constructor(private readonly items: RecentItemsService) {}

  /** `GET /api/items?q=<filter>&limit=<n>`: the most recent items matching the filter, newest last. */
  @Get()
  list(@Query('q') query?: string, @Query('limit') limit?: string): Promise<Item[]> {
    if (query) {
      const problem = validateKfl(query);
      if (problem) throw new BadRequestException(`q: ${problem.message} (column ${problem.column})`);
    }
    const n = limit === undefined ? 100 : Number.parseInt(limit, 10);
    if (!Number.isInteger(n) || n < 1 || n > 2000) throw new BadRequestException('limit: an integer from 1 to 2000');
    return this.items.recent(query, n);
  }

  /** `GET /api/items/counts`: items received since the hub started, per worker and protocol. */
  @Get('counts')
  counts(): ItemCounts {
    return this.items.itemCounts();
  }
}
