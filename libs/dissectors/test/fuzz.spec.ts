/**
 * Short, seeded fuzz run of the whole pipeline (reader → decoder → reassembler → dissectors).
 * The long run is `node -r ./tools/register.js tools/fuzz/pipeline.ts <iterations> [seed]`.
 */
import { readFileSync } from 'node:fs';
import { sharedPcap } from '@wirehook/testing';
import { fuzzPipeline } from './support/fuzz-harness';

const SEED = 20_261_130;
const ITERATIONS = 500;

describe('pipeline fuzzing (short run)', () => {
  it(`${ITERATIONS} mutated, truncated and random captures and streams (seed ${SEED}): no exception, no dissector failure, bounded memory`, async () => {
    const captures = ['http-mixed.pcap', 'redis.pcap', 'dns.pcap', 'postgres.pcap', 'http-wrk.pcap'].map((name) => readFileSync(sharedPcap(name)).subarray(0, 400_000));
    const report = await fuzzPipeline({ seed: SEED, iterations: ITERATIONS, captures });
    expect(report.findings).toEqual([]);
    expect(report.iterations).toBe(ITERATIONS);
    // The inputs did reach the dissectors.
    expect(report.packets).toBeGreaterThan(50_000);
    expect(report.items).toBeGreaterThan(10_000);
    expect(report.peakHeapMb).toBeLessThan(400);
  }, 60_000);
});
