#!/usr/bin/env node
// Turns tshark's PDML (stdin) into a small golden JSON (stdout): tshark's view of the HTTP,
// DNS or Redis messages of one capture. Run by record.sh; the tests never call tshark.
//
//   tshark -r x.pcap -T pdml | node pdml-to-golden.js <http|dns|redis> <capture-name> <tshark-version>
'use strict';

const [mode, captureName, tsharkVersion] = process.argv.slice(2);
if (!['http', 'dns', 'redis'].includes(mode)) {
  process.stderr.write('usage: pdml-to-golden.js <http|dns|redis> <capture-name> <tshark-version>\n');
  process.exit(2);
}

// ---- a small streaming PDML reader: one <packet> at a time, as a tree of proto/field nodes
const TAG_RE = /<(\/?)(packet|proto|field)\b((?:[^>"]|"[^"]*")*?)(\/?)>/g;
const ATTR_RE = /([\w.-]+)="([^"]*)"/g;

function decodeEntities(text) {
  return text.replace(/&(quot|amp|lt|gt|apos|#x[0-9a-fA-F]+|#\d+);/g, (_, e) => {
    if (e === 'quot') return '"';
    if (e === 'amp') return '&';
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

function parsePacket(text) {
  const root = { tag: 'packet', attrs: {}, children: [] };
  const stack = [root];
  TAG_RE.lastIndex = 0;
  let m;
  while ((m = TAG_RE.exec(text)) !== null) {
    const [, closing, tag, attrText, selfClosing] = m;
    if (tag === 'packet') continue;
    if (closing) {
      stack.pop();
      continue;
    }
    const attrs = {};
    ATTR_RE.lastIndex = 0;
    let a;
    while ((a = ATTR_RE.exec(attrText)) !== null) {
      if (a[1] === 'name' || a[1] === 'show' || a[1] === 'size' || a[1] === 'value' || a[1] === 'showname') attrs[a[1]] = decodeEntities(a[2]);
    }
    const node = { tag, attrs, children: [] };
    stack[stack.length - 1].children.push(node);
    if (!selfClosing) stack.push(node);
  }
  return root;
}

/** First field named `name` anywhere under `node` (not descending into other protos when `own`). */
function find(node, name, own = true) {
  for (const child of node.children) {
    if (child.tag === 'field' && child.attrs.name === name) return child;
    if (child.tag === 'proto' && own) continue;
    const hit = find(child, name, own);
    if (hit) return hit;
  }
  return null;
}

function findAll(node, name, out = []) {
  for (const child of node.children) {
    if (child.tag === 'field' && child.attrs.name === name) out.push(child);
    if (child.tag === 'proto') continue;
    findAll(child, name, out);
  }
  return out;
}

function protos(packet, name) {
  return packet.children.filter((c) => c.tag === 'proto' && c.attrs.name === name);
}

function show(node, name) {
  const f = find(node, name);
  return f ? f.attrs.show : undefined;
}

function endpoints(packet) {
  const ip = protos(packet, 'ip')[0] || protos(packet, 'ipv6')[0];
  const l4 = protos(packet, 'tcp')[0] || protos(packet, 'udp')[0];
  const transport = protos(packet, 'tcp')[0] ? 'tcp' : 'udp';
  const src = show(ip, ip.attrs.name === 'ip' ? 'ip.src' : 'ipv6.src');
  const dst = show(ip, ip.attrs.name === 'ip' ? 'ip.dst' : 'ipv6.dst');
  const sport = show(l4, `${transport}.srcport`);
  const dport = show(l4, `${transport}.dstport`);
  return { transport, src: `${src}:${sport}`, dst: `${dst}:${dport}`, frame: Number(show(protos(packet, 'frame')[0], 'frame.number')) };
}

// ---- per-mode extraction
const out = { capture: captureName, tshark: tsharkVersion, recordedWith: '', connections: {} };

function conn(key) {
  if (!out.connections[key]) out.connections[key] = mode === 'dns' ? [] : { requests: [], responses: [] };
  return out.connections[key];
}

/** Run-length encoding of consecutive equal tuples: [[tuple, count], …]. */
function pushRle(list, tuple) {
  const last = list[list.length - 1];
  if (last && JSON.stringify(last[0]) === JSON.stringify(tuple)) last[1]++;
  else list.push([tuple, 1]);
}

// HTTP: requests and responses in wire order per connection (client>server key);
// responses carry which request (ordinal in the connection) tshark linked them to, -1 for none.
const httpRequestOrdinal = new Map(); // frame number + index → ordinal in its connection
const httpFrameRequests = new Map(); // frame number → [ordinals] (tshark's request_in points at a frame)
function onHttp(packet, ep) {
  for (const http of protos(packet, 'http')) {
    const method = show(http, 'http.request.method');
    if (method !== undefined) {
      const key = `${ep.src}>${ep.dst}`;
      const c = conn(key);
      const ordinal = c.requests.reduce((n, [, count]) => n + count, 0);
      const list = httpFrameRequests.get(ep.frame) || [];
      list.push({ key, ordinal });
      httpFrameRequests.set(ep.frame, list);
      const fileData = find(http, 'http.file_data');
      pushRle(c.requests, [method, show(http, 'http.request.uri'), show(http, 'http.request.version'), fileData ? Number(fileData.attrs.size) : 0]);
      continue;
    }
    const code = show(http, 'http.response.code');
    if (code === undefined) continue;
    const key = `${ep.dst}>${ep.src}`;
    const c = conn(key);
    const ordinal = c.responses.reduce((n, [, count]) => n + count, 0);
    const requestIn = show(http, 'http.request_in');
    let link = -1;
    if (requestIn !== undefined) {
      const reqs = (httpFrameRequests.get(Number(requestIn)) || []).filter((r) => r.key === key);
      if (reqs.length > 0) link = reqs[0].ordinal;
    }
    const fileData = find(http, 'http.file_data');
    const contentLength = show(http, 'http.content_length');
    const chunks = findAll(http, 'http.chunk_size');
    const chunked = chunks.length > 0 ? chunks.reduce((n, f) => n + Number(f.attrs.show), 0) : null;
    pushRle(c.responses, [
      Number(code),
      show(http, 'http.response.phrase') ?? '',
      show(http, 'http.response.version'),
      fileData ? Number(fileData.attrs.size) : 0,
      contentLength === undefined ? null : Number(contentLength),
      chunked,
      show(http, 'http.content_encoding') ?? '',
      // the link as an offset from this response's own ordinal: 0 = the request in the same position
      link < 0 ? null : link - ordinal,
    ]);
  }
}

// DNS: each message with its sections, keyed by client>server, in capture order.
function dnsRecords(dns, sectionTitle) {
  const section = dns.children.find((c) => c.tag === 'field' && (c.attrs.show === sectionTitle || c.attrs.showname === sectionTitle));
  if (!section) return [];
  return section.children.map((rr) => {
    const rec = {
      name: show(rr, 'dns.resp.name'),
      type: typeText(find(rr, 'dns.resp.type')),
      ttl: show(rr, 'dns.resp.ttl') === undefined ? null : Number(show(rr, 'dns.resp.ttl')),
    };
    for (const [field, key] of [['dns.a', 'ip'], ['dns.aaaa', 'ip'], ['dns.cname', 'cname'], ['dns.ns', 'ns'], ['dns.ptr.domain_name', 'ptr'], ['dns.mx.mail_exchange', 'mx'], ['dns.txt', 'txt']]) {
      const v = show(rr, field);
      if (v !== undefined) rec[key] = v;
    }
    return rec;
  });
}

function typeText(field) {
  if (!field) return null;
  // "Type: AAAA (IPv6 Address) (28)" → "AAAA"
  const m = /^Type: (\S+)/.exec(field.attrs.showname || '');
  return m ? m[1] : field.attrs.show;
}

function onDns(packet, ep) {
  for (const dns of protos(packet, 'dns')) {
    const isResponse = show(dns, 'dns.flags.response') === '1' || show(dns, 'dns.flags.response') === 'True';
    const key = isResponse ? `${ep.dst}>${ep.src}` : `${ep.src}>${ep.dst}`;
    const questions = findAll(dns, 'dns.qry.name').map((q, i) => ({
      name: q.attrs.show,
      type: typeText(findAll(dns, 'dns.qry.type')[i]),
    }));
    const message = {
      frame: ep.frame,
      transport: ep.transport,
      id: parseInt(show(dns, 'dns.id'), 16),
      response: isResponse,
      opcode: Number(show(dns, 'dns.flags.opcode')),
      questions,
    };
    if (isResponse) {
      message.rcode = Number(show(dns, 'dns.flags.rcode'));
      message.answers = dnsRecords(dns, 'Answers');
      message.authorities = dnsRecords(dns, 'Authoritative nameservers');
      message.additionals = dnsRecords(dns, 'Additional records');
      const to = show(dns, 'dns.response_to');
      message.responseTo = to === undefined ? null : Number(to);
    } else {
      const inFrame = show(dns, 'dns.response_in');
      message.responseIn = inFrame === undefined ? null : Number(inFrame);
    }
    conn(key).push(message);
  }
}

// Redis: each top-level RESP value as compact text, commands and replies per connection.
function respText(node) {
  const name = node.attrs.name;
  if (name === 'resp.array') {
    const length = show(node, 'resp.array.length');
    if (length === '-1') return 'nil*';
    const items = node.children.filter((c) => c.tag === 'field' && c.attrs.name !== 'resp.array.length').map(respText);
    return `[${items.join(' ')}]`;
  }
  if (name === 'resp.bulk_string') {
    const length = show(node, 'resp.bulk_string.length');
    if (length === '-1') return 'nil';
    const value = find(node, 'resp.bulk_string.value');
    return JSON.stringify(value ? Buffer.from(value.attrs.value || '', 'hex').toString('utf8') : '');
  }
  if (name === 'resp.string' || name === 'resp.simple_string') return `+${node.attrs.show}`;
  if (name === 'resp.error') return `-${node.attrs.show}`;
  if (name === 'resp.integer') return `:${node.attrs.show}`;
  return `?${name}`;
}

function onRedis(packet, ep) {
  for (const resp of protos(packet, 'resp')) {
    const values = resp.children.filter((c) => c.tag === 'field' && c.attrs.name && c.attrs.name.startsWith('resp.')).map(respText);
    // Requests go to the server port; tshark has no notion of pairing for RESP.
    const toServer = ep.dst.endsWith(':16379');
    const key = toServer ? `${ep.src}>${ep.dst}` : `${ep.dst}>${ep.src}`;
    for (const v of values) pushRle(toServer ? conn(key).requests : conn(key).responses, v);
  }
}

const handlers = { http: onHttp, dns: onDns, redis: onRedis };
const handle = handlers[mode];

let carry = '';
let packets = 0;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  carry += chunk;
  let end;
  while ((end = carry.indexOf('</packet>')) >= 0) {
    const start = carry.indexOf('<packet>');
    const text = carry.slice(start, end);
    carry = carry.slice(end + 9);
    const packet = parsePacket(text);
    packets++;
    handle(packet, endpoints(packet));
  }
});
process.stdin.on('end', () => {
  out.packetsWithProtocol = packets;
  delete out.recordedWith;
  // One connection per line: small, and diffs stay readable.
  const { connections, ...head } = out;
  const lines = Object.entries(connections).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  const headText = JSON.stringify(head, null, 1).slice(0, -2);
  process.stdout.write(`${headText},\n "connections": {\n${lines.join(',\n')}\n }\n}\n`);
});
