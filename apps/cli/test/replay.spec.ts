import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, sharedPcap } from '@wirehook/testing';

function wirehook(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--no-node-snapshot', join(repoRoot(), 'bin', 'wirehook.js'), ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'wirehook-replay-')),
    env: { ...process.env, NATS_URL: '', DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function agentFile(source: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wirehook-agent-')), 'agent.js');
  writeFileSync(file, source);
  return file;
}

describe('wirehook replay', () => {
  it('prints one item per line as NDJSON and a summary on stderr', () => {
    const { status, stdout, stderr } = wirehook(['replay', sharedPcap('http-mixed.pcap'), '--emit', 'items']);
    expect(status).toBe(0);
    const items = stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; protocol: { name: string } });
    expect(items).toHaveLength(21);
    expect(new Set(items.map((i) => i.id)).size).toBe(21);
    expect(items.every((i) => i.protocol.name === 'http')).toBe(true);
    expect(stderr).toMatch(/: 193 packets, 21 items, \d+ errors, 0 drops in [\d.]+ s/);
  });

  it('runs agents over every packet and item at full speed', () => {
    const agent = agentFile('// Counter\nfunction onPacketCaptured(info) { console.log("packet " + info.transport); }\nfunction onItemCaptured(data) { console.log("item " + data.protocol.name + " " + data.request.questions[0].name); }\n');
    const { status, stdout, stderr } = wirehook(['replay', sharedPcap('dns.pcap'), '--agents', agent, '--node', 'n1']);
    expect(status).toBe(0);
    expect(stdout.match(/\[n1\] \[Counter\] packet (udp|tcp)$/gm)).toHaveLength(18);
    expect(stdout.match(/\[n1\] \[Counter\] item dns \S+$/gm)).toHaveLength(5);
    expect(stderr).toContain('18 packets, 5 items, 0 errors, 1 agent(s)');
  });

  it('keeps the original timing with --speed realtime, so jobs fire as they would live', () => {
    const agent = agentFile('// Ticker\nvar items = 0;\nfunction onItemCaptured(data) { items++; }\njobs.schedule("tick", "* * * * * *", function () { console.log("tick " + items); });\n');
    const started = Date.now();
    const { status, stdout } = wirehook(['replay', sharedPcap('http-mixed.pcap'), '--agents', agent, '--speed', 'realtime']);
    expect(status).toBe(0);
    // The capture spans 2.66 s: replaying it takes about as long, and the every-second job runs meanwhile.
    expect(Date.now() - started).toBeGreaterThan(2_500);
    const ticks = stdout.match(/\[Ticker\] tick \d+$/gm) ?? [];
    expect(ticks.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses an agent that is not ES5, naming file, line and column', () => {
    const agent = agentFile('// Bad\nfunction onItemCaptured(data) {\n  const x = 1;\n}\n');
    const { status, stderr } = wirehook(['replay', sharedPcap('dns.pcap'), '--agents', agent]);
    expect(status).toBe(1);
    expect(stderr).toMatch(new RegExp(`${agent.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:3: `));
  });

  it('refuses a file that is not a capture', () => {
    const { status, stderr } = wirehook(['replay', agentFile('not a pcap')]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/not a pcap or pcapng file/);
  });
});
