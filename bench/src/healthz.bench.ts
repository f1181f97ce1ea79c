// The baseline hot path: AdPlatform's GET /healthz and /readyz against a bare
// Fastify hello-world, both served from CPU 0 while autocannon drives them from
// CPU 1, alternating targets round by round so machine noise hits all of them.
// Run: npm run bench [-- --duration 10 --warmup 3 --connections 50 --rounds 2]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { assertTaskset, type ChildServer, freePort, pinProcess, processCpuSeconds, waitUntilAnswers } from './children.js';
import { hasFailures, type LoadOptions, type Measurement, measure } from './load.js';
import { fixed, machineFacts, markdownTable, printFacts } from './report.js';
import { buildServers, launchAdPlatform, launchBaseline } from './servers.js';

const SERVER_CPU = '0';
const CLIENT_CPU = 1;

interface Target {
  label: string;
  url: string;
  server: ChildServer;
}
/** A measurement plus who was busy: server CPU per request, and server / client CPU use (1 = one core). */
type Sample = Measurement & { serverCpuUsPerRequest: number; serverCpuLoad: number; clientCpuLoad: number };

function readOptions(): LoadOptions & { warmupSeconds: number; rounds: number } {
  const { values } = parseArgs({
    options: { duration: { type: 'string' }, warmup: { type: 'string' }, connections: { type: 'string' }, rounds: { type: 'string' } },
  });
  const positive = (name: string, flag: string | undefined, fallback: number) => {
    const value = Number(flag ?? process.env[`BENCH_${name.toUpperCase()}`] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  return {
    durationSeconds: positive('duration', values.duration, 10),
    warmupSeconds: positive('warmup', values.warmup, 3),
    connections: Math.round(positive('connections', values.connections, 50)),
    rounds: Math.round(positive('rounds', values.rounds, 2)),
  };
}

async function sample(target: Target, load: LoadOptions): Promise<Sample> {
  const serverBefore = processCpuSeconds(target.server.pid);
  const clientBefore = process.cpuUsage();
  const m = await measure(target.url, load);
  const serverSeconds = processCpuSeconds(target.server.pid) - serverBefore;
  const client = process.cpuUsage(clientBefore);
  return {
    ...m,
    serverCpuUsPerRequest: (serverSeconds * 1e6) / (m.ok + m.non2xx),
    serverCpuLoad: serverSeconds / m.durationSeconds,
    clientCpuLoad: (client.user + client.system) / 1e6 / m.durationSeconds,
  };
}

const describe = (m: Sample) =>
  `${fixed(m.requestsPerSecond, 0)} req/s, p50 ${fixed(m.p50Ms, 2)} ms, p99 ${fixed(m.p99Ms, 2)} ms, ` +
  `server CPU ${fixed(m.serverCpuUsPerRequest, 1)} µs/req, CPU use server ${pct(m.serverCpuLoad)} client ${pct(m.clientCpuLoad)}` +
  (hasFailures(m) ? `, FAILURES: non-2xx ${m.non2xx}, errors ${m.errors}, timeouts ${m.timeouts} ${JSON.stringify(m.statusCodes)}` : '');

const pct = (load: number) => `${fixed(load * 100, 0)}%`;
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function printTable(targets: readonly Target[], samples: Map<Target, Sample[]>): void {
  const baseline = samples.get(targets[0]!)!;
  const rows = targets.map((target) => {
    const runs = samples.get(target)!;
    // Ratios per round (each target against the baseline of the same round), then averaged. By CPU: the
    // throughput one core could sustain, which holds even when noise kept the server off its core.
    const ratio = mean(runs.map((m, i) => m.requestsPerSecond / (baseline[i]?.requestsPerSecond ?? Number.NaN)));
    const cpuRatio = mean(runs.map((m, i) => (baseline[i]?.serverCpuUsPerRequest ?? Number.NaN) / m.serverCpuUsPerRequest));
    const failures = runs.reduce((n, m) => n + m.non2xx + m.errors + m.timeouts, 0);
    return [
      target.label,
      fixed(mean(runs.map((m) => m.requestsPerSecond)), 0),
      runs.map((m) => fixed(m.requestsPerSecond, 0)).join(' / '),
      fixed(ratio, 2),
      fixed(mean(runs.map((m) => m.p50Ms)), 2),
      fixed(mean(runs.map((m) => m.p99Ms)), 2),
      fixed(mean(runs.map((m) => m.serverCpuUsPerRequest)), 1),
      fixed(cpuRatio, 2),
      `${pct(mean(runs.map((m) => m.serverCpuLoad)))} / ${pct(mean(runs.map((m) => m.clientCpuLoad)))}`,
      String(failures),
    ];
  });
  const header = [
    'target',
    'req/s (mean)',
    'req/s per round',
    '× baseline (req/s)',
    'p50 ms',
    'p99 ms',
    'server CPU µs/req',
    '× baseline (CPU)',
    'CPU use server / client',
    'non-2xx+errors',
  ];
  console.log(`\n${markdownTable(header, rows)}\n`);
  const starved = [...samples.values()].flat().some((m) => m.serverCpuLoad < 0.9);
  if (starved) console.log('note: in some rounds a server used < 90% of its core (a busy machine); trust the CPU columns over req/s.');
}

async function main(): Promise<number> {
  const options = readOptions();
  assertTaskset();
  pinProcess(CLIENT_CPU);
  const facts = machineFacts();
  await buildServers();
  const dataDir = await mkdtemp(join(tmpdir(), 'adplatform-bench-'));
  const servers: ChildServer[] = [];
  const cleanUp = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await rm(dataDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  try {
    const [basePort, adpPort] = [await freePort(), await freePort()];
    const baseline = launchBaseline({ cpu: SERVER_CPU, port: basePort });
    servers.push(baseline);
    const adplatform = launchAdPlatform({ cpu: SERVER_CPU, port: adpPort, dataDir, logLevel: 'warn' });
    servers.push(adplatform);
    await waitUntilAnswers(`http://127.0.0.1:${basePort}/`, baseline, 30_000);
    await waitUntilAnswers(`http://127.0.0.1:${adpPort}/healthz`, adplatform, 120_000); // a first start runs PGlite's initdb
    const targets: Target[] = [
      { label: 'baseline: Fastify hello-world GET /', url: `http://127.0.0.1:${basePort}/`, server: baseline },
      { label: 'AdPlatform GET /healthz', url: `http://127.0.0.1:${adpPort}/healthz`, server: adplatform },
      { label: 'AdPlatform GET /readyz (metadata store ping)', url: `http://127.0.0.1:${adpPort}/readyz`, server: adplatform },
    ];

    console.log(`# AdPlatform hot-path benchmark\n`);
    printFacts(facts, {
      pinning: `servers on CPU ${SERVER_CPU}, autocannon on CPU ${CLIENT_CPU} (taskset)`,
      load: `${options.connections} connections, warm-up ${options.warmupSeconds} s per target, then ${options.rounds} rounds of ${options.durationSeconds} s per target`,
    });
    console.log('');
    let failed = false;
    for (const target of targets) {
      const warm = await measure(target.url, { connections: options.connections, durationSeconds: options.warmupSeconds });
      failed ||= hasFailures(warm);
      const failures = hasFailures(warm) ? `, FAILURES: ${JSON.stringify(warm.statusCodes)}, errors ${warm.errors}` : '';
      console.log(`warm-up   ${target.label}: ${fixed(warm.requestsPerSecond, 0)} req/s${failures}`);
    }
    const samples = new Map<Target, Sample[]>(targets.map((t) => [t, []]));
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of targets) {
        const m = await sample(target, options);
        samples.get(target)!.push(m);
        failed ||= hasFailures(m);
        console.log(`round ${round}   ${target.label}: ${describe(m)}`);
      }
    }
    printTable(targets, samples);
    if (failed) console.error('FAILED: some requests were not 2xx, errored or timed out (see above); the figures are not valid.');
    return failed ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

process.exitCode = await main();
