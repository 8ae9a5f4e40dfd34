import { dryRunTimeline } from '@wirehook/flow';
import { useMemo, useState } from 'react';
import { ApiError, get, post } from '../api/client';
import type { CaptureFile, DryRunAnswer } from '../api/types';
import { useLoad } from '../app/hooks';
import { bytes } from '../logic/format';
import { Notice } from './Notice';

export type DryRunTarget = { source: string } | { agentId: string } | { graph: unknown } | { flowId: string };

/**
 * Runs the target against a capture on the hub with every helper recorded instead of called, and
 * lists the calls in the order the agent made them, each with where it happened and its arguments.
 */
export function DryRunPanel({ target, disabled }: { target: () => DryRunTarget; disabled?: boolean }) {
  const captures = useLoad((signal) => get<CaptureFile[]>('/api/dry-run/captures', { signal }), []);
  const [capture, setCapture] = useState('');
  const [maxEvents, setMaxEvents] = useState(1000);
  const [node, setNode] = useState<'worker' | 'hub'>('worker');
  const [runJobs, setRunJobs] = useState(true);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<DryRunAnswer>();
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState<number>();

  const chosen = capture || captures.data?.[0]?.name || '';
  const timeline = useMemo(() => (result ? dryRunTimeline(result.calls) : undefined), [result]);

  const run = async () => {
    setRunning(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await post<DryRunAnswer>('/api/dry-run', { ...target(), capture: chosen, maxEvents, node, runJobs }));
    } catch (e) {
      const issues = e instanceof ApiError ? e.field<Array<{ message: string }>>('issues') : undefined;
      setError(issues && issues.length > 0 ? issues.map((i) => i.message).join('\n') : (e as Error).message);
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="dry-run" data-testid="dry-run">
      <div className="toolbar">
        <label>
          Capture{' '}
          <select value={chosen} onChange={(e) => setCapture(e.target.value)} data-testid="dry-run-capture">
            {(captures.data ?? []).map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({bytes(c.size)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Events <input type="number" min={1} max={20000} value={maxEvents} onChange={(e) => setMaxEvents(Number(e.target.value) || 1)} style={{ width: '6em' }} />
        </label>
        <label>
          As{' '}
          <select value={node} onChange={(e) => setNode(e.target.value as 'worker' | 'hub')}>
            <option value="worker">a worker</option>
            <option value="hub">the hub</option>
          </select>
        </label>
        <label title="Run each job the agent scheduled once after the replay (closes counter windows).">
          <input type="checkbox" checked={runJobs} onChange={(e) => setRunJobs(e.target.checked)} /> run jobs once
        </label>
        <button className="primary" onClick={run} disabled={disabled || running || !chosen} data-testid="dry-run-start">
          {running ? 'Running…' : 'Dry run'}
        </button>
      </div>
      {captures.data && captures.data.length === 0 && <Notice tone="warn">No captures in the hub&apos;s capture folder (hub.capturesDir).</Notice>}
      {error && (
        <Notice tone="error" testId="dry-run-error">
          <pre className="plain">{error}</pre>
        </Notice>
      )}
      {result && timeline && (
        <div className="dry-run-result">
          <div className="muted" data-testid="dry-run-summary">
            {result.loaded ? (
              <>
                {result.items} item(s){result.packets ? `, ${result.packets} packet(s)` : ''} from {result.capture}: {timeline.steps.length} call(s)
                {result.dropped ? ` (+${result.dropped} not kept)` : ''}
                {result.jobsRun.length ? `; jobs run: ${result.jobsRun.join(', ')}` : ''} in {(result.durationMs / 1000).toFixed(2)} s
              </>
            ) : (
              <span className="error-text">
                The agent did not load{result.loadError?.line ? ` (line ${result.loadError.line})` : ''}: {result.loadError?.reason}
              </span>
            )}
          </div>
          {Object.keys(timeline.counts).length > 0 && (
            <div className="chips">
              {Object.entries(timeline.counts).map(([helper, count]) => (
                <span key={helper} className="chip">
                  {helper} × {count}
                </span>
              ))}
            </div>
          )}
          <ol className="calls" data-testid="dry-run-calls">
            {timeline.steps.map((step) => (
              <li key={step.index} className={`call call-${step.kind}`} data-helper={step.helper}>
                <button className="call-head" onClick={() => setOpen(open === step.index ? undefined : step.index)} title="Show the arguments">
                  <span className="call-meta">
                    <span className="call-index">{step.index}</span>
                    <span className="call-where">{step.where}</span>
                    {step.item && <span className="call-item">{result.itemSummaries[step.item] ?? step.item}</span>}
                  </span>
                  <code className="call-text">{step.text}</code>
                </button>
                {open === step.index && <pre className="call-args">{JSON.stringify(step.args, null, 2)}</pre>}
              </li>
            ))}
          </ol>
          {result.logs.length > 0 && (
            <details className="dry-run-logs" open={!result.loaded}>
              <summary>{result.logs.length} log line(s) besides the console</summary>
              <pre className="plain">{result.logs.map((l) => `${l.level} ${l.source}: ${l.message}`).join('\n')}</pre>
            </details>
          )}
        </div>
      )}
    </div>
  );
}
