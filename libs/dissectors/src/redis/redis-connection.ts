import type { StreamCloseReason } from '@wirehook/capture';
import { PROTOCOLS, type ItemError, type RedisRequest, type RedisResponse, type RedisValue } from '@wirehook/contracts';
import { closeErrorType, closeMessage, type HandlerContext, type TcpProtocolHandler } from '../tcp-handler';
import { RespParser, type RespMessage } from './resp-parser';

interface PendingCommand {
  request: RedisRequest;
  start: number;
  size: number;
  /** Replies still expected: (P|S)SUBSCRIBE answer once per channel. */
  repliesLeft: number;
  /** Already emitted (timeout): its reply is reported on its own. */
  timedOut: boolean;
  emitted: boolean;
}

const SUBSCRIBE_COMMANDS = new Set(['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE']);
const PUBSUB_MESSAGES = new Set(['message', 'pmessage', 'smessage']);

/**
 * Redis: each command gets one reply, in order (pipelining keeps the order), except pub/sub
 * messages and RESP3 pushes, which are one-way items.
 */
export class RedisConnection implements TcpProtocolHandler {
  private readonly queue: PendingCommand[] = [];
  private readonly commands: RespParser;
  private readonly replies: RespParser;
  private subscribed = false;

  constructor(private readonly ctx: HandlerContext) {
    const { maxRedisValueBytes, maxRedisElements } = ctx.limits;
    this.commands = new RespParser({
      inline: true,
      maxValueBytes: maxRedisValueBytes,
      maxElements: maxRedisElements,
      onMessage: (m) => this.onCommand(m),
      onDesync: (reason, ts) => this.onDesync('client', reason, ts),
    });
    this.replies = new RespParser({
      inline: false,
      maxValueBytes: maxRedisValueBytes,
      maxElements: maxRedisElements,
      onMessage: (m) => this.onReply(m),
      onDesync: (reason, ts) => this.onDesync('server', reason, ts),
    });
  }

  readonly finished = false;

  get pending(): number {
    let count = 0;
    for (const c of this.queue) if (!c.timedOut && !c.emitted) count++;
    return count;
  }

  onBytes(fromClient: boolean, buf: Buffer, start: number, end: number, timestamp: number): void {
    this.onData(fromClient, start === 0 && end === buf.length ? buf : buf.subarray(start, end), timestamp);
  }

  onData(fromClient: boolean, data: Buffer, timestamp: number): void {
    (fromClient ? this.commands : this.replies).push(data, timestamp);
  }

  onGap(fromClient: boolean, missingBytes: number, timestamp: number): void {
    (fromClient ? this.commands : this.replies).gap(missingBytes, timestamp);
  }

  onClose(reason: StreamCloseReason, _timestamp: number): void {
    const type = closeErrorType(reason);
    for (const c of this.queue.splice(0)) {
      if (c.timedOut || c.emitted) continue;
      this.emit(c, null, { type, msg: closeMessage(reason, `with ${c.request.command} unanswered`) });
    }
  }

  expire(now: number): void {
    const timeout = this.ctx.limits.pairTimeoutMs;
    for (let i = 0; i < this.queue.length; i++) {
      const c = this.queue[i];
      if (c.timedOut || c.start + timeout > now) continue;
      if (c.emitted) {
        this.queue.splice(i--, 1); // a subscribe whose remaining confirmations never came
        continue;
      }
      this.emit(c, null, { type: 'timeout', msg: `no reply to ${c.request.command} within ${timeout} ms` });
      c.timedOut = true;
    }
  }

  private onCommand(message: RespMessage): void {
    const request = toRedisRequest(message.value);
    if (request === null) {
      this.ctx.stats.desyncs++;
      this.ctx.flow.emit({
        protocol: PROTOCOLS.redis,
        request: null,
        response: null,
        requestStart: NaN,
        responseStart: message.startTime,
        responseEnd: message.endTime,
        requestSize: message.size,
        responseSize: 0,
        error: { type: 'dissection', msg: `client sent a ${message.type} that is not a command` },
      });
      return;
    }
    if (message.truncated) this.ctx.stats.truncatedValues++;
    const isSubscribe = SUBSCRIBE_COMMANDS.has(request.command);
    if (isSubscribe && request.command.endsWith('SUBSCRIBE') && !request.command.includes('UNSUB')) this.subscribed = true;
    this.queue.push({
      request,
      start: message.startTime,
      size: message.size,
      repliesLeft: isSubscribe ? Math.max(1, request.args.length) : 1,
      timedOut: false,
      emitted: false,
    });
    const cap = Math.max(1, this.ctx.limits.maxPendingPerConnection);
    while (this.queue.length > cap) {
      const oldest = this.queue.shift() as PendingCommand;
      if (!oldest.timedOut && !oldest.emitted) this.emit(oldest, null, { type: 'timeout', msg: `dropped: more than ${cap} commands outstanding` });
    }
  }

  private onReply(message: RespMessage): void {
    if (message.truncated) this.ctx.stats.truncatedValues++;
    const response: RedisResponse = { type: message.type, value: message.value };
    const kind = pubsubKind(message, this.subscribed);
    if (kind === 'message' || (message.type === 'push' && kind === '')) {
      // Published messages and other pushes answer no command.
      this.emitOneWay(message, response);
      return;
    }
    const head = this.queue[0];
    if (kind !== '' && (head === undefined || !SUBSCRIBE_COMMANDS.has(head.request.command))) {
      // A confirmation beyond those counted (UNSUBSCRIBE without arguments answers once per channel).
      this.emitOneWay(message, response);
      return;
    }
    if (head === undefined) {
      this.emitOrphan(message, response, { type: 'pair-not-found', msg: 'reply without a command on this connection' });
      return;
    }
    if (head.start > message.startTime) {
      this.emitOrphan(message, response, { type: 'pair-not-found', msg: `reply started before the next command (${head.request.command}) was sent` });
      return;
    }
    if (head.timedOut) {
      this.queue.shift();
      this.emitOrphan(message, response, { type: 'pair-not-found', msg: `reply arrived after ${head.request.command} timed out` });
      return;
    }
    head.repliesLeft--;
    if (!head.emitted) {
      head.emitted = true;
      const hole: ItemError | undefined = message.missing > 0 ? { type: 'dissection', msg: `${message.missing} bytes of the reply missing in a capture gap` } : undefined;
      this.emit(head, { message, response }, hole);
    }
    if (head.repliesLeft <= 0) this.queue.shift();
  }

  private onDesync(side: 'client' | 'server', reason: string, _timestamp: number): void {
    this.ctx.stats.desyncs++;
    for (const c of this.queue.splice(0)) {
      if (c.timedOut || c.emitted) continue;
      this.emit(c, null, { type: 'dissection', msg: `reply lost: ${side} stream ${reason}` });
    }
  }

  private emit(c: PendingCommand, reply: { message: RespMessage; response: RedisResponse } | null, error: ItemError | undefined): void {
    this.ctx.flow.emit({
      protocol: PROTOCOLS.redis,
      request: c.request,
      response: reply === null ? null : reply.response,
      requestStart: c.start,
      responseStart: reply === null ? NaN : reply.message.startTime,
      responseEnd: reply === null ? NaN : reply.message.endTime,
      requestSize: c.size,
      responseSize: reply === null ? 0 : reply.message.size,
      error,
    });
  }

  private emitOneWay(message: RespMessage, response: RedisResponse): void {
    this.emitOrphan(message, response, undefined);
  }

  private emitOrphan(message: RespMessage, response: RedisResponse, error: ItemError | undefined): void {
    this.ctx.flow.emit({
      protocol: PROTOCOLS.redis,
      request: null,
      response,
      requestStart: NaN,
      responseStart: message.startTime,
      responseEnd: message.endTime,
      requestSize: 0,
      responseSize: message.size,
      error,
    });
  }
}

/** 'message' for a published message, 'confirm' for a (un)subscribe confirmation, '' otherwise. */
function pubsubKind(message: RespMessage, subscribed: boolean): '' | 'message' | 'confirm' {
  if ((message.type !== 'array' && message.type !== 'push') || !Array.isArray(message.value)) return '';
  if (message.type === 'array' && !subscribed) return '';
  const first = message.value[0];
  if (typeof first !== 'string') return '';
  const lower = first.toLowerCase();
  if (PUBSUB_MESSAGES.has(lower)) return 'message';
  if (SUBSCRIBE_COMMANDS.has(first.toUpperCase())) return 'confirm';
  return '';
}

/** A command is an array of strings (or an inline line); anything else from a client is not. */
function toRedisRequest(value: RedisValue): RedisRequest | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const words: string[] = [];
  for (const v of value) {
    if (typeof v === 'string') words.push(v);
    else if (typeof v === 'number') words.push(String(v));
    else return null;
  }
  return { command: words[0].toUpperCase(), args: words.slice(1) };
}
