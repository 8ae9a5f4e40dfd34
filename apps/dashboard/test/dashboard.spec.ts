import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { Item } from '@wirehook/contracts';
import { eventually, startWebhookReceiver, type WebhookReceiver } from '@wirehook/testing';
import { launchBrowser, screenshotPath, signIn, type TestBrowser } from './support/browser';
import { startE2eHub, type E2eHub } from './support/e2e-hub';
import { builtWebhookPlugin } from './support/plugin-folder';

const FLOW_TITLE = '5xx to webhook';

/** The dashboard in Debian Chromium against a real hub and a worker replaying http-mixed.pcap (a 500 every 2.7 s lap). */
describe('dashboard in a browser', () => {
  let hub: E2eHub;
  let browser: TestBrowser;
  let page: Page;
  let receiver: WebhookReceiver;
  let scratch: string;

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(hub.url + path, {
      method,
      headers: { Authorization: `Bearer ${hub.adminToken}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const node = (id: string): Locator => page.locator(`[data-testid="flow-node"][data-node-id="${id}"]`);
  const connect = (from: string, fromPort: string, to: string, toPort: string) =>
    node(from).getByTestId(`handle-out-${fromPort}`).dragTo(node(to).getByTestId(`handle-in-${toPort}`));
  const goTo = async (nav: string) => {
    await page.getByTestId(`nav-${nav}`).click();
  };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'wirehook-dashboard-test-'));
    receiver = await startWebhookReceiver();
    hub = await startE2eHub({ env: { WEBHOOK_URL: receiver.url } });
    browser = await launchBrowser();
    page = browser.page;
  });

  // Every test leaves a screenshot of where it ended (a test artifact; a failure shows what the page showed).
  afterEach(async () => {
    const name = (expect.getState().currentTestName ?? 'test').replace(/^dashboard in a browser /, '');
    await page?.screenshot({ path: screenshotPath(name.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60).replace(/-+$/, '')) });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await receiver?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('signs in with a pasted API token and refuses an unknown one', async () => {
    await page.goto(hub.url);
    await page.getByTestId('token-input').fill('whk_not-a-token');
    await page.getByTestId('sign-in').click();
    await page.getByText('The hub does not know this token').waitFor();
    await signIn(page, hub.url, hub.adminToken);
    // The token stays in this browser: a reload keeps the session.
    await page.reload();
    await page.getByTestId('nav-agents').waitFor();
  });

  it('installs the webhook plugin from the Plugins page and shows it compatible', async () => {
    const folder = builtWebhookPlugin(join(scratch, 'plugin-webhook'));
    await goTo('plugins');
    await page.getByTestId('plugin-source-kind').selectOption('folder');
    await page.getByTestId('plugin-source').fill(folder);
    await page.getByTestId('plugin-install-submit').click();
    await page.getByTestId('plugin-message').getByText('Installed @wirehook/plugin-webhook@1.0.0').waitFor();
    const row = page.locator('[data-testid="plugin-row"][data-name="@wirehook/plugin-webhook"]');
    await row.getByText('compatible').waitFor();
    expect(await row.textContent()).toContain('vendor.webhook(method, url, body, headers)');
  });

  it('builds a flow by drag and drop, refuses a wrong wire, saves it, and its calls reach the Console and a real webhook receiver', async () => {
    await goTo('flows');
    await page.getByTestId('new-flow').click();
    const canvas = page.getByTestId('flow-canvas');
    await canvas.waitFor();
    await page.getByTestId('palette-action.vendor.webhook').waitFor();
    await page.getByTestId('flow-title').fill(FLOW_TITLE);
    await page.getByTestId('palette-trigger.onItemCaptured').dragTo(canvas, { targetPosition: { x: 40, y: 60 } });
    await page.getByTestId('palette-logic.filterField').dragTo(canvas, { targetPosition: { x: 120, y: 240 } });
    await page.getByTestId('palette-action.console.log').dragTo(canvas, { targetPosition: { x: 200, y: 420 } });
    await page.getByTestId('palette-action.vendor.webhook').dragTo(canvas, { targetPosition: { x: 300, y: 600 } });
    for (const id of ['onItemCaptured1', 'filterField1', 'log1', 'webhook1']) await node(id).waitFor();

    await connect('onItemCaptured1', 'out', 'filterField1', 'in');
    await connect('filterField1', 'out', 'log1', 'in');
    await connect('log1', 'out', 'webhook1', 'in');
    await eventually(async () => expect(await page.locator('.react-flow__edge').count()).toBe(3));
    // An unconfigured filter is flagged on the node itself.
    expect(await node('filterField1').getByTestId('node-issues').textContent()).toContain('parameter "path" is required');

    // A wire back to the filter would make a cycle: refused, with the reason, and no edge added.
    await connect('webhook1', 'out', 'filterField1', 'in');
    await page.getByTestId('connection-refused').getByText('cycle').waitFor();
    expect(await page.locator('.react-flow__edge').count()).toBe(3);

    await node('filterField1').click();
    await page.getByTestId('param-path').fill('response.status');
    await page.getByTestId('param-operator').selectOption({ label: '>=' });
    await page.getByTestId('param-value').fill('500');
    await node('log1').click();
    await page.getByTestId('param-message').fill('5xx {{data.request.method}} {{data.request.path}} {{data.response.status}}');
    await node('webhook1').click();
    await page.getByTestId('param-method').fill('POST');
    await page.getByTestId('param-url').fill('{{env.WEBHOOK_URL}}');
    await page.getByTestId('param-body').fill('{"id": "{{data.id}}", "timestamp": "{{data.timestamp}}", "status": "{{data.response.status}}", "path": "{{data.request.path}}"}');
    await eventually(async () => expect(await page.getByTestId('node-issue-badge').count()).toBe(0));

    await page.getByTestId('auto-layout').click();
    await page.getByTestId('tab-code').click();
    // CodeMirror renders only the lines in view: the whole generated source is on the preview's data-source.
    await eventually(async () => {
      const preview = await page.getByTestId('code-preview').getAttribute('data-source');
      expect(preview).toContain(`// ${FLOW_TITLE}`);
      expect(preview).toMatch(/\["response", "status"\]\), ">=", 500/);
      expect(preview).toContain('vendor.webhook(');
    });
    await page.getByTestId('tab-node').click();
    await node('filterField1').click();
    await page.screenshot({ path: screenshotPath('flow-editor') });

    await page.getByTestId('save-flow').click();
    await page.getByTestId('flow-message').getByText('Saved revision').waitFor();
    expect(page.url()).toMatch(/\/flows\/[0-9a-f-]{36}$/);

    // The generated agent runs on the worker: its console lines reach the Console page…
    await goTo('console');
    await page.getByTestId('console-connection').getByText('open').waitFor();
    await eventually(async () => expect(await page.getByTestId('console-agent').locator('option').allTextContents()).toContain(FLOW_TITLE), 20_000);
    await page.getByTestId('console-agent').selectOption(FLOW_TITLE);
    await page.getByTestId('console-lines').getByText('5xx GET /status/500 500').first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: screenshotPath('console') });

    // …and vendor.webhook reaches the receiver: one call per 5xx item the hub saw, none for the others.
    await eventually(() => expect(receiver.calls.length).toBeGreaterThanOrEqual(2), 20_000);
    const received = receiver.calls.map((c) => c.body as { id: string; timestamp: number; status: number; path: string });
    expect(receiver.calls.every((c) => c.method === 'POST' && c.path === '/hook')).toBe(true);
    expect(received.every((b) => b.status >= 500 && b.path === '/status/500')).toBe(true);
    const keys = received.map((b) => `${b.id}@${b.timestamp}`);
    expect(new Set(keys).size).toBe(keys.length);
    const first = Math.min(...received.map((b) => b.timestamp));
    const last = Math.max(...received.map((b) => b.timestamp));
    const seen = await api<Item[]>('GET', `/api/items?limit=2000&q=${encodeURIComponent('response.status >= 500')}`);
    const expected = seen.filter((i) => i.timestamp >= first && i.timestamp <= last).map((i) => `${i.id}@${i.timestamp}`);
    expect([...keys].sort()).toEqual(expect.arrayContaining(expected.sort()));
    expect(keys.filter((k) => !expected.includes(k))).toEqual([]);
  });

  it('dry-runs the saved flow against a capture and lists every recorded call in order', async () => {
    await goTo('flows');
    await page.getByTestId('flow-row').filter({ hasText: FLOW_TITLE }).click();
    await page.getByTestId('tab-dry-run').click();
    await page.getByTestId('dry-run-capture').selectOption('demo-http.pcap');
    await page.getByTestId('dry-run-start').click();
    const calls = page.getByTestId('dry-run-calls').locator('li');
    await calls.first().waitFor();
    const helpers = await calls.evaluateAll((items) => items.map((li) => li.getAttribute('data-helper')));
    expect(helpers.length).toBeGreaterThanOrEqual(2);
    expect(helpers.length % 2).toBe(0);
    for (let i = 0; i < helpers.length; i += 2) expect(helpers.slice(i, i + 2)).toEqual(['console.log', 'vendor.webhook']);
    const firstCall = await calls.first().textContent();
    expect(firstCall).toContain('console.log("5xx GET /status/500 500")');
    expect(firstCall).toContain('→ 500');
    await calls.nth(1).locator('button').click();
    expect(await calls.nth(1).locator('pre').textContent()).toContain('<env.WEBHOOK_URL>');
    await page.screenshot({ path: screenshotPath('dry-run') });
  });

  it('undoes, redoes, copies, pastes and deletes on the canvas; a stale save gets the conflict message', async () => {
    await page.getByTestId('tab-node').click();
    const count = () => page.getByTestId('flow-node').count();
    expect(await count()).toBe(4);
    await node('log1').click();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await eventually(async () => expect(await count()).toBe(5));
    await node('log2').waitFor();
    await page.keyboard.press('Delete');
    await eventually(async () => expect(await count()).toBe(4));
    await page.getByTestId('undo').click();
    await eventually(async () => expect(await count()).toBe(5));
    await page.getByTestId('redo').click();
    await eventually(async () => expect(await count()).toBe(4));

    // Someone else saves the flow meanwhile…
    const flowId = page.url().split('/').pop() as string;
    const stored = await api<{ revision: number; graph: { title: string } }>('GET', `/api/flows/${flowId}`);
    await api('PUT', `/api/flows/${flowId}`, { graph: { ...stored.graph, description: 'changed elsewhere' }, baseRevision: stored.revision });
    // …so this save is based on a stale revision.
    await node('log1').click();
    await page.getByTestId('param-message').fill('5xx seen: {{data.request.path}}');
    await page.getByTestId('save-flow').click();
    await page.getByTestId('flow-message').getByText('Conflict: someone else saved this flow').waitFor();
    await page.getByTestId('conflict-load').click();
    await page.getByTestId('flow-message').getByText(`Loaded revision ${stored.revision + 1}`).waitFor();
  });

  it('exports the flow as JSON and imports it back, offering the plugins it lacks', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
    expect(download.suggestedFilename()).toBe('5xx-to-webhook.flow.json');
    const document = JSON.parse(readFileSync(await download.path(), 'utf8')) as { format: string; requires: Record<string, string>; graph: { title: string; nodes: unknown[] } };
    expect(document).toMatchObject({ format: 'wirehook-flow', requires: { '@wirehook/plugin-webhook': '^1.0.0' }, graph: { title: FLOW_TITLE } });
    expect(document.graph.nodes).toHaveLength(4);

    // The same flow, as if made where a Slack plugin was installed too.
    document.requires['@wirehook/plugin-slack'] = '^1.0.0';
    document.graph.title = 'Imported 5xx flow';
    const file = join(scratch, 'imported.flow.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    await page.getByTestId('import-file').setInputFiles(file);
    const dialog = page.getByTestId('import-dialog');
    await dialog.waitFor();
    const missing = await dialog.getByTestId('import-missing').textContent();
    expect(missing).toContain('@wirehook/plugin-slack@^1.0.0');
    expect(missing).not.toContain('plugin-webhook');
    await dialog.getByRole('button', { name: 'Install' }).waitFor();
    await page.getByTestId('import-open').click();
    await eventually(async () => expect(await page.getByTestId('flow-title').inputValue()).toBe('Imported 5xx flow'));
    expect(await page.getByTestId('flow-node').count()).toBe(4);
    await page.getByText('unsaved').waitFor();
  });

  it('checks a plugin upgrade with the preflight list before upgrading', async () => {
    const folder = builtWebhookPlugin(join(scratch, 'plugin-webhook-1.1.0'), '1.1.0');
    await goTo('plugins');
    const row = page.locator('[data-testid="plugin-row"][data-name="@wirehook/plugin-webhook"]');
    await row.getByTestId('plugin-upgrade').click();
    const panel = page.getByTestId('plugin-upgrade-panel');
    await panel.getByTestId('plugin-source-kind').selectOption('folder');
    await panel.getByTestId('plugin-source').fill(folder);
    await panel.getByTestId('plugin-preflight').click();
    const preflight = panel.getByTestId('plugin-preflight-result');
    await preflight.waitFor();
    // The saved flow and its generated agent call vendor.webhook.
    expect(await preflight.textContent()).toContain(FLOW_TITLE);
    expect(await preflight.textContent()).toContain('1.0.0 → 1.1.0');
    await panel.getByTestId('plugin-upgrade-confirm').click();
    await page.getByTestId('plugin-message').getByText('Upgraded @wirehook/plugin-webhook to 1.1.0').waitFor();
    await row.getByText('1.1.0').waitFor();
  });

  it('shows an ES5 error of an agent inline, on its line, and refuses to save it', async () => {
    await goTo('agents');
    await page.getByTestId('new-agent').click();
    const editor = page.getByTestId('agent-source').locator('.cm-content');
    await editor.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(['// Arrow agent', 'function onItemCaptured(data) {', '  var path = () => data.request.path;', '}', ''].join('\n'));
    const diagnostic = page.getByTestId('diagnostics').locator('li');
    await diagnostic.first().waitFor();
    expect(await diagnostic.first().getAttribute('data-line')).toBe('3');
    // The mark sits in the editor's third line.
    await page.locator('.cm-lintRange-error').first().waitFor();
    const markedLine = await page.locator('.cm-lintRange-error').first().evaluate((mark) => {
      const line = mark.closest('.cm-line');
      return line ? Array.from(line.parentElement?.children ?? []).indexOf(line) + 1 : -1;
    });
    expect(markedLine).toBe(3);
    expect(await page.getByTestId('save-agent').isDisabled()).toBe(true);
    await page.screenshot({ path: screenshotPath('agent-es5-error') });

    await editor.click();
    await page.keyboard.press('Control+a');
    await page.keyboard.insertText(['// ES5 agent', 'function onItemCaptured(data) {', '  var path = data.request && data.request.path;', '}', ''].join('\n'));
    await eventually(async () => expect(await diagnostic.count()).toBe(0));
    await eventually(async () => expect(await page.getByTestId('save-agent').isDisabled()).toBe(false));
  });

  it('creates an agent from an example, activates it and shows its console output; revisions diff and roll back', async () => {
    await goTo('agents');
    await page.getByTestId('example-select').selectOption({ label: 'HTTP errors' });
    await page.getByTestId('example-create').click();
    await page.getByTestId('agent-title').getByText('HTTP errors').waitFor();
    await page.getByTestId('activate').click();
    await page.getByTestId('deactivate').waitFor();

    await goTo('console');
    await eventually(async () => expect(await page.getByTestId('console-agent').locator('option').allTextContents()).toContain('HTTP errors'), 20_000);
    await page.getByTestId('console-agent').selectOption('HTTP errors');
    await page.getByTestId('console-lines').getByText('GET /status/404 -> 404 Not Found').first().waitFor({ timeout: 20_000 });

    await goTo('agents');
    await page.getByTestId('agent-row').filter({ hasText: 'HTTP errors' }).click();
    const editor = page.getByTestId('agent-source').locator('.cm-content');
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('// edited in the dashboard\n');
    await page.getByTestId('save-agent').click();
    await page.getByTestId('agent-message').getByText('Saved as revision 3').waitFor();
    await page.getByTestId('diff-1').click();
    await page.getByTestId('diff').getByText('// edited in the dashboard').waitFor();
    await page.getByTestId('rollback-1').click();
    await page.getByText('revision 4').first().waitFor();
    expect(await editor.textContent()).not.toContain('edited in the dashboard');
  });

  it('filters the Live view with the filter language, reports a bad filter, and shows an item', async () => {
    await goTo('live');
    const rows = page.getByTestId('live-item');
    await rows.first().waitFor();
    await page.getByTestId('live-filter').fill('http and response.status >= 500');
    await eventually(async () => {
      const responses = await page.getByTestId('live-item-response').allTextContents();
      expect(responses.length).toBeGreaterThan(0);
      expect(responses.filter((text) => !text.startsWith('500'))).toEqual([]);
    }, 15_000);
    await rows.first().click();
    await page.getByTestId('item-detail').getByText('/status/500').first().waitFor();
    await page.getByTestId('item-tab-response').click();
    await page.getByTestId('item-detail').getByText('Internal Server Error').first().waitFor();

    await page.getByTestId('live-filter').fill('response.status >=');
    await page.getByTestId('filter-error').waitFor();
    expect(await page.getByTestId('filter-error').textContent()).toMatch(/^Column \d+:/);
  });

  it('lists jobs per node, runs one, and stops and starts the scheduler', async () => {
    await api('POST', '/api/agents', {
      source: "// Nightly report\njobs.schedule('report', '0 0 3 * * *', function () { console.log('report from ' + utils.nodeName()); });\n",
    });
    await goTo('jobs');
    const hubNode = page.locator('[data-testid="job-node"][data-node="hub"]');
    const job = hubNode.locator('[data-testid="job-row"][data-tag="report"]');
    await job.waitFor({ timeout: 15_000 });
    expect(await job.textContent()).toContain('0 0 3 * * *');
    await job.getByTestId('job-run').click();
    await page.getByTestId('jobs-message').getByText('ran on hub and passed').waitFor();
    await page.locator('[data-testid="job-node"][data-node="e2e-worker"] [data-testid="job-row"][data-tag="report"]').waitFor();
    await hubNode.getByTestId('scheduler-toggle').click();
    await hubNode.getByTestId('scheduler-state').getByText('stopped').waitFor();
    await hubNode.getByTestId('scheduler-toggle').click();
    await hubNode.getByTestId('scheduler-state').getByText('running').waitFor();
  });

  it('raised no error in the page besides the refusals the tests asked for', () => {
    // A wrong token (401) and a stale save (409) are logged by Chromium as failed requests.
    const expected = /Failed to load resource: the server responded with a status of (401|409)/;
    expect(browser.pageErrors.filter((e) => !expected.test(e))).toEqual([]);
  });
});
