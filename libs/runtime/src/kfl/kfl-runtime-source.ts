/**
 * The semantics of KFL values, written once as ES5 source so that the same code runs in the host
 * (compileKfl) and inside agent sandboxes (kfl.match), where no host function may be called per item.
 * Evaluating this text yields the object `R` that compiled predicates call.
 */
export const KFL_RUNTIME_SOURCE = `(function () {
  var hasOwn = Object.prototype.hasOwnProperty;
  function get(d, path) {
    var v = d;
    for (var i = 0; i < path.length; i++) {
      if (v === null || v === undefined || typeof v !== 'object') return undefined;
      var k = path[i];
      v = hasOwn.call(v, k) ? v[k] : undefined;
    }
    return v;
  }
  function isNumeric(v) {
    return typeof v === 'string' && v !== '' && !isNaN(+v);
  }
  function pair(a, b) {
    if (typeof a === 'number' && isNumeric(b)) return [a, +b];
    if (typeof b === 'number' && isNumeric(a)) return [+a, b];
    return [a, b];
  }
  function eq(a, b) {
    if (a === undefined) a = null;
    if (b === undefined) b = null;
    var p = pair(a, b);
    return p[0] === p[1];
  }
  function order(a, b) {
    var p = pair(a, b);
    var x = p[0], y = p[1];
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
    if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
    return NaN;
  }
  function text(v) {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return null;
  }
  return {
    get: get,
    eq: eq,
    ne: function (a, b) { return !eq(a, b); },
    lt: function (a, b) { return order(a, b) < 0; },
    le: function (a, b) { return order(a, b) <= 0; },
    gt: function (a, b) { return order(a, b) > 0; },
    ge: function (a, b) { return order(a, b) >= 0; },
    contains: function (a, b) {
      if (a instanceof Array) {
        for (var i = 0; i < a.length; i++) if (eq(a[i], b)) return true;
        return false;
      }
      var s = text(a), t = text(b);
      return s !== null && t !== null && s.indexOf(t) !== -1;
    },
    startsWith: function (a, b) {
      var s = text(a), t = text(b);
      return s !== null && t !== null && s.slice(0, t.length) === t;
    },
    endsWith: function (a, b) {
      var s = text(a), t = text(b);
      return s !== null && t !== null && t.length <= s.length && s.slice(s.length - t.length) === t;
    },
    matches: function (a, re) {
      var s = text(a);
      return s !== null && re.test(s);
    },
    truthy: function (v) {
      if (v instanceof Array) return v.length > 0;
      if (v !== null && typeof v === 'object') { for (var k in v) if (hasOwn.call(v, k)) return true; return false; }
      return !!v;
    },
    protocol: function (d, name) {
      var p = d && d.protocol;
      if (!p || typeof p !== 'object') return false;
      if (name === 'tcp' || name === 'udp' || name === 'sctp' || name === 'icmp') return String(p.layer4 || '').toLowerCase() === name;
      return String(p.name || '').toLowerCase() === name;
    }
  };
})()`;
