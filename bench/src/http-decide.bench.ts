// The Decision API over HTTP: POST /v1/decisions with one placement against a catalog of active line
// items, next to the bare Fastify hello-world in the same run. Servers on CPU 0, the load from CPU 1.
// Phase 1: as fast as possible (autocannon), alternating baseline and decisions round by round; each round also
// measures the same decisions through Fastify's route (a cookie that is no session makes the fast path of
// apps/server/src/delivery/decisions/decisions-fast-path.ts stand aside), so the two paths compare in one run.
// Phase 2: decisions at an even half of the measured maximum rate, for latency at half load.
// Run: npm run bench:http-decide [-- --duration 10 --warmup 3 --connections 50 --rounds 2 --line-items 1000]
//      add --cpu-prof <dir> to write a V8 CPU profile of the AdPlatform process there, and --route off to leave
//      Fastify's route out of the rounds (a profile of the fast path alone); --bundle <file> runs another build of
//      AdPlatform (e.g. a variant built elsewhere, for an A/B against this tree's bundle); --server-flags="<node flags>"
//      starts AdPlatform with extra Node/V8 flags (e.g. --server-flags="--trace-gc --trace-gc-nvp"; the = is needed) and --server-log <file> appends
//      everything it prints to a file (to read such a trace); --half-rate <req/s> fixes the paced run's rate (A/B runs).
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  assertTaskset,
  type ChildServer,
  freePort,
  pinProcess,
  processCpuSeconds,
  processSyscalls,
  startPinned,
  threadCpuSeconds,
  waitUntilAnswers,
} from './children.js';
import { KEYWORDS, type SeededCatalog, seedCatalog } from './http-decide-seed.js';
import { hasFailures, type Measurement, measure, type RequestShape } from './load.js';
import { measureAtRate } from './paced-load.js';
import { fixed, machineFacts, markdownTable, printFacts } from './report.js';
import { BUNDLE, buildServers, cleanEnv, launchAdPlatform, launchBaseline, REPO_ROOT } from './servers.js';

const SERVER_CPU = '0';
const CLIENT_CPU = 1;
export const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  rounds: number;
  lineItems: number;
  users: number;
  cpuProfDir: string | undefined;
  /** Whether each round also measures Fastify's route (`--route off` leaves it out, e.g. for a profile of the fast path alone). */
  route: boolean;
  /** Another AdPlatform bundle to run instead of this tree's (`--bundle`); its worker entries beside it. */
  bundle: string | undefined;
  /** Extra Node/V8 flags for the AdPlatform process (`--server-flags`, split on spaces). */
  serverFlags: string[];
  /** A file that receives every line AdPlatform prints (`--server-log`). */
  serverLog: string | undefined;
  /** The paced run's rate instead of half the measured maximum (`--half-rate`), for A/B runs at one rate. */
  halfRate: number | undefined;
}

function readOptions(): Options {
  const names = [
    ...['duration', 'warmup', 'connections', 'rounds', 'line-items', 'users', 'cpu-prof', 'route', 'bundle'],
    ...['server-flags', 'server-log', 'half-rate'],
  ] as const;
  const { values } = parseArgs({ options: Object.fromEntries(names.map((n) => [n, { type: 'string' }])) });
  const positive = (name: (typeof names)[number], fallback: number) => {
    const value = Number(values[name] ?? process.env[`BENCH_${name.replace('-', '_').toUpperCase()}`] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  const cpuProf = values['cpu-prof'];
  const route = values.route ?? 'on';
  if (route !== 'on' && route !== 'off') throw new Error('--route must be on or off');
  return {
    route: route === 'on',
    durationSeconds: positive('duration', 10),
    warmupSeconds: positive('warmup', 3),
    connections: Math.round(positive('connections', 50)),
    rounds: Math.round(positive('rounds', 2)),
    lineItems: Math.round(positive('line-items', 1000)),
    users: Math.round(positive('users', 20_000)),
    cpuProfDir: typeof cpuProf === 'string' ? resolve(cpuProf) : undefined,
    bundle: typeof values.bundle === 'string' ? resolve(values.bundle) : undefined,
    serverFlags: (values['server-flags'] ?? '').split(' ').filter((flag) => flag !== ''),
    serverLog: typeof values['server-log'] === 'string' ? resolve(values['server-log']) : undefined,
    halfRate: values['half-rate'] === undefined ? undefined : positive('half-rate', 1),
  };
}

/** The server's Prometheus text. A scrape resets prom-client's event-loop histogram: read what you need from one. */
const scrape = async (baseUrl: string) => (await fetch(`${baseUrl}/metrics`)).text();

/** One sample's value in Prometheus text (`series` = name with its labels, as printed); undefined when absent. */
function metricOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/**
 * The server's event-loop delay since the last scrape, from prom-client's `monitorEventLoopDelay`
 * histogram (which each scrape resets): how long the loop was blocked at worst.
 */
async function eventLoopDelay(baseUrl: string): Promise<{ p99Ms: number; maxMs: number }> {
  const text = await scrape(baseUrl);
  const ms = (name: string) => (metricOf(text, name) ?? Number.NaN) * 1000;
  return { p99Ms: ms('adplatform_nodejs_eventloop_lag_p99_seconds'), maxMs: ms('adplatform_nodejs_eventloop_lag_max_seconds') };
}

/**
 * Waits until the analytics consumer has caught up with the event log (its lag gauge under 5,000
 * events, i.e. a few seconds of the idle consumer's batches), so a run that follows measures
 * decisions at that rate rather than the backlog of the full-speed rounds. No gauge means no
 * consumer: nothing to wait for. Returns the seconds waited.
 */
async function analyticsCaughtUp(baseUrl: string, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const lag = metricOf(await scrape(baseUrl), 'adplatform_events_consumer_lag{consumer="analytics"}');
    if (lag === undefined || lag < 5_000) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return (performance.now() - start) / 1000;
}

/** Counts answers that carry an ad; the rest are `null` (no fill). */
class FillCounter {
  filled = 0;
  answered = 0;
  readonly onResponse = (statusCode: number, body: string) => {
    if (statusCode !== 200) return;
    this.answered++;
    if (body.includes('"lineItemId"')) this.filled++;
  };
  rate = () => this.filled / this.answered;
}

/**
 * The measured request: one placement, a US IP, an iPhone, a page URL, 0–2 keywords, and a user key
 * from a pool of `users` (frequency caps bind for users seen often), varied request by request.
 */
function decisionShape(catalog: SeededCatalog, users: number, fill: FillCounter, headers: Record<string, string> = {}): RequestShape {
  const prefixes = Array.from({ length: 64 }, (_, i) => {
    const keywords = i % 3 === 0 ? [] : KEYWORDS.slice(i % KEYWORDS.length, (i % KEYWORDS.length) + (i % 3));
    return JSON.stringify({
      placements: [{ divName: 'a', placementId: catalog.placementId }],
      ip: '8.8.8.8',
      userAgent: IPHONE_UA,
      url: 'https://news.example/sports/today',
      ...(keywords.length > 0 ? { keywords } : {}),
    }).slice(0, -1);
  });
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: (n) => `${prefixes[n % prefixes.length]},"user":{"key":"user-${(n * 7919) % users}"}}`,
    onResponse: fill.onResponse,
  };
}

type Sample = Measurement & {
  serverCpuUsPerRequest: number;
  /** The server's write system calls per request (socket writes, log writes; /proc/<pid>/io). */
  serverWritesPerRequest: number;
  /** The server's CPU per request by thread name (`main` = the event loop; `node` = libuv's pool, where DuckDB runs, and V8's helpers). */
  threadCpuUsPerRequest: Map<string, number>;
  serverCpuLoad: number;
  clientCpuLoad: number;
  fillRate?: number;
  /** Paced runs: p99 from the write of each request to its answer (p50/p99 count from its due time). */
  serviceP99Ms?: number;
  sendLagP99Ms?: number;
};

async function sample<M extends Measurement>(server: ChildServer, run: () => Promise<M>): Promise<M & Sample> {
  const serverBefore = processCpuSeconds(server.pid);
  const syscallsBefore = processSyscalls(server.pid);
  const threadsBefore = threadCpuSeconds(server.pid);
  const clientBefore = process.cpuUsage();
  const m = await run();
  const serverSeconds = processCpuSeconds(server.pid) - serverBefore;
  const serverWrites = processSyscalls(server.pid).writes - syscallsBefore.writes;
  const threadsAfter = threadCpuSeconds(server.pid);
  const client = process.cpuUsage(clientBefore);
  const requests = m.ok + m.non2xx;
  const threadCpuUsPerRequest = new Map<string, number>();
  for (const [name, seconds] of threadsAfter) {
    const us = ((seconds - (threadsBefore.get(name) ?? 0)) * 1e6) / requests;
    if (us >= 0.05) threadCpuUsPerRequest.set(name, us);
  }
  return {
    ...m,
    threadCpuUsPerRequest,
    serverCpuUsPerRequest: (serverSeconds * 1e6) / requests,
    serverCpuLoad: serverSeconds / m.durationSeconds,
    serverWritesPerRequest: serverWrites / requests,
    clientCpuLoad: (client.user + client.system) / 1e6 / m.durationSeconds,
  };
}

/** The per-thread split of a sample's server CPU, largest first: `main 186.8, node 92.5` µs/req. */
const threadsOf = (m: Sample) =>
  [...m.threadCpuUsPerRequest]
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => `${name} ${fixed(us, 1)}`)
    .join(', ');
const pct = (share: number) => `${fixed(share * 100, 0)}%`;
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const describe = (m: Sample) =>
  `${fixed(m.requestsPerSecond, 0)} req/s, p50 ${fixed(m.p50Ms, 2)} ms, p99 ${fixed(m.p99Ms, 2)} ms, ` +
  `server CPU ${fixed(m.serverCpuUsPerRequest, 1)} µs/req (${threadsOf(m)}), CPU use server ${pct(m.serverCpuLoad)} client ${pct(m.clientCpuLoad)}, ` +
  `server write syscalls ${fixed(m.serverWritesPerRequest, 2)}/req` +
  (m.fillRate === undefined ? '' : `, filled ${pct(m.fillRate)}`) +
  (m.serviceP99Ms === undefined ? '' : ` (from due time; from the write p99 ${fixed(m.serviceP99Ms, 2)} ms)`) +
  (m.sendLagP99Ms === undefined ? '' : `, client send lag p99 ${fixed(m.sendLagP99Ms, 2)} ms`) +
  (hasFailures(m) ? `, FAILURES: non-2xx ${m.non2xx}, errors ${m.errors}, timeouts ${m.timeouts} ${JSON.stringify(m.statusCodes)}` : '');

/** AdPlatform as `launchAdPlatform` starts it, from `bundle`, with V8's CPU profiler on (written when it exits) when `profileDir` is set. */
function launchVariant(options: {
  port: number;
  dataDir: string;
  profileDir?: string | undefined;
  bundle?: string | undefined;
  flags: readonly string[];
  logFile: string | undefined;
}): ChildServer {
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [];
  return startPinned({
    name: 'adplatform',
    cpu: SERVER_CPU,
    command: process.execPath,
    args: [...profile, ...options.flags, options.bundle ?? BUNDLE, 'serve'],
    logFile: options.logFile,
    env: cleanEnv({
      ADPLATFORM_PORT: String(options.port),
      ADPLATFORM_HOST: '127.0.0.1',
      ADPLATFORM_DATA_DIR: options.dataDir,
      ADPLATFORM_LOG_LEVEL: 'warn',
    }),
    cwd: REPO_ROOT,
  });
}

/** An explanation entry: one line item, or (a summary) `count` line items that targeting removed. */
interface ExplainEntry {
  lineItemId?: string;
  count?: number;
}

/** Polls an explained decision until the index holds every seeded line item and the placement fills. */
async function waitForIndex(url: string, catalog: SeededCatalog, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const body = JSON.stringify({
    placements: [{ divName: 'a', placementId: catalog.placementId }],
    ip: '8.8.8.8',
    userAgent: IPHONE_UA,
    user: { key: 'index-probe' },
    explain: true,
  });
  let last = 'no answer';
  while (performance.now() < deadline) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${catalog.apiKey}` },
      body,
    });
    const answer = (await response.json()) as { decisions?: { a: unknown[] | null }; explanation?: ExplainEntry[] };
    const indexed = (answer.explanation ?? []).reduce((n, e) => n + (e.lineItemId !== undefined ? 1 : (e.count ?? 0)), 0);
    last = `status ${response.status}, ${indexed} line items indexed, filled: ${answer.decisions?.a != null}`;
    if (response.ok && indexed >= catalog.lineItems && answer.decisions?.a != null) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the decision index did not fill within ${timeoutMs} ms (${last})`);
}

function printTable(
  baseline: readonly Sample[],
  decisions: readonly Sample[],
  { half, control, route }: { half: Sample; control: Sample; route: readonly Sample[] },
  halfRate: number,
): void {
  // Ratios per round (each against the baseline of the same round), then averaged; none for the paced run.
  const versus = (runs: readonly Sample[], ratio: (m: Sample, b: Sample) => number) =>
    runs === decisions || runs === baseline || runs === route ? fixed(mean(runs.map((m, i) => ratio(m, baseline[i]!))), 2) : 'n/a';
  const row = (label: string, runs: readonly Sample[]) => [
    label,
    fixed(mean(runs.map((m) => m.requestsPerSecond)), 0),
    runs.map((m) => fixed(m.requestsPerSecond, 0)).join(' / '),
    versus(runs, (m, b) => m.requestsPerSecond / b.requestsPerSecond),
    fixed(mean(runs.map((m) => m.p50Ms)), 2),
    fixed(mean(runs.map((m) => m.p99Ms)), 2),
    fixed(mean(runs.map((m) => m.serverCpuUsPerRequest)), 1),
    versus(runs, (m, b) => b.serverCpuUsPerRequest / m.serverCpuUsPerRequest),
    [(m: Sample) => m.serverCpuLoad, (m: Sample) => m.clientCpuLoad].map((k) => pct(mean(runs.map(k)))).join(' / '),
    runs.every((m) => m.fillRate === undefined) ? 'n/a' : pct(mean(runs.map((m) => m.fillRate ?? 0))),
    String(runs.reduce((n, m) => n + m.non2xx + m.errors + m.timeouts, 0)),
  ];
  const header = ['target', 'req/s (mean)', 'req/s per round', '× baseline (req/s)', 'p50 ms', 'p99 ms', 'server CPU µs/req'];
  header.push('× baseline (CPU)', 'CPU use server / client', 'filled', 'non-2xx+errors');
  const rows = [
    row('baseline: Fastify hello-world GET /', baseline),
    row('AdPlatform POST /v1/decisions (max)', decisions),
    ...(route.length > 0 ? [row("AdPlatform POST /v1/decisions through Fastify's route (max)", route)] : []),
    row(`AdPlatform POST /v1/decisions, even ${fixed(halfRate, 0)} req/s (half)`, [half]),
    row(`baseline GET /, even ${fixed(halfRate, 0)} req/s (control)`, [control]),
  ];
  console.log(`\n${markdownTable(header, rows)}\n`);
  const ratio = mean(decisions.map((m, i) => m.requestsPerSecond / (baseline[i]?.requestsPerSecond ?? Number.NaN)));
  const cpuRatio = mean(decisions.map((m, i) => (baseline[i]?.serverCpuUsPerRequest ?? Number.NaN) / m.serverCpuUsPerRequest));
  console.log(`goal throughput ≥ 0.60× hello-world: ${fixed(ratio, 2)}× by req/s, ${fixed(cpuRatio, 2)}× by CPU per request`);
  console.log(`goal p99 ≤ 2 ms at half the maximum rate: p99 ${fixed(half.p99Ms, 2)} ms at ${fixed(halfRate, 0)} req/s`);
  if ([...baseline, ...decisions].some((m) => m.serverCpuLoad < 0.9)) {
    console.log('note: in some rounds a server used < 90% of its core (a busy machine); trust the CPU columns over req/s.');
  }
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
    await Promise.all(servers.map((s) => s.stop(30_000)));
    await rm(dataDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  try {
    const [basePort, adpPort] = [await freePort(), await freePort()];
    const baseline = launchBaseline({ cpu: SERVER_CPU, port: basePort });
    servers.push(baseline);
    const adplatform =
      options.cpuProfDir || options.bundle || options.serverFlags.length > 0 || options.serverLog
        ? launchVariant({
            port: adpPort,
            dataDir,
            profileDir: options.cpuProfDir,
            bundle: options.bundle,
            flags: options.serverFlags,
            logFile: options.serverLog,
          })
        : launchAdPlatform({ cpu: SERVER_CPU, port: adpPort, dataDir, logLevel: 'warn' });
    servers.push(adplatform);
    const baseUrl = `http://127.0.0.1:${adpPort}`;
    // Phase marks in the server's log, in ms since it was launched (the clock of V8's --trace-gc lines, roughly) and
    // in µs of the monotonic clock (that of a --cpu-prof profile's timestamps), to cut a trace or profile by phase.
    const mark = (label: string) => {
      if (options.serverLog)
        appendFileSync(
          options.serverLog,
          `[bench] ${label} at ${fixed(performance.now() - adplatform.launchedAtMs, 0)} ms (monotonic ${process.hrtime.bigint() / 1000n} µs)\n`,
        );
    };
    await waitUntilAnswers(`http://127.0.0.1:${basePort}/`, baseline, 30_000);
    await waitUntilAnswers(`${baseUrl}/healthz`, adplatform, 120_000);

    const seedStartMs = performance.now();
    const catalog = await seedCatalog({ baseUrl, dataDir, lineItems: options.lineItems, seed: 42 });
    await waitForIndex(`${baseUrl}/v1/decisions`, catalog, 60_000);
    const seedSeconds = (performance.now() - seedStartMs) / 1000;

    console.log('# AdPlatform HTTP decision benchmark\n');
    printFacts(facts, {
      pinning: `servers on CPU ${SERVER_CPU}, load generator on CPU ${CLIENT_CPU} (taskset)`,
      load: `${options.connections} connections, warm-up ${options.warmupSeconds} s per target, ${options.rounds} rounds of ${options.durationSeconds} s per target, then ${options.durationSeconds} s at half the decisions' mean maximum rate`,
      catalog: `${catalog.lineItems} active line items (seeded through the API in ${fixed(seedSeconds, 1)} s), ${catalog.reachMeasuredPlacement} of them list the measured placement or none; ${options.users} user keys`,
      profile: options.cpuProfDir ? `V8 CPU profile of AdPlatform in ${options.cpuProfDir} (the profiler slows it)` : 'off',
      build: options.bundle ?? BUNDLE,
    });
    console.log('');
    const decisionsUrl = `${baseUrl}/v1/decisions`;
    const baseUrlRoot = `http://127.0.0.1:${basePort}/`;
    const load = { connections: options.connections, durationSeconds: options.durationSeconds };
    // A cookie header (not a session) sends the request through Fastify's route instead of the fast path.
    const runDecisions = async (durationSeconds: number, throughRoute = false) => {
      const fill = new FillCounter();
      const headers: Record<string, string> = throughRoute ? { cookie: 'bench=1' } : {};
      const m = await sample(adplatform, () =>
        measure(decisionsUrl, { ...load, durationSeconds }, decisionShape(catalog, options.users, fill, headers)),
      );
      return { ...m, fillRate: fill.rate() };
    };
    let failed = false;
    const warmBase = await sample(baseline, () => measure(baseUrlRoot, { ...load, durationSeconds: options.warmupSeconds }));
    console.log(`warm-up   baseline: ${describe(warmBase)}`);
    const warmDecisions = await runDecisions(options.warmupSeconds);
    console.log(`warm-up   decisions: ${describe(warmDecisions)}`);
    failed ||= hasFailures(warmBase) || hasFailures(warmDecisions);

    const baselineRuns: Sample[] = [];
    const decisionRuns: Sample[] = [];
    const routeRuns: Sample[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const b = await sample(baseline, () => measure(baseUrlRoot, load));
      baselineRuns.push(b);
      console.log(`round ${round}   baseline: Fastify hello-world GET /: ${describe(b)}`);
      mark(`round ${round} decisions start`);
      const d = await runDecisions(options.durationSeconds);
      mark(`round ${round} decisions end`);
      decisionRuns.push(d);
      console.log(`round ${round}   AdPlatform POST /v1/decisions: ${describe(d)}`);
      failed ||= hasFailures(b) || hasFailures(d);
      if (!options.route) continue;
      const r = await runDecisions(options.durationSeconds, true);
      routeRuns.push(r);
      console.log(`round ${round}   AdPlatform POST /v1/decisions through Fastify's route: ${describe(r)}`);
      failed ||= hasFailures(r);
    }

    const halfRate = options.halfRate ?? mean(decisionRuns.map((m) => m.requestsPerSecond)) / 2;
    const fill = new FillCounter();
    const shape = decisionShape(catalog, options.users, fill);
    const paced = { ratePerSecond: halfRate, durationSeconds: options.durationSeconds, connections: options.connections };
    const caughtUpSeconds = await analyticsCaughtUp(baseUrl, 120_000);
    console.log(`analytics consumer caught up with the full-speed rounds' events in ${fixed(caughtUpSeconds, 1)} s`);
    await eventLoopDelay(baseUrl); // resets the histogram
    mark('half load starts');
    const halfRun = await sample(adplatform, () => measureAtRate(decisionsUrl, paced, shape));
    mark('half load ends');
    const half: Sample = { ...halfRun, fillRate: fill.rate() };
    const loop = await eventLoopDelay(baseUrl);
    console.log(`half load AdPlatform POST /v1/decisions at ${fixed(halfRate, 0)} req/s (even pacing): ${describe(half)}`);
    console.log(`half load AdPlatform event-loop delay: p99 ${fixed(loop.p99Ms, 1)} ms, max ${fixed(loop.maxMs, 1)} ms`);
    // The same paced load against the hello-world: what the client, the kernel and Fastify alone add at this rate.
    const control = await sample(baseline, () => measureAtRate(baseUrlRoot, paced));
    console.log(`half load baseline GET / at ${fixed(halfRate, 0)} req/s (even pacing): ${describe(control)}`);
    failed ||= hasFailures(half) || hasFailures(control);

    printTable(baselineRuns, decisionRuns, { half, control, route: routeRuns }, halfRate);
    if (failed) console.error('FAILED: some requests were not 2xx, errored or timed out (see above); the figures are not valid.');
    return failed ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

process.exitCode = await main();
