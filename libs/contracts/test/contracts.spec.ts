import { agentTitle, configSchema, logLevelRank, Subjects, subjectToken } from '../src';

describe('subjects', () => {
  it('keeps node and action names from breaking the subject hierarchy', () => {
    expect(subjectToken('ip-10-0-0-7.ec2.internal')).toBe('ip-10-0-0-7_ec2_internal');
    expect(subjectToken('a*b>c d')).toBe('a_b_c_d');
    expect(subjectToken('')).toBe('_');
    expect(Subjects.items('node.1', 'http')).toBe('wirehook.items.node_1.http');
    expect(Subjects.hubAction('slow request')).toBe('wirehook.hub.actions.slow_request');
  });
});

describe('agentTitle', () => {
  it.each([
    ['// Slack on 5xx\nvar a;', 'x.js', 'Slack on 5xx'],
    ['\uFEFF  // spaced title  \n', 'x.js', 'spaced title'],
    ['/*\n * Block title\n */\nvar a;', 'x.js', 'Block title'],
    ['/// triple slash\n', 'x.js', 'triple slash'],
    ['var a; // not first\n', 'dir/my-agent.js', 'my-agent'],
    ['//\nvar a;', 'empty.js', 'empty'],
  ])('%j in %s → %s', (source, file, title) => {
    expect(agentTitle(source, file)).toBe(title);
  });
});

describe('configuration schema', () => {
  it('fills every default from an empty document', () => {
    const config = configSchema.parse({});
    expect(config.nats.itemsStream).toMatchObject({ enabled: true, name: 'WIREHOOK_ITEMS' });
    expect(config.tap.recording.enabled).toBe(true);
    expect(config.kubernetes.enabled).toBe(false);
  });

  it('reads scripting.env values as strings', () => {
    expect(configSchema.parse({ scripting: { env: { A: 1, B: true, C: 'x' } } }).scripting.env).toEqual({ A: '1', B: 'true', C: 'x' });
  });

  it('orders log levels by severity', () => {
    expect(logLevelRank('debug')).toBeLessThan(logLevelRank('info'));
    expect(logLevelRank('warn')).toBeLessThan(logLevelRank('error'));
  });
});
