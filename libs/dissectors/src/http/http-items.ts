import type { HttpRequest, HttpResponse } from '@wirehook/contracts';
import type { DissectionStats } from '../stats';
import { decodeBody } from './http-body';
import { parseCookieHeader, parseSetCookieHeaders, splitTargetCached } from './http-fields';
import type { HttpMessage } from './http-parser';

/** The item's `request` for a parsed (possibly incomplete) request message. */
export function toHttpRequest(message: HttpMessage, maxBodyBytes: number, stats: DissectionStats): HttpRequest {
  const head = message.head;
  const target = splitTargetCached(head.target);
  const body = decodeBody(message.body, head.contentType, head.contentEncoding, maxBodyBytes);
  if (body.truncated) stats.truncatedBodies++;
  if (body.undecoded !== '') stats.undecodableBodies++;
  return {
    method: head.method,
    url: head.target,
    path: target.path,
    pathSegments: target.pathSegments,
    httpVersion: head.httpVersion,
    headers: head.headers,
    cookies: parseCookieHeader(head.headers['Cookie']),
    queryString: target.queryString,
    headersSize: head.size,
    bodySize: message.body === null ? 0 : message.body.total,
    postData: { mimeType: head.contentType, text: body.text, truncated: body.truncated || message.incomplete !== '' },
  };
}

/** The item's `response` for a parsed (possibly incomplete) response message. */
export function toHttpResponse(message: HttpMessage, maxBodyBytes: number, stats: DissectionStats): HttpResponse {
  const head = message.head;
  const body = decodeBody(message.body, head.contentType, head.contentEncoding, maxBodyBytes);
  if (body.truncated) stats.truncatedBodies++;
  if (body.undecoded !== '') stats.undecodableBodies++;
  const location = head.headers['Location'];
  return {
    status: head.status,
    statusText: head.statusText,
    httpVersion: head.httpVersion,
    headers: head.headers,
    cookies: parseSetCookieHeaders(head.headers['Set-Cookie']),
    headersSize: head.size,
    bodySize: message.body === null ? 0 : message.body.total,
    redirectURL: location === undefined ? '' : location,
    content: {
      mimeType: head.contentType,
      encoding: head.contentEncoding,
      size: body.size,
      text: body.text,
      truncated: body.truncated || message.incomplete !== '',
    },
  };
}
