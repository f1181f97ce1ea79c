// Start-up time: from process launch to the "listening" log line, for the bare
// Fastify hello-world (baseline), AdPlatform on an empty data directory (cold:
// PGlite runs initdb, the operator is created) and on an existing one (warm).
// Runs are interleaved so machine noise hits all three; the median is reported.
// Run: node --import tsx bench/src/startup.bench.ts [--runs 3] [--cpus 0]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { assertTaskset, type ChildServer } from './children.js';
import { fixed, machineFacts, markdownTable, median, printFacts } from './report.js';
import { buildServers, LISTENING, launchAdPlatform, launchBaseline, STARTING } from './servers.js';

const TIMEOUT_MS = 120_000;

interface StartTimes {
  /** Launch → AdPlatform's "is starting" line (code loaded); NaN for the baseline. */
  loadedMs: number;
  /** Launch → "listening" line. */
  listeningMs: number;
}

async function timeStart(server: ChildServer, listening: RegExp, starting?: RegExp): Promise<StartTimes> {
  try {
    const loaded = starting ? await server.waitForLine(starting, TIMEOUT_MS) : undefined;
    const ready = await server.waitForLine(listening, TIMEOUT_MS);
    return { loadedMs: loaded ? loaded.atMs - server.launchedAtMs : Number.NaN, listeningMs: ready.atMs - server.launchedAtMs };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, cpus: { type: 'string', default: '0' } } });
  const runs = Number(values.runs);
  const cpu = values.cpus;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
  assertTaskset();
  const facts = machineFacts();
  await buildServers();
  const dirs: string[] = [];
  const times: Record<'baseline' | 'cold' | 'warm', StartTimes[]> = { baseline: [], cold: [], warm: [] };
  try {
    for (let run = 1; run <= runs; run++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'adplatform-startup-'));
      dirs.push(dataDir);
      const adplatform = () => launchAdPlatform({ cpu, port: 0, dataDir, logLevel: 'info' });
      times.baseline.push(await timeStart(launchBaseline({ cpu, port: 0 }), LISTENING.baseline));
      times.cold.push(await timeStart(adplatform(), LISTENING.adplatform, STARTING));
      times.warm.push(await timeStart(adplatform(), LISTENING.adplatform, STARTING)); // same data dir, now initialised
      const last = (kind: keyof typeof times) => fixed(times[kind].at(-1)?.listeningMs ?? Number.NaN, 0);
      console.log(`run ${run}: baseline ${last('baseline')} ms, cold ${last('cold')} ms, warm ${last('warm')} ms`);
    }
  } finally {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  }

  console.log(`\n# AdPlatform start-up benchmark\n`);
  printFacts(facts, { pinning: `servers on CPU ${cpu} (taskset)`, measured: 'process launch → log line, ms; median of the runs' });
  const row = (label: string, all: StartTimes[]) => [
    label,
    all.map((t) => fixed(t.listeningMs, 0)).join(' / '),
    fixed(median(all.map((t) => t.loadedMs)), 0),
    fixed(median(all.map((t) => t.listeningMs)), 0),
  ];
  const rows = [
    row('baseline: Fastify hello-world', times.baseline),
    row('AdPlatform cold (empty data dir: PGlite initdb)', times.cold),
    row('AdPlatform warm (existing data dir)', times.warm),
  ];
  console.log(`\n${markdownTable(['start-up', 'listening, per run', 'code loaded ("is starting")', 'listening'], rows)}\n`);
}

await main();
