// kinesalite ships no types; this is the part the tests use.
declare module 'kinesalite' {
  import type { Server } from 'node:http';
  interface KinesaliteOptions {
    /** ms a stream stays CREATING (default 500). */
    createStreamMs?: number;
    deleteStreamMs?: number;
    updateStreamMs?: number;
    shardLimit?: number;
    /** LevelDB folder; in memory when absent. */
    path?: string;
  }
  function kinesalite(options?: KinesaliteOptions): Server;
  export = kinesalite;
}
