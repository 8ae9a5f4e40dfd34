import { EventEmitter } from 'node:events';
import type { PGlite, Results } from '@electric-sql/pglite';

/**
 * Hands one PGlite instance to TypeORM's postgres driver as if it were a `pg` module.
 *
 * PGlite is a single session, so the pool lends its one client to one query runner at a time
 * (like `pg.Pool` with `max: 1`): a transaction keeps the session until it commits or rolls back,
 * and other work waits its turn. Sharing the session between query runners (what typeorm-pglite
 * does) interleaves concurrent transactions' BEGIN/COMMIT/ROLLBACK and corrupts them.
 */
export function pgliteDriverModule(db: PGlite): { Pool: new () => PGlitePool } {
  const client = new PGliteClient(db);
  return {
    Pool: class extends PGlitePool {
      constructor() {
        super(client);
      }
    },
  };
}

/** The result shape TypeORM reads from `pg`: rows, rowCount, command. */
interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  command: string;
}

type QueryCallback = (error: Error | null, result?: PgLikeResult) => void;
type Release = (error?: unknown) => void;
type ConnectCallback = (error: Error | null, client?: PGliteClient, release?: Release) => void;

export class PGliteClient extends EventEmitter {
  constructor(readonly db: PGlite) {
    super();
  }

  query(sql: string, paramsOrCallback?: unknown[] | QueryCallback, maybeCallback?: QueryCallback): Promise<PgLikeResult> {
    const params = Array.isArray(paramsOrCallback) ? paramsOrCallback.map(toPgliteParam) : [];
    const callback = typeof paramsOrCallback === 'function' ? paramsOrCallback : maybeCallback;
    const running = this.db.query(sql, params).then((result) => toPgResult(sql, result));
    if (callback) running.then((result) => callback(null, result), (error: Error) => callback(error));
    return running;
  }
}

export class PGlitePool extends EventEmitter {
  /** Resolves when the session is free; each borrower chains onto it. */
  private turn: Promise<void> = Promise.resolve();

  constructor(private readonly client: PGliteClient) {
    super();
  }

  /** Callback form only (what TypeORM uses): the borrower must call `release` to free the session. */
  connect(callback: ConnectCallback): void {
    let free!: () => void;
    const previous = this.turn;
    this.turn = new Promise<void>((resolve) => (free = resolve));
    let released = false;
    const release: Release = () => {
      if (released) return;
      released = true;
      free();
    };
    void previous.then(() => {
      if (this.client.db.closed) {
        release();
        callback(new Error('PGlite database is closed'));
      } else {
        callback(null, this.client, release);
      }
    });
  }

  end(callback?: (error?: Error) => void): Promise<void> {
    const ending = this.client.db.closed ? Promise.resolve() : this.client.db.close();
    if (callback) ending.then(() => callback(), (error: Error) => callback(error));
    return ending;
  }
}

function toPgResult(sql: string, result: Results<unknown>): PgLikeResult {
  const withCommand = result as Results<unknown> & { command?: string; rowCount?: number };
  return {
    rows: result.rows,
    rowCount: withCommand.rowCount ?? result.affectedRows ?? result.rows.length,
    command: withCommand.command ?? (/^\s*(\w+)/.exec(sql)?.[1] ?? '').toUpperCase(),
  };
}

/**
 * PGlite serialises a parameter by `instanceof Date`, which fails for a Date from another realm
 * (Jest's sandbox, while PGlite is loaded natively); an ISO string means the same to PostgreSQL.
 */
function toPgliteParam(value: unknown): unknown {
  return Object.prototype.toString.call(value) === '[object Date]' ? (value as Date).toISOString() : value;
}
