/**
 * Long fuzz run of the whole capture → dissection pipeline (the suite runs a short one).
 *
 *   node -r ./tools/register.js tools/fuzz/pipeline.ts <iterations> [seed]
 *
 * Prints progress and every finding (with the iteration, so `seed` + iteration reproduce it);
 * exits 1 when there was any finding.
 */
import { readFileSync } from 'node:fs';
import { sharedPcap } from '@wirehook/testing';
import { fuzzPipeline } from '../../libs/dissectors/test/support/fuzz-harness';

async function main(): Promise<void> {
  const iterations = Number(process.argv[2] ?? 10_000);
  const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
  if (!Number.isInteger(iterations) || iterations <= 0 || !Number.isInteger(seed)) {
    console.error('usage: tools/fuzz/pipeline.ts <iterations> [seed]');
    process.exitCode = 2;
    return;
  }
  const captures = ['http-mixed.pcap', 'redis.pcap', 'dns.pcap', 'postgres.pcap', 'http-wrk.pcap'].map((name) => readFileSync(sharedPcap(name)).subarray(0, 400_000));
  console.log(`fuzzing ${iterations} iterations, seed ${seed}`);
  const started = Date.now();
  let reported = 0;
  const report = await fuzzPipeline({
    seed,
    iterations,
    captures,
    onIteration: (iteration, r) => {
      for (; reported < r.findings.length; reported++) console.log(`FINDING at iteration ${r.findings[reported].iteration} (${r.findings[reported].kind}):\n${r.findings[reported].error}`);
      if ((iteration + 1) % 500 === 0) {
        console.log(`${iteration + 1}/${iterations}: ${r.packets} packets, ${r.items} items, ${r.findings.length} findings, heap peak ${r.peakHeapMb.toFixed(0)} MB, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
    },
  });
  console.log(`done: ${report.iterations} iterations, ${report.packets} packets, ${report.items} items, ${report.findings.length} findings, heap peak ${report.peakHeapMb.toFixed(0)} MB`);
  if (report.findings.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
