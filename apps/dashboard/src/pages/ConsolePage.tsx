import { useEffect, useMemo, useRef, useState } from 'react';
import { socketUrl } from '../api/client';
import type { LogEntry } from '../api/types';
import { appendEntries, entrySources, filterEntries, type ConsoleFilter } from '../logic/log-buffer';
import { clock } from '../logic/format';

type Connection = 'connecting' | 'open' | 'closed';

/**
 * Agent output from every node as it happens (the hub's `/api/logs/stream` WebSocket): console
 * lines, and with "all sources" hook errors, limit hits, loads and jobs; per node and per agent.
 */
export function ConsolePage() {
  const [lines, setLines] = useState<LogEntry[]>([]);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [filter, setFilter] = useState<ConsoleFilter>({ node: '', agent: '', consoleOnly: false, text: '' });
  const [follow, setFollow] = useState(true);
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let socket: WebSocket | undefined;
    let retry: number | undefined;
    let stopped = false;
    let delay = 500;
    let pending: LogEntry[] = [];
    let flushTimer: number | undefined;
    const flush = () => {
      flushTimer = undefined;
      const batch = pending;
      pending = [];
      setLines((current) => appendEntries(current, batch));
    };
    const connect = (first: boolean) => {
      setConnection('connecting');
      // A reconnect asks for no backlog: what arrived before is already shown.
      socket = new WebSocket(socketUrl('/api/logs/stream', { limit: first ? 500 : undefined }));
      socket.onopen = () => {
        delay = 500;
        setConnection('open');
      };
      socket.onmessage = (event) => {
        try {
          pending.push(JSON.parse(String(event.data)) as LogEntry);
        } catch {
          return;
        }
        // Lines are added in batches: a burst of output re-renders a few times a second, not per line.
        flushTimer ??= window.setTimeout(flush, 100);
      };
      socket.onclose = () => {
        setConnection('closed');
        if (stopped) return;
        retry = window.setTimeout(() => connect(false), delay);
        delay = Math.min(delay * 2, 10_000);
      };
    };
    connect(true);
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      window.clearTimeout(flushTimer);
      socket?.close();
    };
  }, []);

  const shown = useMemo(() => filterEntries(lines, filter), [lines, filter]);
  const sources = useMemo(() => entrySources(lines), [lines]);

  useEffect(() => {
    if (follow) bottom.current?.scrollIntoView({ block: 'end' });
  }, [shown, follow]);

  return (
    <div className="console-page">
      <header className="pane-header">
        <h2>Console</h2>
        <span className={`conn conn-${connection}`} data-testid="console-connection">
          {connection}
        </span>
        <div className="spacer" />
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        <button onClick={() => setLines([])}>Clear view</button>
      </header>
      <div className="toolbar">
        <select value={filter.node} onChange={(e) => setFilter({ ...filter, node: e.target.value })} data-testid="console-node" aria-label="Node">
          <option value="">every node</option>
          {sources.nodes.map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
        <select value={filter.agent} onChange={(e) => setFilter({ ...filter, agent: e.target.value })} data-testid="console-agent" aria-label="Agent">
          <option value="">every agent</option>
          {sources.agents.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
        <select value={filter.consoleOnly ? 'console' : 'all'} onChange={(e) => setFilter({ ...filter, consoleOnly: e.target.value === 'console' })} aria-label="Sources">
          <option value="all">all sources</option>
          <option value="console">console only</option>
        </select>
        <input placeholder="Search" value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} aria-label="Search" />
        <span className="muted">
          {shown.length} of {lines.length} lines
        </span>
      </div>
      <div className="console" data-testid="console-lines">
        {shown.map((line, i) => (
          <div key={i} className={`console-line level-${line.level} source-${line.source}`} data-agent={line.agent} data-node={line.node}>
            <span className="console-time">{clock(line.time)}</span>
            <span className="console-node">{line.node}</span>
            <span className="console-agent">{line.agent || '—'}</span>
            {line.source !== 'console' && <span className="console-source">{line.source}</span>}
            <span className="console-message">{line.message}</span>
          </div>
        ))}
        <div ref={bottom} />
      </div>
    </div>
  );
}
