import { validateKfl } from '@wirehook/runtime';
import { useEffect, useMemo, useState } from 'react';
import { get, socketUrl } from '../api/client';
import type { Item, ItemCounts } from '../api/types';
import { useDebounced, useLoad } from '../app/hooks';
import { Notice } from '../components/Notice';
import { clock } from '../logic/format';
import { mergeItems, summariseItem } from '../logic/items';

const MAX_SHOWN = 500;

/**
 * Items as workers capture them, newest first, filtered with the filter language agents use in
 * kfl.match (checked here as you type; the hub filters). Click an item for its request and response.
 */
export function LivePage() {
  const [filter, setFilter] = useState('');
  const [items, setItems] = useState<Item[]>([]);
  const [paused, setPaused] = useState(false);
  const [selected, setSelected] = useState<Item>();
  const [pollError, setPollError] = useState<string>();
  const query = useDebounced(filter.trim(), 250);
  const problem = useMemo(() => (query ? validateKfl(query) : null), [query]);
  const counts = useLoad((signal) => get<ItemCounts>('/api/items/counts', { signal }), [], 2000);

  useEffect(() => {
    setItems([]);
    setSelected(undefined);
  }, [query]);

  useEffect(() => {
    if (paused || problem) return;
    // The hub's `/api/items/stream` WebSocket, filtered there; a reconnect asks for the recent
    // items again and mergeItems drops what is already shown.
    let socket: WebSocket | undefined;
    let retry: number | undefined;
    let flushTimer: number | undefined;
    let stopped = false;
    let delay = 500;
    let pending: Item[] = [];
    const flush = () => {
      flushTimer = undefined;
      const batch = pending;
      pending = [];
      setItems((shown) => mergeItems(shown, batch, MAX_SHOWN));
    };
    const connect = () => {
      socket = new WebSocket(socketUrl('/api/items/stream', { q: query || undefined, limit: 200 }));
      socket.onopen = () => {
        delay = 500;
        setPollError(undefined);
      };
      socket.onmessage = (event) => {
        try {
          pending.push(JSON.parse(String(event.data)) as Item);
        } catch {
          return;
        }
        // Items are added in batches: a busy capture re-renders a few times a second, not per item.
        flushTimer ??= window.setTimeout(flush, 100);
      };
      socket.onclose = () => {
        if (stopped) return;
        setPollError('disconnected from the hub: reconnecting');
        retry = window.setTimeout(connect, delay);
        delay = Math.min(delay * 2, 10_000);
      };
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      window.clearTimeout(flushTimer);
      socket?.close();
    };
  }, [query, paused, problem]);

  return (
    <div className="live">
      <header className="pane-header">
        <h2>Live</h2>
        <span className="muted" data-testid="item-counts">
          {counts.data
            ? `${counts.data.total} items since the hub started (${counts.data.errors} incomplete` +
              (counts.data.missed > 0 ? `, ${counts.data.missed} missed: see the log` : '') +
              ')'
            : ''}
        </span>
        <div className="spacer" />
        <button onClick={() => setPaused(!paused)} data-testid="live-pause">
          {paused ? 'Resume' : 'Pause'}
        </button>
      </header>
      <div className="filter-box">
        <input
          className={problem ? 'invalid' : ''}
          placeholder='Filter, e.g. http and response.status >= 500   or   request.path.startsWith("/api")'
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          spellCheck={false}
          data-testid="live-filter"
          aria-label="Filter"
        />
        {problem && (
          <div className="error-text" data-testid="filter-error">
            Column {problem.column}: {problem.message}
          </div>
        )}
      </div>
      {pollError && <Notice tone="error">{pollError}</Notice>}
      <div className="live-body">
        <div className="live-table-wrap">
          <table className="table live-table" data-testid="live-items">
            <thead>
              <tr>
                <th>Time</th>
                <th>Proto</th>
                <th>Source → destination</th>
                <th>Request</th>
                <th>Response</th>
                <th>ms</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => {
                const s = summariseItem(item);
                return (
                  <tr
                    key={`${item.id}@${item.timestamp}`}
                    className={`${selected === item ? 'selected' : ''} tone-${s.tone}`}
                    onClick={() => setSelected(item)}
                    data-testid="live-item"
                  >
                    <td className="mono">{clock(item.timestamp)}</td>
                    <td>{s.protocol}</td>
                    <td className="mono small">
                      {endpoint(item.src)} → {endpoint(item.dst)}
                    </td>
                    <td className="mono" data-testid="live-item-request">
                      {s.request}
                    </td>
                    <td className="mono" data-testid="live-item-response">
                      {s.response}
                    </td>
                    <td>{item.elapsedTime ?? ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {items.length === 0 && !problem && <div className="muted empty">{paused ? 'Paused.' : 'Waiting for items…'}</div>}
        </div>
        {selected && <ItemDetail item={selected} onClose={() => setSelected(undefined)} />}
      </div>
    </div>
  );
}

function endpoint(e: Item['src']): string {
  const name = e.name ? `${e.namespace ? `${e.namespace}/` : ''}${e.name}` : e.ip;
  return `${name}:${e.port}`;
}

/** The item's request and response, headers first, body as text or formatted JSON. */
function ItemDetail({ item, onClose }: { item: Item; onClose(): void }) {
  const [tab, setTab] = useState<'request' | 'response' | 'item'>('request');
  const part = tab === 'item' ? item : (item[tab] ?? null);
  return (
    <aside className="item-detail" data-testid="item-detail">
      <header className="pane-header">
        <strong>{item.id}</strong>
        <div className="spacer" />
        <button className="link-button" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="tabs">
        {(['request', 'response', 'item'] as const).map((t) => (
          <button key={t} className={tab === t ? 'tab active' : 'tab'} onClick={() => setTab(t)} data-testid={`item-tab-${t}`}>
            {t}
          </button>
        ))}
      </div>
      {item.error && (
        <Notice tone="warn">
          {item.error.type}: {item.error.msg}
        </Notice>
      )}
      {part !== null && typeof part === 'object' && 'headers' in part && part.headers !== null && typeof part.headers === 'object' && tab !== 'item' ? (
        <>
          <table className="table headers">
            <tbody>
              {Object.entries(part.headers as Record<string, unknown>).map(([k, v]) => (
                <tr key={k}>
                  <th>{k}</th>
                  <td className="mono">{String(v)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Body part={part as Record<string, unknown>} />
        </>
      ) : (
        <pre className="json">{JSON.stringify(part, null, 2)}</pre>
      )}
    </aside>
  );
}

function Body({ part }: { part: Record<string, unknown> }) {
  const content = (part.postData ?? part.content) as { text?: string; mimeType?: string } | undefined;
  const rest = Object.fromEntries(Object.entries(part).filter(([k]) => k !== 'headers' && k !== 'postData' && k !== 'content'));
  let body = content?.text ?? '';
  if (body && (content?.mimeType ?? '').includes('json')) {
    try {
      body = JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      // Not JSON after all: shown as it is.
    }
  }
  return (
    <>
      <pre className="json">{JSON.stringify(rest, null, 2)}</pre>
      {body && (
        <>
          <div className="muted">Body ({content?.mimeType || 'unknown type'})</div>
          <pre className="json body">{body.length > 20000 ? `${body.slice(0, 20000)}…` : body}</pre>
        </>
      )}
    </>
  );
}
