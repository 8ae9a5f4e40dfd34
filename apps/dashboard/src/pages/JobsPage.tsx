import { useState } from 'react';
import { del, get, post } from '../api/client';
import type { Job, NodeJobs } from '../api/types';
import { useLoad } from '../app/hooks';
import { useSession } from '../app/session';
import { Notice } from '../components/Notice';
import { nextCronRun } from '../logic/cron';
import { ago, until } from '../logic/format';

/** When a job runs next: from its cron, unless its run limit is used up or the node's scheduler is stopped. */
function nextRun(job: Job, schedulerRunning: boolean, now: number): string {
  if (job.limit > 0 && job.runs >= job.limit) return 'done (limit reached)';
  if (!schedulerRunning) return 'paused';
  try {
    const next = nextCronRun(job.cron, now);
    return next === null ? 'never' : `in ${until(next, now)}`;
  } catch (e) {
    return `? (${(e as Error).message})`;
  }
}

/** Jobs that agents scheduled with jobs.schedule, per node: status, runs, run now, remove, scheduler start/stop. */
export function JobsPage() {
  const { canEdit } = useSession();
  const nodes = useLoad((signal) => get<NodeJobs[]>('/api/jobs', { signal }), [], 2000);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string }>();
  const now = Date.now();

  const act = async (work: () => Promise<NodeJobs | void>, done?: (answer: NodeJobs | void) => string) => {
    setMessage(undefined);
    try {
      const answer = await work();
      if (done) setMessage({ tone: 'ok', text: done(answer) });
      nodes.reload();
    } catch (e) {
      setMessage({ tone: 'error', text: (e as Error).message });
    }
  };

  return (
    <div className="jobs-page">
      <header className="pane-header">
        <h2>Jobs</h2>
      </header>
      {message && (
        <Notice tone={message.tone} onClose={() => setMessage(undefined)} testId="jobs-message">
          {message.text}
        </Notice>
      )}
      {nodes.error && <Notice tone="error">{nodes.error.message}</Notice>}
      {(nodes.data ?? []).map((node) => (
        <section key={node.node} className="card" data-testid="job-node" data-node={node.node}>
          <header className="pane-header">
            <h3>{node.node}</h3>
            {node.error ? (
              <span className="error-text">{node.error}</span>
            ) : (
              <span className={node.schedulerRunning ? 'ok-text' : 'warn-text'} data-testid="scheduler-state">
                scheduler {node.schedulerRunning ? 'running' : 'stopped'}
              </span>
            )}
            <div className="spacer" />
            {canEdit && !node.error && (
              <button
                onClick={() => act(() => post<NodeJobs>(`/api/jobs/${encodeURIComponent(node.node)}/scheduler/${node.schedulerRunning ? 'stop' : 'start'}`))}
                data-testid="scheduler-toggle"
              >
                {node.schedulerRunning ? 'Stop scheduler' : 'Start scheduler'}
              </button>
            )}
          </header>
          {!node.error && (
            <table className="table">
              <thead>
                <tr>
                  <th>Status</th>
                  <th>Agent</th>
                  <th>Tag</th>
                  <th>Cron</th>
                  <th>Last run</th>
                  <th>Next run</th>
                  <th>Runs</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {(node.jobs ?? []).map((job) => (
                  <tr key={`${job.agentId}/${job.tag}`} data-testid="job-row" data-tag={job.tag}>
                    <td>
                      {job.lastError ? (
                        <span className="error-text" title={job.lastError}>
                          failed
                        </span>
                      ) : job.runs > 0 ? (
                        <span className="ok-text">passed</span>
                      ) : (
                        <span className="muted">waiting</span>
                      )}
                    </td>
                    <td>{job.agentTitle}</td>
                    <td className="mono">{job.tag}</td>
                    <td className="mono">{job.cron}</td>
                    <td title={job.lastRun ? new Date(job.lastRun).toISOString() : ''}>{job.lastRun ? ago(job.lastRun, now) : 'never'}</td>
                    <td>{nextRun(job, node.schedulerRunning ?? false, now)}</td>
                    <td title={`${job.passed} passed, ${job.failed} failed`}>
                      {job.runs}
                      {job.limit > 0 ? ` / ${job.limit}` : ''}
                    </td>
                    <td className="row-actions">
                      {canEdit && (
                        <>
                          <button
                            onClick={() =>
                              act(
                                () => post<NodeJobs>(`/api/jobs/${encodeURIComponent(node.node)}/${job.agentId}/${encodeURIComponent(job.tag)}/run`),
                                (answer) => (answer && answer.run ? (answer.run.ok ? `Job "${job.tag}" ran on ${node.node} and passed.` : `Job "${job.tag}" failed: ${answer.run.error}`) : 'Ran.'),
                              )
                            }
                            data-testid="job-run"
                          >
                            Run
                          </button>
                          <button className="danger" onClick={() => act(() => del<NodeJobs>(`/api/jobs/${encodeURIComponent(node.node)}/${job.agentId}/${encodeURIComponent(job.tag)}`))} data-testid="job-remove">
                            Remove
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {!node.error && (node.jobs ?? []).length === 0 && <div className="muted empty">No jobs on this node.</div>}
        </section>
      ))}
    </div>
  );
}
