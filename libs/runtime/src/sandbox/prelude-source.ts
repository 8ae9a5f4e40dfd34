import { KFL_RUNTIME_SOURCE } from '../kfl/kfl-runtime-source';
import { HOOK_NAMES } from '../types';

/**
 * Code the runtime runs inside each agent's context before the agent: it builds the helper objects
 * (console, jobs, hub, utils, env, test, prometheus, kfl, file, pcap, vendor) from the host
 * callbacks it is given, and returns the entry points the host calls (batches, events, jobs).
 *
 * Why it looks like this:
 * - Helper objects are created here, from this context's own Object/Function, so
 *   `console.constructor.constructor('return process')()` only reaches this isolate's Function,
 *   which has no Node.js anything. Host callbacks stay in this closure; the agent never sees them.
 * - Everything the prelude relies on after the agent runs (JSON, Proxy, Reflect…) is captured
 *   now, so an agent that overwrites globals breaks only itself.
 * - Batches arrive as one string (items' JSON joined by "\n", which JSON text never contains raw)
 *   and each item is materialised lazily on first access, so a hook pays only for what it reads.
 *
 * Evaluating this text yields `function (host, configJson) → api`.
 */
export const PRELUDE_SOURCE = `(function (host, configJson) {
  'use strict';
  var global = (0, eval)('this');
  var JSONparse = JSON.parse, JSONstringify = JSON.stringify;
  var ObjectKeys = Object.keys, defineProperty = Object.defineProperty, hasOwn = Object.prototype.hasOwnProperty;
  var ErrorCtor = Error, TypeErrorCtor = TypeError, StringCtor = String, FunctionCtor = Function;
  var ProxyCtor = Proxy, ReflectGet = Reflect.get, ReflectSet = Reflect.set, ReflectHas = Reflect.has,
      ReflectOwnKeys = Reflect.ownKeys, ReflectGOPD = Reflect.getOwnPropertyDescriptor,
      ReflectDefine = Reflect.defineProperty, ReflectDelete = Reflect.deleteProperty,
      ReflectPreventExtensions = Reflect.preventExtensions, ReflectIsExtensible = Reflect.isExtensible,
      ReflectApply = Reflect.apply, WeakMap = global.WeakMap, getOwnPropertyNames = Object.getOwnPropertyNames;
  var now = Date.now;
  var config = JSONparse(configJson);
  var fileName = config.fileName;
  var HOOKS = ${JSON.stringify(HOOK_NAMES)};

  // ---------- errors: message and the agent's own line ----------
  function where(e) {
    var stack = '';
    try { stack = e && typeof e === 'object' ? StringCtor(e.stack || '') : ''; } catch (ignored) { stack = ''; }
    var lines = stack.split('\\n');
    for (var i = 1; i < lines.length; i++) {
      var at = lines[i].indexOf(fileName + ':');
      if (at === -1) continue;
      var m = /:(\\d+):(\\d+)\\)?\\s*$/.exec(lines[i].slice(at + fileName.length));
      if (m) return { line: +m[1], column: +m[2] };
    }
    return null;
  }
  function messageOf(e) {
    try {
      if (e instanceof ErrorCtor || (e && typeof e === 'object' && typeof e.message === 'string')) return (e.name ? e.name + ': ' : '') + e.message;
      return 'thrown: ' + (typeof e === 'string' ? e : JSONstringify(e));
    } catch (ignored) { return 'thrown: (unprintable value)'; }
  }
  function agentStack(e) {
    var stack = '';
    try { stack = e && typeof e === 'object' ? StringCtor(e.stack || '') : ''; } catch (ignored) { return ''; }
    var out = [];
    var lines = stack.split('\\n');
    for (var i = 1; i < lines.length && out.length < 8; i++) if (lines[i].indexOf(fileName + ':') !== -1) out.push(lines[i].trim());
    return out.join('\\n');
  }
  function describe(where0, e) {
    var w = where(e);
    return { where: where0, message: messageOf(e), line: w ? w.line : undefined, column: w ? w.column : undefined, stack: agentStack(e) };
  }

  // ---------- console (rate cap enforced here so a flood never crosses to the host) ----------
  var consoleCap = config.consoleLinesPerSecond;
  // Sizes that cross to the host are bounded: a sandbox's heap is, the host's log and bus are not.
  var MAX_LINE = 16 * 1024, MAX_ACTION = 1024 * 1024, MAX_SHARED = 1024 * 1024, MAX_JOBS = 100;
  var consoleWindow = 0, consoleLines = 0, consoleDroppedTotal = 0;
  function format(v) {
    if (typeof v === 'string') return v;
    if (v === undefined) return 'undefined';
    if (typeof v === 'function') return '[function]';
    if (v instanceof ErrorCtor) return messageOf(v);
    if (typeof v === 'object' && v !== null) {
      try { var j = JSONstringify(v); return j === undefined ? StringCtor(v) : j; } catch (e) { return '[unserialisable object]'; }
    }
    return StringCtor(v);
  }
  function emitConsole(level, args, clear) {
    var t = now();
    var second = t - (t % 1000);
    if (second !== consoleWindow) { consoleWindow = second; consoleLines = 0; }
    if (consoleLines >= consoleCap) { consoleDroppedTotal++; return; }
    consoleLines++;
    if (clear) { host.console('clear', ''); return; }
    var parts = [];
    for (var i = 0; i < args.length; i++) parts.push(format(args[i]));
    var line = parts.join(' ');
    if (line.length > MAX_LINE) line = line.slice(0, MAX_LINE) + '… (' + (line.length - MAX_LINE) + ' more characters)';
    host.console(level, line);
  }
  var consoleObject = {
    log: function () { emitConsole('info', arguments); },
    info: function () { emitConsole('info', arguments); },
    warn: function () { emitConsole('warn', arguments); },
    error: function () { emitConsole('error', arguments); },
    clear: function () { emitConsole('info', [], true); }
  };

  // ---------- results of host calls: {ok, value} or {error} as JSON; host errors never cross as objects ----------
  function unwrap(json, what) {
    var r = JSONparse(json);
    if (r.error !== undefined) throw new ErrorCtor(what + ': ' + r.error);
    return r.value;
  }
  function asyncCall(ref, name, args, label) {
    var json = ref.applySyncPromise(undefined, [name, JSONstringify(args)]);
    return unwrap(json, label);
  }
  function toArgs(a) { var out = []; for (var i = 0; i < a.length; i++) out.push(a[i]); return out; }

  // ---------- hooks of this agent (set by load) ----------
  var resolveHook = function () { return undefined; };
  function hook(name) {
    var f;
    try { f = resolveHook(name); } catch (e) { f = undefined; }
    return typeof f === 'function' ? f : undefined;
  }
  function hookNames() {
    var out = [];
    for (var i = 0; i < HOOKS.length; i++) if (hook(HOOKS[i])) out.push(HOOKS[i]);
    return out;
  }

  // ---------- jobs ----------
  var jobs = {};
  var errorsInCall = [], errorCount = 0;
  function recordError(where0, e) {
    errorCount++;
    if (errorsInCall.length < 5) errorsInCall.push(describe(where0, e));
  }
  function runJob(tag, manual) {
    var job = jobs[tag];
    if (!job) return null;
    var ok = true, text = '';
    try { ReflectApply(job.fn, undefined, job.args); } catch (e) { ok = false; text = messageOf(e); recordError('job ' + tag, e); }
    var h = hook(ok ? 'onJobPassed' : 'onJobFailed');
    if (h) {
      try { if (ok) h(tag, job.cron, job.limit); else h(tag, job.cron, job.limit, text); }
      catch (e2) { recordError(ok ? 'onJobPassed' : 'onJobFailed', e2); }
    }
    if (manual) host.jobRan(tag, ok, text);
    return { ok: ok, error: text };
  }
  var scheduler = {
    isRunning: function () { return host.scheduler('isRunning') === true; },
    start: function () { host.scheduler('start'); },
    stop: function () { host.scheduler('stop'); }
  };
  var jobsObject = {
    schedule: function (tag, cron, fn, limit) {
      if (typeof tag !== 'string' || tag === '') throw new TypeErrorCtor('jobs.schedule: tag must be a non-empty string');
      if (typeof cron !== 'string') throw new TypeErrorCtor('jobs.schedule: cron must be a string like "0 */1 * * * *"');
      if (typeof fn !== 'function') throw new TypeErrorCtor('jobs.schedule: fn must be a function');
      if (limit === undefined || limit === null) limit = 0;
      if (typeof limit !== 'number' || limit < 0 || limit !== Math.floor(limit)) throw new TypeErrorCtor('jobs.schedule: limit must be a whole number >= 0');
      var args = [];
      for (var i = 4; i < arguments.length; i++) args.push(arguments[i]);
      if (!hasOwn.call(jobs, tag) && ObjectKeys(jobs).length >= MAX_JOBS) throw new ErrorCtor('jobs.schedule: an agent may have at most ' + MAX_JOBS + ' jobs');
      unwrap(host.jobSchedule(tag, cron, limit), 'jobs.schedule');
      jobs[tag] = { fn: fn, args: args, cron: cron, limit: limit };
    },
    remove: function (tag) { if (hasOwn.call(jobs, tag)) { delete jobs[tag]; host.jobRemove(StringCtor(tag)); return true; } return false; },
    removeAll: function () { jobs = {}; host.jobRemove(''); },
    list: function () { return ObjectKeys(jobs); },
    run: function (tag) {
      if (!hasOwn.call(jobs, tag)) throw new ErrorCtor('jobs.run: no job tagged ' + JSONstringify(StringCtor(tag)));
      runJob(tag, true);
    },
    runAll: function () { var tags = ObjectKeys(jobs); for (var i = 0; i < tags.length; i++) runJob(tags[i], true); },
    scheduler: scheduler
  };

  // ---------- kfl (compiled by the host once per query, evaluated here) ----------
  var kflRuntime = ${KFL_RUNTIME_SOURCE};
  var kflCache = {}, kflCacheSize = 0;
  function kflPredicate(query) {
    if (typeof query !== 'string') throw new TypeErrorCtor('kfl: query must be a string');
    var key = '#' + query;
    var p = kflCache[key];
    if (p) return p;
    var source = unwrap(host.kflCompile(query), 'kfl');
    p = new FunctionCtor('return ' + source)()(kflRuntime);
    if (kflCacheSize >= 256) { kflCache = {}; kflCacheSize = 0; }
    kflCache[key] = p; kflCacheSize++;
    return p;
  }

  // ---------- Kubernetes objects: Go field names (pod.ObjectMeta.Name) read through to JSON names ----------
  function goName(obj, key) {
    if (typeof key !== 'string' || key.length === 0) return undefined;
    var c = key.charAt(0);
    if (c < 'A' || c > 'Z') return undefined;
    if (key === 'ObjectMeta') return 'metadata';
    var candidates = [c.toLowerCase() + key.slice(1), key.replace(/^[A-Z]+(?=[A-Z][a-z]|$)/, function (s) { return s.toLowerCase(); }), key.toLowerCase()];
    for (var i = 0; i < candidates.length; i++) if (hasOwn.call(obj, candidates[i])) return candidates[i];
    return undefined;
  }
  var goHandler = {
    get: function (t, key) {
      if (typeof key !== 'string') return ReflectGet(t, key);
      if (hasOwn.call(t, key)) return goView(t[key]);
      if (key === 'TypeMeta') return goView(t);
      var name = goName(t, key);
      return name === undefined ? ReflectGet(t, key) : goView(t[name]);
    }
  };
  var goViews = new WeakMap();
  function goView(v) {
    if (v === null || typeof v !== 'object') return v;
    var view = goViews.get(v);
    if (!view) { view = new ProxyCtor(v, goHandler); goViews.set(v, view); }
    return view;
  }

  // ---------- lazily materialised items and packets ----------
  // The proxy's target holds the element's JSON under a symbol until first touched, then the
  // parsed object, to which every trap forwards (no copy). Only what would break the proxy
  // invariants (preventExtensions, defineProperty) copies the fields onto the target itself.
  var SLOT = typeof Symbol === 'function' ? Symbol('element') : '__element';
  function parsed(t) {
    var o = t[SLOT];
    if (typeof o === 'string') { o = JSONparse(o); t[SLOT] = o; }
    return o === undefined ? t : o;
  }
  function flatten(t) {
    var o = parsed(t);
    if (o !== t) {
      delete t[SLOT];
      for (var k in o) if (hasOwn.call(o, k)) t[k] = o[k];
    }
    return t;
  }
  var lazyHandler = {
    get: function (t, k) { return parsed(t)[k]; },
    set: function (t, k, v) { parsed(t)[k] = v; return true; },
    has: function (t, k) { return k in parsed(t); },
    ownKeys: function (t) { return ReflectOwnKeys(parsed(t)); },
    getOwnPropertyDescriptor: function (t, k) { return ReflectGOPD(parsed(t), k); },
    defineProperty: function (t, k, d) { return ReflectDefine(flatten(t), k, d); },
    deleteProperty: function (t, k) { return ReflectDelete(parsed(t), k); },
    preventExtensions: function (t) { return ReflectPreventExtensions(flatten(t)); },
    isExtensible: function (t) { return ReflectIsExtensible(t); }
  };
  function lazy(json) {
    var t = {};
    t[SLOT] = json;
    return new ProxyCtor(t, lazyHandler);
  }

  // ---------- this / global properties shared by all agents of the process ----------
  var sharedJson = {};
  var helperNames = {};
  // Built-in globals are never shared: one agent must not replace another's Array or JSON.
  var builtinNames = getOwnPropertyNames(global);
  for (var bi = 0; bi < builtinNames.length; bi++) helperNames[builtinNames[bi]] = true;
  function applyShared(updatesJson) {
    if (!updatesJson) return;
    var u = JSONparse(updatesJson);
    for (var k in u) {
      if (!hasOwn.call(u, k) || hasOwn.call(helperNames, k)) continue;
      try {
        if (u[k] === null) { delete global[k]; delete sharedJson[k]; }
        else { global[k] = JSONparse(u[k]); sharedJson[k] = u[k]; }
      } catch (e) { /* a property this agent made read-only stays as it is */ }
    }
  }
  function collectShared() {
    var changes = null;
    var keys = ObjectKeys(global);
    var seen = {};
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (hasOwn.call(helperNames, k)) continue;
      var v, j;
      try { v = global[k]; } catch (e) { continue; }
      if (v === undefined || typeof v === 'function') continue;
      try { j = JSONstringify(v); } catch (e) { continue; }
      if (j === undefined || j.length > MAX_SHARED) continue;
      seen[k] = true;
      if (sharedJson[k] !== j) { sharedJson[k] = j; if (!changes) changes = {}; changes[k] = j; }
    }
    for (var s in sharedJson) {
      if (hasOwn.call(sharedJson, s) && !seen[s] && !hasOwn.call(global, s)) { delete sharedJson[s]; if (!changes) changes = {}; changes[s] = null; }
    }
    return changes;
  }

  // ---------- one result shape for every entry point ----------
  function begin(updatesJson) {
    errorsInCall = []; errorCount = 0;
    applyShared(updatesJson);
  }
  function finish(value) {
    var dropped = consoleDroppedTotal;
    consoleDroppedTotal = 0;
    return JSONstringify({ errors: errorCount, samples: errorsInCall, shared: collectShared(), hooks: hookNames(), value: value, consoleDropped: dropped, metrics: takeMetrics() });
  }

  // ---------- helpers visible to the agent ----------
  function define(name, value) {
    helperNames[name] = true;
    defineProperty(global, name, { value: value, writable: true, configurable: true, enumerable: false });
  }
  define('console', consoleObject);
  define('jobs', jobsObject);
  define('hub', {
    action: function (action, object) {
      if (typeof action !== 'string' || action === '') throw new TypeErrorCtor('hub.action: action must be a non-empty string');
      var json = object === undefined ? 'null' : JSONstringify(object);
      if (json === undefined) json = 'null';
      if (json.length > MAX_ACTION) throw new ErrorCtor('hub.action: object is ' + json.length + ' characters of JSON; the most is ' + MAX_ACTION);
      host.hubAction(action, json);
    },
    targeted: function () { return unwrap(host.targeted(), 'hub.targeted'); },
    blockPod: function (name, namespace) { podPolicy('blockPod', name, namespace); },
    unblockPod: function (name, namespace) { podPolicy('unblockPod', name, namespace); }
  });
  function podPolicy(op, name, namespace) {
    if (typeof name !== 'string' || name === '') throw new TypeErrorCtor('hub.' + op + ': name must be a non-empty string');
    if (typeof namespace !== 'string' || namespace === '') throw new TypeErrorCtor('hub.' + op + ': namespace must be a non-empty string');
    asyncCall(host.hubCall, op, [name, namespace], 'hub.' + op);
  }
  define('utils', {
    nodeName: function () { return config.nodeName; },
    json2Yaml: function (jsonText) {
      if (typeof jsonText !== 'string') jsonText = JSONstringify(jsonText);
      return unwrap(host.json2Yaml(jsonText), 'utils.json2Yaml');
    }
  });
  define('env', JSONparse(config.envJson));
  define('test', {
    pass: function (data) { if (data !== null && typeof data === 'object') data.passed = true; return data; },
    fail: function (data) { if (data !== null && typeof data === 'object') data.failed = true; return data; }
  });
  // Metrics are aggregated here and handed over with the call's result: no crossing per call.
  var metricBuffer = {}, metricCount = 0;
  define('prometheus', {
    metric: function (name, help, type, value, labels) {
      if (typeof name !== 'string' || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new TypeErrorCtor('prometheus.metric: bad metric name ' + JSONstringify(StringCtor(name)));
      if (type !== 1 && type !== 2 && type !== 3) throw new TypeErrorCtor('prometheus.metric: type must be 1 (counter), 2 (gauge) or 3 (untyped)');
      if (typeof value !== 'number' || value !== value) throw new TypeErrorCtor('prometheus.metric: value must be a number');
      if (type === 1 && value < 0) throw new TypeErrorCtor('prometheus.metric: a counter cannot go down');
      var l = {}, names = [];
      if (labels !== undefined && labels !== null) {
        if (typeof labels !== 'object') throw new TypeErrorCtor('prometheus.metric: labels must be an object');
        for (var k in labels) if (hasOwn.call(labels, k)) {
          if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k)) throw new TypeErrorCtor('prometheus.metric: bad label name ' + JSONstringify(k));
          names.push(k);
        }
        names.sort();
        for (var n = 0; n < names.length; n++) l[names[n]] = StringCtor(labels[names[n]]);
      }
      var key = name + '\u0000' + JSONstringify(l);
      var m = metricBuffer[key];
      if (!m) {
        if (metricCount >= 10000) throw new ErrorCtor('prometheus.metric: more than 10000 label sets in one call');
        m = metricBuffer[key] = { name: name, help: typeof help === 'string' ? help : '', type: type, labels: l, value: 0 };
        metricCount++;
      }
      if (m.type !== type) throw new TypeErrorCtor('prometheus.metric: ' + name + ' was used with type ' + m.type + ' in this call');
      if (type === 1) m.value += value; else m.value = value;
    }
  });
  function takeMetrics() {
    if (metricCount === 0) return null;
    var out = [];
    for (var k in metricBuffer) if (hasOwn.call(metricBuffer, k)) out.push(metricBuffer[k]);
    metricBuffer = {}; metricCount = 0;
    return out;
  }
  define('kfl', {
    match: function (query, data) { return kflPredicate(query)(data) === true; },
    validate: function (query) { kflPredicate(query); return true; }
  });
  function fileOp(op) { return function () { return asyncCall(host.fileOp, op, toArgs(arguments), 'file.' + op); }; }
  define('file', {
    write: fileOp('write'), append: fileOp('append'), read: fileOp('read'), move: fileOp('move'), copy: fileOp('copy'),
    'delete': fileOp('delete'), mkdir: fileOp('mkdir'), mkdirTemp: fileOp('mkdirTemp'), temp: fileOp('temp'), tar: fileOp('tar')
  });
  function pcapOp(op) { return function () { return asyncCall(host.pcapOp, op, toArgs(arguments), 'pcap.' + op); }; }
  define('pcap', { path: pcapOp('path'), snapshot: pcapOp('snapshot'), nameResolutionHistory: pcapOp('nameResolutionHistory') });
  var vendor = {};
  for (var vi = 0; vi < config.vendorHelpers.length; vi++) {
    (function (name) {
      var parts = name.split('.'), node = vendor;
      for (var p = 0; p < parts.length - 1; p++) { if (!node[parts[p]] || typeof node[parts[p]] !== 'object') node[parts[p]] = {}; node = node[parts[p]]; }
      node[parts[parts.length - 1]] = function () { return asyncCall(host.vendorCall, name, toArgs(arguments), 'vendor.' + name); };
    })(config.vendorHelpers[vi]);
  }
  define('vendor', vendor);

  // ---------- entry points for the host ----------
  return {
    load: function (wrapper, updatesJson) {
      begin(updatesJson);
      try { resolveHook = wrapper.call(global); }
      catch (e) { return finish({ loadError: describe('top-level', e) }); }
      return finish(null);
    },
    hooks: function () { return JSONstringify(hookNames()); },
    batch: function (hookName, updatesJson) {
      begin(updatesJson);
      var h = hook(hookName);
      var n = 0;
      for (var c = 2; c < arguments.length; c++) {
        var parts = arguments[c].split('\\n');
        n += parts.length;
        if (!h) continue;
        for (var i = 0; i < parts.length; i++) {
          try { h(lazy(parts[i])); } catch (e) { recordError(hookName, e); }
        }
      }
      return finish(n);
    },
    queried: function (itemJson, updatesJson) {
      begin(updatesJson);
      var h = hook('onItemQueried');
      var out = null;
      if (h) {
        try {
          var r = h(JSONparse(itemJson));
          if (r !== null && typeof r === 'object') out = JSONstringify(r);
        } catch (e) { recordError('onItemQueried', e); }
      }
      return finish(out);
    },
    hubAction: function (action, objectJson, updatesJson) {
      begin(updatesJson);
      var h = hook('onHubAction');
      if (h) { try { h(action, JSONparse(objectJson)); } catch (e) { recordError('onHubAction', e); } }
      return finish(null);
    },
    podEvent: function (event, podJson, changeJson, updatesJson) {
      begin(updatesJson);
      var h = hook('onPodEvent');
      if (h) { try { h(event, goView(JSONparse(podJson)), JSONparse(changeJson)); } catch (e) { recordError('onPodEvent', e); } }
      return finish(null);
    },
    job: function (tag, final, updatesJson) {
      begin(updatesJson);
      var r = runJob(tag, false);
      if (final) delete jobs[tag];
      return finish(r);
    },
    dropJob: function (tag) {
      if (tag === '') jobs = {}; else delete jobs[tag];
      return finish(null);
    }
  };
})`;
