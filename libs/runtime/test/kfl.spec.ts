import { compileKfl, KflSyntaxError, matchKfl, parseKfl, validateKfl } from '../src/kfl';
import { httpItem } from './support';

const http = httpItem(7);
const dns = {
  ...httpItem(8),
  protocol: { name: 'dns', version: '0', abbr: 'DNS', longName: 'Domain Name System', layer3: 'ipv4', layer4: 'udp' },
  request: { id: 1, opCode: 'QUERY', questions: [{ name: 'example.com', type: 'A', class: 'IN' }] },
  response: { id: 1, code: 'NXDOMAIN', answers: [], authorities: [], additionals: [] },
};
const failing = httpItem(9, {
  response: { ...(httpItem(9).response as object), status: 503, statusText: 'Service Unavailable' } as never,
});

describe('KFL', () => {
  it.each([
    ['', true],
    ['*', true],
    ['http', true],
    ['dns', false],
    ['tcp', true],
    ['udp', false],
    ['request.method == "GET"', true],
    ["request.method == 'POST'", false],
    ['request.method != "POST"', true],
    ['response.status == 200', true],
    ['response.status == "200"', true],
    ['response.status >= 500', false],
    ['response.status < 300 and response.status >= 200', true],
    ['dst.port == 8080', true],
    ['dst.port > 1024', true],
    ['request.path contains "/users/"', true],
    ['request.path startsWith "/api"', true],
    ['request.path endsWith "/7"', true],
    ['request.path.startsWith("/api")', true],
    ['request.path.contains("admin")', false],
    ['request.path matches "^/api/users/[0-9]+$"', true],
    ['request.path.matches("^/internal")', false],
    ['request.headers["User-Agent"] startsWith "curl"', true],
    ['request.pathSegments contains "users"', true],
    ['request.pathSegments[0] == "api"', true],
    ['not http', false],
    ['!dns', true],
    ['http and not (response.status >= 400 or request.method == "POST")', true],
    ['http && response.status == 200 || dns', true],
    ['dns or request.method == "GET"', true],
    ['request.postData.text', false],
    ['response.content.text', true],
    ['missing.field == null', true],
    ['missing.field != null', false],
    ['error', false],
    ['passed == true', false],
  ])('%s → %s on an HTTP item', (query, expected) => {
    expect(matchKfl(query, http)).toBe(expected);
  });

  it('applies protocol shorthands and fields of other protocols', () => {
    expect(matchKfl('dns and response.code == "NXDOMAIN"', dns)).toBe(true);
    expect(matchKfl('dns and request.questions[0].name endsWith ".com"', dns)).toBe(true);
    expect(matchKfl('udp', dns)).toBe(true);
    expect(matchKfl('http', dns)).toBe(false);
    expect(matchKfl('response.status >= 500', failing)).toBe(true);
  });

  it('compiles once and evaluates many items', () => {
    const predicate = compileKfl('http and response.status >= 500');
    expect([http, dns, failing].map((item) => predicate(item))).toEqual([false, false, true]);
    expect(predicate(null)).toBe(false);
    expect(predicate('not an item')).toBe(false);
  });

  it.each([
    ['request.method = "GET"', 16],
    ['request.method == ', 19],
    ['(http and dns', 14],
    ['http and', 9],
    ['request.path matches "("', 14],
    ['request.path matches request.url', 14],
    ['"unterminated', 1],
    ['http # dns', 6],
    ['request..method', 9],
    ['and http', 1],
  ])('rejects %s with the column of the problem', (query, column) => {
    const error = validateKfl(query);
    expect(error).not.toBeNull();
    expect(error?.column).toBe(column);
    expect(() => parseKfl(query)).toThrow(KflSyntaxError);
  });

  it('keeps quoted text out of the generated code', () => {
    const hostile = 'request.path == "\\"); throw new Error(\\"x"';
    expect(validateKfl(hostile)).toBeNull();
    expect(matchKfl(hostile, http)).toBe(false);
  });
});
