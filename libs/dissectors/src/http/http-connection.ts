import type { StreamCloseReason } from '@wirehook/capture';
import { PROTOCOLS, type HttpRequest, type HttpResponse, type ItemError, type ItemErrorType, type ItemProtocol } from '@wirehook/contracts';
import type { HandlerContext, TcpProtocolHandler } from '../tcp-handler';
import { closeErrorType, closeMessage } from '../tcp-handler';
import { toHttpRequest, toHttpResponse } from './http-items';
import { BodyFraming, HttpMessage, HttpMessageParser, type HttpParserEvents } from './http-parser';

/**
 * One request of a connection, from its head until it is emitted. Responses pair with
 * requests in order (HTTP/1.x has no ids), so this is a FIFO per connection.
 */
interface Exchange {
  method: string;
  httpVersion: string;
  requestStart: number;
  /** The request while its body is still arriving. */
  requestMessage: HttpMessage | null;
  request: HttpRequest | null;
  requestSize: number;
  requestDone: boolean;
  /** Why the request is incomplete (null when complete). */
  requestProblem: ItemError | null;
  responded: boolean;
  response: HttpResponse | null;
  responseStart: number;
  responseEnd: number;
  responseSize: number;
  responseProblem: ItemError | null;
  /** Already emitted as a timeout: a late response is reported on its own. */
  timedOut: boolean;
  /** Stands for requests lost in a capture gap (unknown number). */
  barrier: boolean;
}

const INTERIM = Symbol('interim');

export class HttpConnection implements TcpProtocolHandler {
  private readonly requests: HttpMessageParser;
  private readonly responses: HttpMessageParser;
  private readonly queue: Exchange[] = [];
  private done = false;

  constructor(private readonly ctx: HandlerContext) {
    const { maxHeaderBytes, maxEncodedBodyBytes } = ctx.limits;
    this.requests = new HttpMessageParser(true, this.requestEvents, maxHeaderBytes, maxEncodedBodyBytes);
    this.responses = new HttpMessageParser(false, this.responseEvents, maxHeaderBytes, maxEncodedBodyBytes);
  }

  get finished(): boolean {
    return this.done;
  }

  get pending(): number {
    let count = 0;
    for (const exchange of this.queue) if (!exchange.timedOut && !exchange.barrier) count++;
    return count;
  }

  onData(fromClient: boolean, data: Buffer, timestamp: number): void {
    if (this.done) return;
    (fromClient ? this.requests : this.responses).push(data, timestamp);
  }

  onBytes(fromClient: boolean, buf: Buffer, start: number, end: number, timestamp: number): void {
    if (this.done) return;
    (fromClient ? this.requests : this.responses).pushRange(buf, start, end, timestamp);
  }

  onGap(fromClient: boolean, missingBytes: number, timestamp: number): void {
    if (this.done) return;
    (fromClient ? this.requests : this.responses).gap(missingBytes, timestamp);
  }

  onClose(reason: StreamCloseReason, timestamp: number): void {
    const partialResponse = this.responses.end(timestamp);
    const type = closeErrorType(reason);
    if (partialResponse !== null) this.acceptResponse(partialResponse, { type, msg: closeMessage(reason, 'before the response completed') });
    const partialRequest = this.requests.end(timestamp);
    if (partialRequest !== null) this.requestPartial(partialRequest, { type, msg: closeMessage(reason, 'before the request completed') });
    for (const exchange of this.queue.splice(0)) {
      if (exchange.timedOut || exchange.barrier) continue;
      this.emitWithError(exchange, type, closeMessage(reason, exchange.responded ? 'before the request completed' : 'with the request unanswered'));
    }
    this.done = true;
  }

  expire(now: number): void {
    const timeout = this.ctx.limits.pairTimeoutMs;
    for (let i = 0; i < this.queue.length; i++) {
      const exchange = this.queue[i];
      if (exchange.timedOut || exchange.requestStart + timeout > now) continue;
      if (exchange.barrier) {
        this.queue.splice(i--, 1);
        continue;
      }
      const message = `no response within ${timeout} ms`;
      if (exchange.responded) {
        // The response came but the request body never finished.
        this.queue.splice(i--, 1);
        this.emitWithError(exchange, 'timeout', `request incomplete after ${timeout} ms`);
        continue;
      }
      this.emitWithError(exchange, 'timeout', message);
      exchange.timedOut = true;
      exchange.request = null;
      exchange.requestMessage = null;
    }
  }

  private readonly requestEvents: HttpParserEvents = {
    onHead: (message) => {
      const head = message.head;
      const exchange: Exchange = {
        method: head.method,
        httpVersion: head.httpVersion,
        requestStart: message.startTime,
        requestMessage: message,
        request: null,
        requestSize: 0,
        requestDone: false,
        requestProblem: null,
        responded: false,
        response: null,
        responseStart: NaN,
        responseEnd: NaN,
        responseSize: 0,
        responseProblem: null,
        timedOut: false,
        barrier: false,
      };
      message.tag = exchange;
      this.queue.push(exchange);
      this.enforcePendingCap();
      if (head.chunked) return BodyFraming.Chunked;
      if (head.contentLength > 0) return BodyFraming.Length;
      return BodyFraming.None;
    },
    onMessage: (message) => {
      const exchange = message.tag as Exchange;
      if (exchange.timedOut) return; // already reported; the late body changes nothing
      exchange.request = toHttpRequest(message, this.ctx.limits.maxBodyBytes, this.ctx.stats);
      exchange.requestSize = message.wireSize;
      exchange.requestDone = true;
      exchange.requestMessage = null;
      exchange.requestProblem = holeProblem(message, 'request');
      if (exchange.responded) this.emitPair(exchange);
    },
    onDesync: (partial, reason, timestamp) => {
      this.ctx.stats.desyncs++;
      if (partial !== null) this.requestPartial(partial, { type: 'dissection', msg: `request incomplete: ${reason}` });
      // Requests may have vanished whole; their responses must not pair with later requests.
      const last = this.queue[this.queue.length - 1];
      if (last === undefined || !last.barrier) this.queue.push(makeBarrier(timestamp));
    },
  };

  private readonly responseEvents: HttpParserEvents = {
    onHead: (message) => {
      const head = message.head;
      const status = head.status;
      if (status >= 100 && status < 200 && status !== 101) {
        message.tag = INTERIM;
        return BodyFraming.None;
      }
      const target = this.responseTarget(message.startTime);
      message.tag = target;
      const method = target === null || target.barrier ? '' : target.method;
      if (status === 101 || status === 204 || status === 304 || method === 'HEAD') return BodyFraming.None;
      if (method === 'CONNECT' && status >= 200 && status < 300) return BodyFraming.None;
      if (head.chunked) return BodyFraming.Chunked;
      if (head.otherTransferEncoding) return BodyFraming.UntilClose;
      if (head.contentLength >= 0) return head.contentLength === 0 ? BodyFraming.None : BodyFraming.Length;
      return BodyFraming.UntilClose;
    },
    onMessage: (message) => {
      if (message.tag === INTERIM) {
        this.ctx.stats.interimResponses++;
        return;
      }
      this.acceptResponse(message, null);
    },
    onDesync: (partial, reason, timestamp) => {
      this.ctx.stats.desyncs++;
      if (partial !== null && partial.tag !== INTERIM) this.acceptResponse(partial, { type: 'dissection', msg: `response incomplete: ${reason}` });
      // Responses to requests sent before the hole are presumed lost in it.
      for (let i = 0; i < this.queue.length; i++) {
        const exchange = this.queue[i];
        if (exchange.responded || exchange.barrier || exchange.requestStart > timestamp) continue;
        this.queue.splice(i--, 1);
        if (!exchange.timedOut) this.emitWithError(exchange, 'dissection', `response lost: ${reason}`);
      }
    },
  };

  /** The request the next final response answers, resolving a gap barrier by causality. */
  private responseTarget(responseStart: number): Exchange | null {
    for (let i = 0; i < this.queue.length; i++) {
      const exchange = this.queue[i];
      if (exchange.responded) continue;
      if (!exchange.barrier) return exchange;
      // A response that started before the next known request was sent cannot answer it:
      // it answers a request lost in the gap. Otherwise the lost requests' responses are
      // behind us (HTTP/1.x clients rarely pipeline) and the barrier is dropped.
      let next: Exchange | null = null;
      for (let k = i + 1; k < this.queue.length; k++) {
        if (!this.queue[k].responded && !this.queue[k].barrier) {
          next = this.queue[k];
          break;
        }
      }
      if (next === null || responseStart < next.requestStart) return exchange;
      this.queue.splice(i--, 1);
    }
    return null;
  }

  private acceptResponse(message: HttpMessage, problem: ItemError | null): void {
    problem ??= holeProblem(message, 'response');
    const target = message.tag as Exchange | null;
    const response = toHttpResponse(message, this.ctx.limits.maxBodyBytes, this.ctx.stats);
    if (target === null || target.barrier || target.timedOut) {
      if (target !== null && target.timedOut) this.remove(target);
      const error: ItemError =
        target === null
          ? { type: 'pair-not-found', msg: 'response without a request on this connection' }
          : target.barrier
            ? { type: 'dissection', msg: 'response to a request lost in a capture gap' }
            : { type: 'pair-not-found', msg: `response arrived after its ${target.method} request timed out` };
      if (problem !== null) error.msg += `; ${problem.msg}`;
      this.ctx.flow.emit({
        protocol: protocolFor(response.httpVersion),
        request: null,
        response,
        requestStart: NaN,
        responseStart: message.startTime,
        responseEnd: message.endTime,
        requestSize: 0,
        responseSize: message.wireSize,
        error,
      });
      this.afterFinalResponse(response.status, '');
      return;
    }
    target.responded = true;
    target.response = response;
    target.responseStart = message.startTime;
    target.responseEnd = message.endTime;
    target.responseSize = message.wireSize;
    target.responseProblem = problem;
    if (target.requestDone) this.emitPair(target);
    this.afterFinalResponse(response.status, target.method);
  }

  /** 101 Switching Protocols and a successful CONNECT hand the connection to another protocol. */
  private afterFinalResponse(status: number, method: string): void {
    if (status === 101 || (method === 'CONNECT' && status >= 200 && status < 300)) {
      this.requests.stop();
      this.responses.stop();
      this.done = true;
      // Requests pipelined behind the switch will never get an HTTP response.
      for (const exchange of this.queue.splice(0)) {
        if (exchange.timedOut || exchange.barrier) continue;
        const what = exchange.responded ? 'this request was complete' : 'this request was answered';
        this.emitWithError(exchange, 'dissection', `the connection switched protocols (${status}) before ${what}`);
      }
    }
  }

  private requestPartial(message: HttpMessage, problem: ItemError): void {
    const exchange = message.tag as Exchange | undefined;
    if (exchange === undefined || exchange.timedOut) return;
    exchange.request = toHttpRequest(message, this.ctx.limits.maxBodyBytes, this.ctx.stats);
    exchange.requestSize = message.wireSize;
    exchange.requestDone = true;
    exchange.requestProblem = problem;
    exchange.requestMessage = null;
    if (exchange.responded) this.emitPair(exchange);
  }

  private emitPair(exchange: Exchange): void {
    this.remove(exchange);
    this.emit(exchange, mergeProblems(exchange.requestProblem, exchange.responseProblem));
  }

  private emitWithError(exchange: Exchange, type: ItemErrorType, msg: string): void {
    if (exchange.request === null && exchange.requestMessage !== null) {
      exchange.request = toHttpRequest(exchange.requestMessage, this.ctx.limits.maxBodyBytes, this.ctx.stats);
      exchange.requestSize = exchange.requestMessage.wireSize;
      exchange.requestMessage = null;
    }
    const known = mergeProblems(exchange.requestProblem, exchange.responseProblem);
    this.emit(exchange, { type, msg: known === undefined ? msg : `${msg}; ${known.msg}` });
  }

  private emit(exchange: Exchange, error: ItemError | undefined): void {
    this.ctx.flow.emitPair(protocolFor(exchange.httpVersion), exchange, error);
  }

  private remove(exchange: Exchange): void {
    const queue = this.queue;
    // The oldest request is the usual one: shift() reuses the array's store where splice() allocates.
    if (queue[0] === exchange) {
      queue.shift();
      return;
    }
    const at = queue.indexOf(exchange);
    if (at >= 0) queue.splice(at, 1);
  }

  /** A client that never gets answers must not grow the queue without bound. */
  private enforcePendingCap(): void {
    const cap = Math.max(1, this.ctx.limits.maxPendingPerConnection);
    while (this.queue.length > cap) {
      const oldest = this.queue.shift() as Exchange;
      if (oldest.timedOut || oldest.barrier) continue;
      this.emitWithError(oldest, 'timeout', `dropped: more than ${cap} requests outstanding on the connection`);
    }
  }
}

/** A message that went on across a gap inside its body is kept, with the hole reported. */
function holeProblem(message: HttpMessage, side: 'request' | 'response'): ItemError | null {
  const missing = message.body === null ? 0 : message.body.missing;
  return missing === 0 ? null : { type: 'dissection', msg: `${missing} bytes of the ${side} body missing in a capture gap` };
}

function makeBarrier(timestamp: number): Exchange {
  return {
    method: '',
    httpVersion: '',
    requestStart: timestamp,
    requestMessage: null,
    request: null,
    requestSize: 0,
    requestDone: false,
    requestProblem: null,
    responded: false,
    response: null,
    responseStart: NaN,
    responseEnd: NaN,
    responseSize: 0,
    responseProblem: null,
    timedOut: false,
    barrier: true,
  };
}

/** One error for an item whose request and response each may have a problem; the request's type wins. */
function mergeProblems(request: ItemError | null, response: ItemError | null): ItemError | undefined {
  if (request === null) return response ?? undefined;
  if (response === null) return request;
  return { type: request.type, msg: `${request.msg}; ${response.msg}` };
}

const HTTP10: ItemProtocol = PROTOCOLS.http10;
const HTTP11: ItemProtocol = PROTOCOLS.http11;

function protocolFor(httpVersion: string): ItemProtocol {
  return httpVersion === 'HTTP/1.0' ? HTTP10 : HTTP11;
}
