import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import {
  installPlugin,
  pluginDetails,
  pluginStats,
  preflightUpgrade,
  removePlugin,
  setPluginEnabled,
  upgradePlugin,
  uploadPlugin,
  type PluginDetail,
  type PluginSource,
  type UpgradePreflight,
} from '../api/plugins';
import { useLoad } from '../app/hooks';
import { useSession } from '../app/session';
import { Notice, type NoticeTone } from '../components/Notice';
import { ago } from '../logic/format';
import { compatibility } from '../logic/plugins';

type SourceKind = 'package' | 'folder' | 'tarball' | 'upload';

const SOURCE_LABELS: Record<SourceKind, string> = {
  package: 'npm package (name@version)',
  folder: 'folder on the hub',
  tarball: 'tarball on the hub (.tgz)',
  upload: 'upload a tarball',
};

function sourceOf(kind: Exclude<SourceKind, 'upload'>, value: string): PluginSource {
  return kind === 'package' ? { package: value } : kind === 'folder' ? { folder: value } : { tarball: value };
}

/** The reasons the hub gave (`problems` of a 422: incompatible, bad manifest, missing dependencies). */
function problemsOf(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  const problems = error.field<unknown>('problems');
  return Array.isArray(problems) ? problems.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))) : [];
}

type Message = { tone: NoticeTone; text: string; details?: string[] };

/** Installed plugins, their versions and compatibility, per-node delivery counters; install, upgrade with preflight, remove. */
export function PluginsPage() {
  const { isAdmin } = useSession();
  const plugins = useLoad((signal) => pluginDetails(signal), []);
  const stats = useLoad((signal) => pluginStats(signal), [], 5000);
  const [message, setMessage] = useState<Message>();
  const [upgrading, setUpgrading] = useState<string>();

  const act = async (work: () => Promise<string>) => {
    setMessage(undefined);
    try {
      setMessage({ tone: 'ok', text: await work() });
      plugins.reload();
      stats.reload();
    } catch (e) {
      setMessage({ tone: 'error', text: (e as Error).message, details: problemsOf(e) });
    }
  };

  return (
    <div className="plugins-page">
      <header className="pane-header">
        <h2>Plugins</h2>
        <span className="muted">Each plugin adds helpers under vendor.* and action nodes to the flow editor.</span>
      </header>
      {message && (
        <Notice tone={message.tone} onClose={() => setMessage(undefined)} testId="plugin-message">
          {message.text}
          {message.details && message.details.length > 0 && (
            <ul>
              {message.details.map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      {plugins.error && <Notice tone="error">{plugins.error.message}</Notice>}
      <table className="table" data-testid="plugin-list">
        <thead>
          <tr>
            <th>Plugin</th>
            <th>Version</th>
            <th>Compatibility</th>
            <th>Helpers</th>
            <th>Nodes</th>
            <th>Installed</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(plugins.data ?? []).map((p) => {
            const compat = compatibility(p);
            return (
              <tr key={p.name} data-testid="plugin-row" data-name={p.name}>
                <td>
                  <strong>{p.displayName ?? p.name}</strong>
                  <div className="muted small mono">{p.name}</div>
                  {p.description && <div className="muted small">{p.description}</div>}
                </td>
                <td className="mono">{p.version}</td>
                <td>
                  <span className={compat.ok ? 'ok-text' : 'error-text'} title={compat.detail}>
                    {compat.label}
                  </span>
                  <div className="muted small">{compat.detail}</div>
                </td>
                <td className="mono small">{p.helpers.map((h) => `${h.name}(${h.parameters.join(', ')})`).join('\n')}</td>
                <td className="small">{(p.manifest?.nodes ?? []).length}</td>
                <td className="small">{ago(p.updatedAt)}</td>
                <td className="row-actions">
                  {isAdmin && (
                    <>
                      <button onClick={() => act(async () => (await setPluginEnabled(p.name, !p.enabled), `${p.name} ${p.enabled ? 'disabled' : 'enabled'} on every node.`))}>
                        {p.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button onClick={() => setUpgrading(upgrading === p.name ? undefined : p.name)} data-testid="plugin-upgrade">
                        Upgrade…
                      </button>
                      <button
                        className="danger"
                        onClick={() =>
                          window.confirm(`Remove ${p.name} from every node?`) &&
                          act(async () => {
                            const removed = await removePlugin(p.name);
                            const still = removed.agents.map((a) => `"${a.title}"`);
                            return `${p.name} removed.${still.length ? ` Still calling its helpers: ${still.join(', ')}.` : ''}`;
                          })
                        }
                      >
                        Remove
                      </button>
                    </>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {plugins.data?.length === 0 && <div className="muted empty">No plugins installed.</div>}
      {upgrading && isAdmin && (
        <UpgradePanel
          plugin={(plugins.data ?? []).find((p) => p.name === upgrading) as PluginDetail}
          onDone={(text) => {
            setUpgrading(undefined);
            setMessage({ tone: 'ok', text });
            plugins.reload();
          }}
          onCancel={() => setUpgrading(undefined)}
        />
      )}
      {isAdmin && <InstallForm onInstalled={(text) => (setMessage({ tone: 'ok', text }), plugins.reload(), stats.reload())} />}
      <h3>Delivery per node</h3>
      {stats.error && <Notice tone="error">{stats.error.message}</Notice>}
      <table className="table" data-testid="plugin-stats">
        <thead>
          <tr>
            <th>Node</th>
            <th>Plugin</th>
            <th>State</th>
            <th>Sent</th>
            <th>Failed</th>
            <th>Retried</th>
            <th>Dropped</th>
            <th>Queued</th>
          </tr>
        </thead>
        <tbody>
          {(stats.data ?? []).flatMap((node) =>
            node.plugins.map((p) => (
              <tr key={`${node.node}/${p.plugin}`}>
                <td>{node.node}</td>
                <td className="mono">
                  {p.plugin}@{p.version}
                </td>
                <td className={p.state === 'loaded' ? 'ok-text' : 'error-text'} title={p.error}>
                  {p.state}
                  {p.error ? `: ${p.error}` : ''}
                </td>
                <td>{p.sent}</td>
                <td>{p.failed}</td>
                <td>{p.retried}</td>
                <td>{p.dropped}</td>
                <td>{p.queued}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}

function SourceFields({ kind, setKind, value, setValue, file, setFile, allowUpload }: {
  kind: SourceKind;
  setKind(kind: SourceKind): void;
  value: string;
  setValue(value: string): void;
  file?: File;
  setFile(file: File | undefined): void;
  allowUpload: boolean;
}) {
  return (
    <>
      <select value={kind} onChange={(e) => setKind(e.target.value as SourceKind)} aria-label="Source" data-testid="plugin-source-kind">
        {(Object.keys(SOURCE_LABELS) as SourceKind[])
          .filter((k) => allowUpload || k !== 'upload')
          .map((k) => (
            <option key={k} value={k}>
              {SOURCE_LABELS[k]}
            </option>
          ))}
      </select>
      {kind === 'upload' ? (
        <input type="file" accept=".tgz,.tar.gz,application/gzip" onChange={(e) => setFile(e.target.files?.[0])} aria-label="Tarball" />
      ) : (
        <input
          className="mono grow"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder={kind === 'package' ? '@wirehook/plugin-slack@1.0.0' : kind === 'folder' ? '/path/on/the/hub/plugin' : '/path/on/the/hub/plugin-1.0.0.tgz'}
          data-testid="plugin-source"
          aria-label="Plugin source"
        />
      )}
      {file && kind === 'upload' && <span className="muted small">{file.name}</span>}
    </>
  );
}

function InstallForm({ onInstalled }: { onInstalled(text: string): void }) {
  const [kind, setKind] = useState<SourceKind>('package');
  const [value, setValue] = useState('');
  const [file, setFile] = useState<File>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Message>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result = (kind === 'upload' ? (file ? await uploadPlugin(file) : undefined) : await installPlugin(sourceOf(kind, value.trim()))) as
        | { plugin?: { name: string; version: string } }
        | undefined;
      setValue('');
      onInstalled(result?.plugin ? `Installed ${result.plugin.name}@${result.plugin.version} on every node.` : 'Installed.');
    } catch (e) {
      setError({ tone: 'error', text: (e as Error).message, details: problemsOf(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} data-testid="plugin-install">
      <h3>Install a plugin</h3>
      <p className="muted small">The hub checks the manifest, the plugin API version and the host range before anything is installed; an incompatible plugin is refused with the reasons.</p>
      <div className="toolbar">
        <SourceFields kind={kind} setKind={setKind} value={value} setValue={setValue} file={file} setFile={setFile} allowUpload />
        <button className="primary" type="submit" disabled={busy || (kind === 'upload' ? !file : !value.trim())} data-testid="plugin-install-submit">
          {busy ? 'Installing…' : 'Install'}
        </button>
      </div>
      {error && (
        <Notice tone="error" testId="plugin-install-error">
          {error.text}
          {error.details && error.details.length > 0 && (
            <ul>
              {error.details.map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}
    </form>
  );
}

/** Upgrade: choose the new package, see the preflight (agents and flows that use it, warnings), then confirm. */
function UpgradePanel({ plugin, onDone, onCancel }: { plugin: PluginDetail; onDone(text: string): void; onCancel(): void }) {
  const [kind, setKind] = useState<Exclude<SourceKind, 'upload'>>('package');
  const [value, setValue] = useState(`${plugin.name}@`);
  const [preflight, setPreflight] = useState<UpgradePreflight>();
  const [acceptMajor, setAcceptMajor] = useState(false);
  const [error, setError] = useState<Message>();
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError({ tone: 'error', text: (e as Error).message, details: problemsOf(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="card" data-testid="plugin-upgrade-panel">
      <h3>
        Upgrade {plugin.name} (installed {plugin.version})
      </h3>
      <div className="toolbar">
        <SourceFields kind={kind} setKind={(k) => setKind(k as Exclude<SourceKind, 'upload'>)} value={value} setValue={setValue} setFile={() => undefined} allowUpload={false} />
        <button onClick={() => run(async () => setPreflight(await preflightUpgrade(plugin.name, sourceOf(kind, value.trim()))))} disabled={busy || !value.trim()} data-testid="plugin-preflight">
          Check (preflight)
        </button>
        <button onClick={onCancel}>Cancel</button>
      </div>
      {error && (
        <Notice tone="error">
          {error.text}
          {error.details && (
            <ul>
              {error.details.map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
          )}
        </Notice>
      )}
      {preflight && (
        <div data-testid="plugin-preflight-result">
          <p>
            {preflight.from || 'not installed'} → <strong>{preflight.to}</strong>
            {preflight.major && <span className="warn-text"> (major version change)</span>}
          </p>
          {preflight.warnings.map((w, i) => (
            <Notice key={i} tone="warn">
              {w}
            </Notice>
          ))}
          {preflight.removedHelpers.length > 0 && <p className="error-text">Helpers removed: {preflight.removedHelpers.join(', ')}</p>}
          <div className="columns">
            <div>
              <strong>Agents calling its helpers ({preflight.agents.length})</strong>
              <ul>
                {preflight.agents.map((a) => (
                  <li key={a.id}>
                    {a.title} {a.active ? '' : <span className="muted">(inactive)</span>} — <span className="mono small">{a.helpers.join(', ')}</span>
                  </li>
                ))}
              </ul>
            </div>
            <div>
              <strong>Flows using it ({preflight.flows.length})</strong>
              <ul>
                {preflight.flows.map((f) => (
                  <li key={f.id}>
                    {f.name} — <span className="mono small">{[...f.helpers, ...f.nodes].join(', ')}</span>
                  </li>
                ))}
              </ul>
            </div>
          </div>
          {preflight.major && (
            <label>
              <input type="checkbox" checked={acceptMajor} onChange={(e) => setAcceptMajor(e.target.checked)} /> I checked the agents and flows above against the plugin&apos;s changelog
            </label>
          )}
          <div className="toolbar">
            <button
              className="primary"
              disabled={busy || (preflight.major && !acceptMajor)}
              onClick={() => run(async () => (await upgradePlugin(plugin.name, sourceOf(kind, value.trim()), acceptMajor), onDone(`Upgraded ${plugin.name} to ${preflight.to} on every node.`)))}
              data-testid="plugin-upgrade-confirm"
            >
              Upgrade to {preflight.to}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
