import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Registry } from 'prom-client';
import { InProcessBus } from '@wirehook/bus';
import { CaptureFileReader, FrameDecoder } from '@wirehook/capture';
import { configSchema, SCHEMA_VERSION, Subjects, type LogEntry, type ScriptsChangedMessage } from '@wirehook/contracts';
import { eventually, sharedPcap } from '@wirehook/testing';
import { startWorker, type RunningWorker } from '../src';

/** pcap.path and pcap.snapshot give agents the worker's recorded traffic of a stream. */
const AGENT = `// Error pcaps
var saved = false;
function onItemCaptured(data) {
  if (!saved && data.protocol.name === "http" && data.response && data.response.status === 404) {
    saved = true;
    console.log("stream " + data.stream + " " + pcap.path(data.stream));
    console.log("snapshot " + pcap.snapshot([data.stream]));
  }
}
`;

async function countPackets(path: string): Promise<{ packets: number; ports: Set<number> }> {
  const reader = await CaptureFileReader.open(path);
  const decoder = new FrameDecoder();
  const ports = new Set<number>();
  let packets = 0;
  for await (const record of reader.records()) {
    const packet = decoder.decode(record);
    packets++;
    if (packet) ports.add(packet.src.port).add(packet.dst.port);
  }
  await reader.close();
  return { packets, ports };
}

describe('worker traffic recording', () => {
  let dir: string;
  let worker: RunningWorker | undefined;
  const bus = new InProcessBus();

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wirehook-recording-'));
  });
  afterAll(async () => {
    await worker?.close();
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands an agent the pcap of one stream and a snapshot', async () => {
    const lines: string[] = [];
    bus.subscribe<LogEntry>(Subjects.logsAll, (entry) => {
      if (entry.source === 'console') lines.push(entry.message);
    });
    // Plays the hub's part: answers the worker's request for the active agents.
    bus.reply<unknown, ScriptsChangedMessage>(Subjects.scriptsCurrent, () => ({
      v: SCHEMA_VERSION,
      agents: [{ id: 'a1', title: 'Error pcaps', source: AGENT, revision: 1 }],
    }));
    const config = configSchema.parse({
      node: { name: 'rec' },
      database: { dataDir: dir },
      tap: { pcap: sharedPcap('http-mixed.pcap'), loop: false, speed: 0 },
    });
    worker = await startWorker({ config, bus, metrics: new Registry(), logger: pino({ level: 'silent' }), version: 'test' });

    const [streamLine, snapshotLine] = await eventually(() => {
      expect(lines).toHaveLength(2);
      return lines;
    }, 30_000);
    const [, stream, streamPath] = /^stream (\d+) (.+)$/.exec(streamLine) ?? [];
    const [, snapshotPath] = /^snapshot (.+)$/.exec(snapshotLine) ?? [];
    // Copies in the agent's own data folder, where its file.* helpers can reach them.
    const agentPcaps = join(dir, 'agent-files', 'rec', 'agents', 'a1', 'pcaps');
    expect(streamPath).toBe(join(agentPcaps, `stream-${stream}.pcap`));
    expect(snapshotPath.startsWith(agentPcaps)).toBe(true);
    const one = await countPackets(streamPath);
    expect(one.packets).toBeGreaterThan(3);
    // One TCP connection: the server port and one client port.
    expect(one.ports.size).toBe(2);
    const merged = await countPackets(snapshotPath);
    expect(merged.packets).toBe(one.packets);
  }, 60_000);
});
