import { HOOK_NAMES } from '../catalog/types';

/** The hub.action name that carries a dry run's recorded calls from the sandbox to the host. */
export const DRY_RUN_ACTION = 'wirehook.dry-run';

/** Longest JSON text of one call's arguments kept; longer ones are replaced by a note. */
export const DRY_RUN_MAX_ARGUMENTS = 64 * 1024;
/** Recorded calls are handed over when this much JSON has piled up, and at the end of every hook call. */
const FLUSH_AT = 256 * 1024;

/**
 * ES5 that replaces, for the agent only (script-scope variables shadowing the helpers), every
 * helper with an effect by a recorder: console.*, hub.action, prometheus.metric, vendor.*
 * (recorded, returns undefined), file.* and pcap.*
 * (recorded, not done), jobs.schedule/remove/removeAll (recorded and done, the job's runs
 * recorded as such). Pure helpers (kfl, utils, env, test, jobs.list/run) are left as they are.
 * Calls are handed to the host through the real hub.action(DRY_RUN_ACTION, {calls: json}).
 */
const PRELUDE = `var __wirehookDryRun = (function (g) {
  var ACTION = ${JSON.stringify(DRY_RUN_ACTION)}, MAX_ARGS = ${DRY_RUN_MAX_ARGUMENTS}, FLUSH_AT = ${FLUSH_AT};
  var realHub = g.hub, realAction = g.hub.action, realJobs = g.jobs;
  var stringify = JSON.stringify, slice = Array.prototype.slice;
  var seq = 0, buffer = [], size = 0, context = { hook: "load" };
  function argsJson(args) {
    var text;
    try {
      text = stringify(args, function (k, v) { return typeof v === "function" ? "[function]" : v === undefined ? null : v; });
    } catch (e) { text = undefined; }
    if (text === undefined) return '["[arguments that are not JSON]"]';
    if (text.length > MAX_ARGS) return stringify(["[arguments of " + text.length + " characters of JSON left out]"]);
    return text;
  }
  function record(helper, args) {
    var text = argsJson(slice.call(args));
    seq++;
    buffer.push('{"seq":' + seq + ',"helper":' + stringify(helper) + ',"args":' + text + ',"context":' + stringify(context) + '}');
    size += text.length;
    if (size > FLUSH_AT) flush();
  }
  function flush() {
    if (buffer.length === 0) return;
    var calls = "[" + buffer.join(",") + "]";
    buffer = []; size = 0;
    realAction(ACTION, { calls: calls });
  }
  function recorder(helper, result) {
    return function () { record(helper, arguments); return result; };
  }
  function wrapTree(node, prefix) {
    var out = {};
    for (var k in node) {
      if (!Object.prototype.hasOwnProperty.call(node, k)) continue;
      var v = node[k];
      out[k] = typeof v === "function" ? recorder(prefix + "." + k, undefined) : v !== null && typeof v === "object" ? wrapTree(v, prefix + "." + k) : v;
    }
    return out;
  }
  function inContext(next, fn, self, args) {
    var saved = context;
    context = next;
    try { return fn.apply(self, args); }
    catch (e) { record("throw", [e && e.message !== undefined ? String(e.message) : String(e)]); throw e; }
    finally { flush(); context = saved; }
  }
  function hook(name, fn) {
    return function () {
      var a = arguments[0], next = { hook: name };
      if ((name === "onItemCaptured" || name === "onItemQueried") && a && typeof a.id === "string") next.item = a.id;
      if (name === "onHubAction") next.action = String(a);
      if (name === "onPodEvent") next.event = String(a);
      if (name === "onJobPassed" || name === "onJobFailed") next.job = String(a);
      return inContext(next, fn, this, arguments);
    };
  }
  var jobs = {
    schedule: function (tag, cron, fn, limit) {
      record("jobs.schedule", [tag, cron, limit === undefined ? 0 : limit]);
      var job = typeof fn === "function" ? function () { return inContext({ hook: "job", job: String(tag) }, fn, this, arguments); } : fn;
      var args = slice.call(arguments);
      args[2] = job;
      return realJobs.schedule.apply(realJobs, args);
    },
    remove: function (tag) { record("jobs.remove", arguments); return realJobs.remove(tag); },
    removeAll: function () { record("jobs.removeAll", arguments); return realJobs.removeAll(); },
    list: function () { return realJobs.list(); },
    run: function (tag) { return realJobs.run(tag); },
    runAll: function () { return realJobs.runAll(); },
    scheduler: realJobs.scheduler
  };
  return {
    console: { log: recorder("console.log"), info: recorder("console.info"), warn: recorder("console.warn"), error: recorder("console.error"), clear: recorder("console.clear") },
    hub: { action: recorder("hub.action"), targeted: function () { return realHub.targeted(); } },
    prometheus: { metric: recorder("prometheus.metric") },
    vendor: wrapTree(g.vendor || {}, "vendor"),
    file: wrapTree(g.file || {}, "file"),
    pcap: wrapTree(g.pcap || {}, "pcap"),
    jobs: jobs,
    hook: hook,
    flush: flush
  };
})(this);var console = __wirehookDryRun.console, hub = __wirehookDryRun.hub, prometheus = __wirehookDryRun.prometheus, vendor = __wirehookDryRun.vendor, file = __wirehookDryRun.file, pcap = __wirehookDryRun.pcap, jobs = __wirehookDryRun.jobs;`;

const SUFFIX = [
  '',
  ';(function () {',
  ...HOOK_NAMES.map((h) => `  if (typeof ${h} === "function") ${h} = __wirehookDryRun.hook("${h}", ${h});`),
  '  __wirehookDryRun.flush();',
  '})();',
  '',
].join('\n');

/**
 * The agent source instrumented for a dry run: every helper call with an effect is recorded
 * instead of made (see DryRunRecorder for the host side). The instrumentation sits on the
 * agent's first line and after its last, so reported line numbers stay those of the agent (not
 * its title: pass the agent's title in the AgentDefinition). Run it on its own runtime.
 */
export function dryRunSource(source: string): string {
  return PRELUDE.replace(/\n\s*/g, ' ') + source + SUFFIX;
}
