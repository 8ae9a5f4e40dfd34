import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { createPluginTestKit, type PluginHost, type PluginTestKit } from '@wirehook/plugin-sdk';
import { eventually } from '@wirehook/testing';
import * as plugin from '../src';
import { agent, makeDataDir, startAgentHost, type AgentHost } from '@wirehook/testing/agent-host';
import { FakeSlack } from './fake-slack';

const TOKEN = 'xoxb-test-token-1234';
const item = (n: number, extra: Record<string, unknown> = {}) => ({
  json: [JSON.stringify({ index: n, namespace: 'shop', request: { method: 'GET', path: `/orders/${n}` }, response: { status: 503 }, dst: { name: 'orders' }, ...extra })],
});

describe('@wirehook/plugin-slack', () => {
  const slack = new FakeSlack(new Set([TOKEN]), new Map([['#alerts', 'C0ALERTS'], ['C0ALERTS', 'C0ALERTS']]));
  let kit: PluginTestKit;
  let plugins: PluginHost;
  let agents: AgentHost;

  beforeAll(async () => {
    await slack.start();
    const { dataDir, filesRoot } = makeDataDir();
    kit = createPluginTestKit({
      packageJson: join(__dirname, '..', 'package.json'),
      module: plugin,
      settings: { apiUrl: slack.apiUrl, delivery: { timeoutMs: 2000, retries: 2, backoffMs: 10, maxBackoffMs: 50 } },
      filesRoot,
    });
    plugins = await kit.host({ metrics: new Registry() });
    agents = startAgentHost(plugins, { dataDir });
  });

  afterAll(async () => {
    await agents.close();
    await kit.close();
    await slack.stop();
  });

  it('has a manifest the host accepts; the webhook URL and token are secret parameters', () => {
    expect(kit.compatibility({ version: '0.1.0' })).toEqual([]);
    const secrets = kit.manifest.helpers.flatMap((h) => h.parameters.filter((p) => p.secret).map((p) => `${h.name}:${p.name}`));
    expect(secrets).toEqual(['vendor.slack:webhookUrl', 'vendor.slackBot:token']);
    expect(kit.validate('vendor.slackBot', [TOKEN, '#alerts', 'a', 'b', 'red', 'not fields'])).toMatchObject({ ok: false, problems: expect.arrayContaining(['argument 6 (fields) must match exactly one schema in oneOf']) });
  });

  it('an agent posts to an incoming webhook: one JSON attachment with pretext, text and color', async () => {
    await agents.runtime.load(
      agent('Slack on 5xx', `function onItemCaptured(data) {
        var queued = vendor.slack('${slack.webhookUrl()}', 'HTTP ' + data.response.status + ' from ' + data.dst.name, data.request.method + ' ' + data.request.path, '#ff0000');
        console.log('queued: ' + queued);
      }`),
    );
    await agents.runtime.onItemsCaptured(item(1));
    await eventually(() => expect(slack.calls.filter((c) => c.path.startsWith('/services/'))).toHaveLength(1));
    const [call] = slack.calls.filter((c) => c.path.startsWith('/services/'));
    expect(call.method).toBe('POST');
    expect(call.path).toBe('/services/T000/B000/secret');
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.fields).toEqual({ attachments: [{ pretext: 'HTTP 503 from orders', text: 'GET /orders/1', color: '#ff0000' }] });
    expect(agents.console('Slack on 5xx')).toEqual(['queued: true']);
    await agents.runtime.unload('Slack-on-5xx.js');
  });

  it('retries a rate-limited webhook post, and does not retry a 500 (the message may have been posted)', async () => {
    slack.webhookFailures.push(429, 429);
    await kit.call('vendor.slack', [slack.webhookUrl('T1/B1/rate'), 'p', 't', 'good']).catch(() => undefined); // one direct attempt: 429
    const bridge = plugins.helpers().slack;
    const caller = { agentId: 'a', agentTitle: 'Retrier', nodeName: 'test', signal: new AbortController().signal };
    await expect(bridge([slack.webhookUrl('T1/B1/rate'), 'p', 't', 'good'], caller)).resolves.toBe(true);
    await eventually(() => expect(plugins.stats()[0].agents.find((a) => a.agent === 'Retrier')).toMatchObject({ sent: 1, retried: 1 }));
    slack.webhookFailures.push(500);
    await bridge([slack.webhookUrl('T1/B1/fail'), 'p', 't', 'good'], caller);
    await eventually(() => expect(plugins.stats()[0].agents.find((a) => a.agent === 'Retrier')).toMatchObject({ sent: 1, retried: 1, failed: 1 }));
    expect(slack.calls.filter((c) => c.path === '/services/T1/B1/fail')).toHaveLength(1);
    expect(kit.logs.some((l) => l.agent === 'Retrier' && l.level === 'error' && l.message.includes('vendor.slack: Slack incoming webhook: '))).toBe(true);
    // The webhook URL is a credential: it never appears in what is logged.
    expect(kit.logs.filter((l) => l.message.includes('T1/B1/fail'))).toEqual([]);
  });

  it('an agent posts through the Web API with fields and uploads its file to the channel', async () => {
    await agents.runtime.load(
      agent('Bot', `function onItemCaptured(data) {
        var report = file.temp('report', '', 'txt');
        file.write(report, 'slow call to ' + data.request.path);
        vendor.slackBot('${TOKEN}', '#alerts', 'Slow call', data.request.path, 'warning', { Namespace: data.namespace, Elapsed: data.elapsedTime }, { 'report.txt': report });
      }`),
    );
    await agents.runtime.onItemsCaptured(item(2, { elapsedTime: 1500 }));
    await eventually(() => expect(slack.api('files.completeUploadExternal')).toHaveLength(1));
    const [post] = slack.api('chat.postMessage');
    expect(post.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post.fields).toMatchObject({
      channel: '#alerts',
      text: 'Slow call',
      attachments: [
        {
          pretext: 'Slow call',
          text: '/orders/2',
          color: 'warning',
          fields: [
            { title: 'Namespace', value: 'shop', short: true },
            { title: 'Elapsed', value: '1500', short: true },
          ],
        },
      ],
    });
    const [getUrl] = slack.api('files.getUploadURLExternal');
    expect(getUrl.fields).toMatchObject({ filename: 'report.txt', length: String('slow call to /orders/2'.length) });
    const [complete] = slack.api('files.completeUploadExternal');
    expect(complete.fields.channel_id).toBe('C0ALERTS');
    const uploaded = [...slack.uploads.values()].find((u) => u.filename === 'report.txt');
    expect(uploaded?.bytes.toString('utf8')).toBe('slow call to /orders/2');
    await agents.runtime.unload('Bot.js');
  });

  it('refuses files outside the agents folder and reports Slack errors without retrying them', async () => {
    const outside = join(agents.filesRoot, '..', 'outside.txt');
    mkdirSync(agents.filesRoot, { recursive: true });
    writeFileSync(outside, 'host secret');
    await expect(kit.call('vendor.slackBot', [TOKEN, '#alerts', 'p', 't', 'good', {}, [outside]])).rejects.toThrow('is outside the agents\' files folder');
    await expect(kit.call('vendor.slackBot', [TOKEN, '#nowhere', 'p', 't', 'good'])).rejects.toMatchObject({ message: 'Slack chat.postMessage: channel_not_found', retryable: false });
    await expect(kit.call('vendor.slackBot', ['xoxb-wrong', '#alerts', 'p', 't', 'good'])).rejects.toMatchObject({ message: 'Slack chat.postMessage: invalid_auth', retryable: false });
    expect([...slack.uploads.values()].some((u) => u.bytes.toString() === 'host secret')).toBe(false);
  });
});
