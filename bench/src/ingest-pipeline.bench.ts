// Events per second through the event pipeline, each case bounded in time and next to a same-run baseline:
// (a) producers → durable local log (group commit, fsync before each append resolves), ready batches;
//     baseline: the log's CPU work alone on the same batches (encode + CRC, no I/O).
// (b) producers → local log → analytics consumer → DuckDB in its worker thread, as `serve` runs it, end to end (the
//     consumer commits past the last event), and the consumer alone draining the backlog once producers stop (with the
//     process's CPU per event, all threads);
//     baseline: the same events ingested into DuckDB directly, no log.
// (c) POST /t/events NDJSON batches over HTTP on 127.0.0.1 to a server in a child process (local log,
//     PGlite metadata), from a keep-alive node client with requests in flight; baseline: a bare Fastify
//     route in the same child that receives the same body as bytes and counts its lines.
//     The server child's CPU per event is read from the child itself (process.cpuUsage around each load).
// Run: npm run bench:ingest -- [--seconds 5] [--producers 8] [--batch 1000] [--http-batch 1000] [--http-inflight 8] [--only a,b,c]
//      [--warm-up 1] (seconds of load on each server before its measured load)
//      [--child-prof <dir>] (writes a V8 CPU profile of the server child into <dir>)
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDuckDbAnalytics, createDuckDbAnalyticsWorker } from '@adplatform/adapter-duckdb';
import { createLocalEventLog, localLogRangeDecoder } from '@adplatform/adapter-local-log';
import type { DeliveryEvent, EventLog } from '@adplatform/ports';
import { ChunkWriter } from '../../adapters/local-log/src/chunk-codec.js';
import { ANALYTICS_BATCH_EVENTS, createAnalyticsConsumer } from '../../apps/server/src/pipeline/analytics-consumer.js';
import { fixed, machineFacts, markdownTable, printFacts } from './report.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    producers: { type: 'string', default: '8' },
    batch: { type: 'string', default: '1000' },
    'http-batch': { type: 'string', default: '1000' },
    'http-inflight': { type: 'string', default: '8' },
    'warm-up': { type: 'string', default: '1' },
    only: { type: 'string', default: 'a,b,c' },
    'child-prof': { type: 'string' },
    serve: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const PRODUCERS = Number(values.producers);
const BATCH = Number(values.batch);
const ONLY = new Set(values.only.split(','));
const WARM_UP_SECONDS = Number(values['warm-up']);

const dims = Array.from({ length: 9 }, () => randomUUID());
const RUN = randomUUID().slice(0, 8);
/** A unique UUID-shaped id per (kind, n) without the cost of randomUUID, so producing events costs little next to logging them. */
const idOf = (kind: string, n: number) => `${RUN}-${kind}-7000-8000-${n.toString(16).padStart(12, '0')}`;

/** An impression as /t/imp logs it: ids, the cost, the signed facts under `data`. */
function impression(n: number, atMs = 1_795_000_000_000 + n): DeliveryEvent {
  return {
    id: idOf('0001', n),
    type: 'impression',
    at: atMs,
    organizationId: dims[0] as string,
    decisionId: idOf('0002', n),
    advertiserId: dims[1] as string,
    campaignId: dims[2] as string,
    lineItemId: dims[3] as string,
    creativeId: dims[4] as string,
    publisherId: dims[5] as string,
    siteId: dims[6] as string,
    placementId: dims[7] as string,
    country: 'DE',
    deviceType: 'mobile',
    costMicros: '2000',
    data: { decidedAtMs: atMs, priceCpmMicros: 2_000_000, pricingModel: 'cpm' },
  };
}

/**
 * Producers appending batches for `seconds`; events/s appended (each append awaited: durable in the local log).
 * With a `pool`, producers hand over ready batches from it (ids repeat: for the log's own cost, not analytics);
 * without, each batch is built fresh with unique ids.
 */
async function produce(
  log: EventLog,
  seconds: number,
  pool?: DeliveryEvent[][],
): Promise<{ events: number; perSecond: number; cpuUsPerEvent: number; mainThreadBusy: number }> {
  let n = 0;
  let appended = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1_000;
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PRODUCERS }, async () => {
      while (performance.now() < deadline) {
        const batch = pool ? (pool[next++ % pool.length] as DeliveryEvent[]) : Array.from({ length: BATCH }, () => impression(n++));
        await log.append(batch);
        appended += batch.length;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1_000;
  const used = process.cpuUsage(cpu);
  // The share of the time the event loop ran code rather than waited (on fsync, with group commit).
  const mainThreadBusy = performance.eventLoopUtilization(loop).utilization;
  return { events: appended, perSecond: appended / elapsed, cpuUsPerEvent: (used.user + used.system) / appended, mainThreadBusy };
}

async function withDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'adp-ingest-bench-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function caseA(): Promise<string[][]> {
  // Ready batches (as parsed by an ingest route), so the figure is the log's cost, not the producers'.
  const pool = Array.from({ length: 64 }, (_, b) => Array.from({ length: BATCH }, (_, i) => impression(b * BATCH + i)));
  // Baseline: the log's CPU work alone (encode + CRC the same batches into its reused buffer, no I/O, no
  // waiting), on one core.
  let encoded = 0;
  const writer = new ChunkWriter();
  const encodeCpu = process.cpuUsage();
  const encodeStarted = performance.now();
  while (performance.now() - encodeStarted < Math.min(SECONDS, 3) * 1_000) {
    const batch = pool[Math.floor(encoded / BATCH) % pool.length] as DeliveryEvent[];
    writer.reset();
    for (let at = 0; at < batch.length; at += 1_024) writer.add(batch.length <= 1_024 ? batch : batch.slice(at, at + 1_024), encoded + at);
    encoded += batch.length;
  }
  const encodePerSecond = encoded / ((performance.now() - encodeStarted) / 1_000);
  const encodeUsed = process.cpuUsage(encodeCpu);
  const encodeCpuUsPerEvent = (encodeUsed.user + encodeUsed.system) / encoded;
  const local = await withDir(async (dir) => {
    const log = await createLocalEventLog({ dir });
    try {
      const fsyncsBefore = log.stats().fsyncs;
      const result = await produce(log, SECONDS, pool);
      return { ...result, fsyncsPerSecond: (log.stats().fsyncs - fsyncsBefore) / SECONDS };
    } finally {
      await log.close();
    }
  });
  return [
    ['(a) baseline: encoding only (codec + CRC, no I/O, one core)', fixed(encodePerSecond, 0), fixed(encodeCpuUsPerEvent, 2), '1.00'],
    [
      `(a) ${PRODUCERS} producers → durable local log (${fixed(local.perSecond / local.fsyncsPerSecond, 0)} events per fsync, main thread busy ${fixed(local.mainThreadBusy * 100, 0)}%)`,
      fixed(local.perSecond, 0),
      fixed(local.cpuUsPerEvent, 2),
      fixed(local.perSecond / encodePerSecond, 2),
    ],
  ];
}

async function caseB(): Promise<string[][]> {
  // Baseline: the DuckDB adapter alone, in the consumer's batches, for the same time.
  const direct = await withDir(async (dir) => {
    const analytics = await createDuckDbAnalytics({ path: path.join(dir, 'analytics.duckdb') });
    let events = 0;
    const deadline = performance.now() + SECONDS * 1_000;
    const started = performance.now();
    while (performance.now() < deadline) {
      await analytics.ingest(Array.from({ length: ANALYTICS_BATCH_EVENTS }, () => impression(events++)));
    }
    const perSecond = events / ((performance.now() - started) / 1_000);
    await analytics.close();
    return perSecond;
  });
  const piped = await withDir(async (dir) => {
    const log = await createLocalEventLog({ dir: path.join(dir, 'events') });
    // As `serve` runs it: the store in its worker thread (ADR 0019), the consumer on this one.
    const analytics = await createDuckDbAnalyticsWorker({
      path: path.join(dir, 'analytics.duckdb'),
      niceness: 10,
      decoders: [localLogRangeDecoder()],
    });
    const consumer = createAnalyticsConsumer({ eventLog: log, store: analytics, idleMs: 20 });
    const started = performance.now();
    consumer.start();
    const produced = await produce(log, SECONDS);
    // The consumer alone from here: what it drains of the backlog, and the process's CPU (all threads) for it.
    const backlogStart = { at: performance.now(), committed: await log.committedOffset('analytics'), cpu: process.cpuUsage() };
    // End to end: until the consumer has ingested and committed everything the producers appended, or
    // 5 × SECONDS more (bounded); the figure is what it committed over the whole time.
    const drainDeadline = performance.now() + 5 * SECONDS * 1_000;
    let committed = await log.committedOffset('analytics');
    while (committed < produced.events && performance.now() < drainDeadline) {
      await new Promise((r) => setTimeout(r, 20));
      committed = await log.committedOffset('analytics');
    }
    const elapsed = (performance.now() - started) / 1_000;
    const drained = committed - backlogStart.committed;
    const drainCpu = process.cpuUsage(backlogStart.cpu);
    const drainSeconds = (performance.now() - backlogStart.at) / 1_000;
    await consumer.stop();
    await analytics.close();
    await log.close();
    return {
      perSecond: committed / elapsed,
      appendPerSecond: produced.perSecond,
      lagSeconds: elapsed - SECONDS,
      left: produced.events - committed,
      drainPerSecond: drained / drainSeconds,
      drainCpuUsPerEvent: (drainCpu.user + drainCpu.system) / Math.max(1, drained),
      drained,
    };
  });
  return [
    ['(b) baseline: events → DuckDB ingest directly', fixed(direct, 0), '', '1.00'],
    [
      `(b) producers → local log → consumer → DuckDB (appends ${fixed(piped.appendPerSecond, 0)}/s; consumer ran ${fixed(piped.lagSeconds, 1)} s after, ${piped.left} left)`,
      fixed(piped.perSecond, 0),
      '',
      fixed(piped.perSecond / direct, 2),
    ],
    [
      `(b) the consumer alone, draining the backlog once producers stop (${piped.drained} events; CPU of all threads)`,
      fixed(piped.drainPerSecond, 0),
      fixed(piped.drainCpuUsPerEvent, 2),
      fixed(piped.drainPerSecond / direct, 2),
    ],
  ];
}

/** The child: the real app on a local log and PGlite in a temp dir, plus a bare Fastify baseline; prints its ports and key. */
async function serveChild(): Promise<void> {
  const { buildApp } = await import('../../apps/server/src/app.js');
  const { ensureOperator } = await import('../../apps/server/src/bootstrap.js');
  const { createMetadataStore } = await import('@adplatform/adapter-sql');
  const { createFsBlobStore } = await import('@adplatform/adapter-blobs-fs');
  const memory = await import('@adplatform/adapter-memory');
  const { systemClock } = await import('@adplatform/domain');
  const Fastify = (await import('fastify')).default;
  const dir = await mkdtemp(path.join(tmpdir(), 'adp-ingest-http-'));
  const clock = systemClock;
  const eventLog = await createLocalEventLog({ dir: path.join(dir, 'events') });
  const store = await createMetadataStore({ dataDir: dir });
  const app = await buildApp({
    store,
    blobs: createFsBlobStore({ dir: path.join(dir, 'blobs') }),
    bus: memory.createMemoryChangeBus(),
    clock,
    rateLimiter: memory.createMemoryRateLimiter({ perSecond: 1_000_000, burst: 1_000_000, clock }),
    loginThrottle: memory.createMemoryRateLimiter({ perSecond: 1, burst: 5, clock }),
    eventLog,
    counters: memory.createMemoryCounterStore(),
  });
  const admin = { email: 'bench@example.com', password: 'bench-password-123' };
  await ensureOperator({ store, clock, dataDir: dir, admin, log: { info: () => undefined } });
  const signIn = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: admin });
  const cookie = String([signIn.headers['set-cookie']].flat()[0]).split(';')[0] ?? '';
  const headers = { cookie, 'x-csrf-token': signIn.json().csrfToken as string };
  const org = await app.inject({
    method: 'POST',
    url: '/api/v1/organizations',
    headers,
    payload: { name: 'Bench', owner: { email: 'owner@bench.example', password: 'owner-password-123' } },
  });
  const owner = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email: 'owner@bench.example', password: 'owner-password-123' },
  });
  const ownerHeaders = {
    cookie: String([owner.headers['set-cookie']].flat()[0]).split(';')[0] ?? '',
    'x-csrf-token': owner.json().csrfToken as string,
  };
  const key = await app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: ownerHeaders,
    payload: { name: 'bench', kind: 'ingest' },
  });
  if (key.statusCode !== 201) throw new Error(`ingest key: ${key.statusCode} ${key.body} (org ${org.statusCode})`);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseline = Fastify({ logger: false, bodyLimit: 16 * 1_048_576 });
  // The body as bytes, lines counted on them: the transport's ceiling. (Reading it as one string, as this
  // baseline did first, cost more than the rest: a large V8 string forces a scavenge per body.)
  baseline.addContentTypeParser('application/x-ndjson', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
  baseline.post('/t/events', async (req) => {
    const body = req.body as Buffer;
    let lines = 1;
    for (let i = body.indexOf(10); i !== -1; i = body.indexOf(10, i + 1)) lines++;
    return { accepted: lines, rejected: [] };
  });
  await baseline.listen({ host: '127.0.0.1', port: 0 });
  const portOf = (f: { server: { address(): unknown } }) => (f.server.address() as { port: number }).port;
  process.send?.({ app: portOf(app), baseline: portOf(baseline), key: key.json().key });
  process.on('message', async (message) => {
    if (message === 'cpu') {
      const used = process.cpuUsage();
      process.send?.({ cpuUs: used.user + used.system, threads: threadTicks() });
      return;
    }
    await app.close();
    await baseline.close();
    await eventLog.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

/** CPU ticks (user + system, 1/100 s) of each thread of this process by thread id, from /proc (Linux; empty elsewhere). */
function threadTicks(): Record<string, number> {
  const ticks: Record<string, number> = {};
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      // Fields after the command's closing parenthesis: state is the 1st, utime the 12th, stime the 13th.
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks[tid] = Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    // Not Linux: no split by thread.
  }
  return ticks;
}

/** Posts the same-size NDJSON batches (fresh ids each) with `inflight` requests at a time for SECONDS; events/s accepted. */
async function loadHttp(port: number, key: string, seconds = SECONDS): Promise<{ perSecond: number; failures: number; events: number }> {
  const lines = Number(values['http-batch']);
  const inflight = Number(values['http-inflight']);
  const agent = new Agent({ keepAlive: true, maxSockets: inflight });
  // Encoded once, so the client's cost per request is sending bytes, not converting strings.
  const bodies = Array.from({ length: 16 }, (_, b) =>
    Buffer.from(
      Array.from({ length: lines }, (_, i) => {
        const { organizationId: _org, id: _id, ...line } = impression(b * lines + i, Date.now() - 60_000);
        return JSON.stringify({ id: randomUUID(), ...line });
      }).join('\n'),
    ),
  );
  let accepted = 0;
  let failures = 0;
  let sent = 0;
  const deadline = performance.now() + seconds * 1_000;
  const post = (body: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/t/events',
          agent,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson', 'content-length': body.byteLength },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString()).accepted) : resolve(-1)));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (performance.now() < deadline) {
        const n = await post(bodies[sent++ % bodies.length] as Buffer);
        if (n < 0) failures++;
        else accepted += n;
      }
    }),
  );
  const perSecond = accepted / ((performance.now() - started) / 1_000);
  agent.destroy();
  return { perSecond, failures, events: accepted };
}

async function caseC(): Promise<string[][]> {
  const profile = values['child-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['child-prof']}`] : [];
  const child = fork(new URL(import.meta.url).pathname, ['--serve'], { execArgv: ['--import', 'tsx', ...profile], stdio: 'inherit' });
  try {
    const ports = await new Promise<{ app: number; baseline: number; key: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { app: number; baseline: number; key: string }));
      child.once('exit', (code) => reject(new Error(`server child exited ${code}`)));
    });
    const childCpu = () =>
      new Promise<{ cpuUs: number; threads: Record<string, number> }>((resolve) => {
        child.once('message', (m) => resolve(m as { cpuUs: number; threads: Record<string, number> }));
        child.send('cpu');
      });
    /**
     * A load and the server child's CPU per accepted event over it (both servers share the child), also split by
     * thread: the event loop (thread id = pid), the busiest other thread (the parse worker, under load) and the rest.
     */
    const measured = async (port: number) => {
      // Warm-up, not measured: the parse worker starts with the first large body and the JIT settles.
      await loadHttp(port, ports.key, WARM_UP_SECONDS);
      const before = await childCpu();
      const result = await loadHttp(port, ports.key);
      const after = await childCpu();
      const usPerEvent = (ticks: number) => (ticks * 10_000) / result.events;
      const deltas = Object.entries(after.threads).map(([tid, t]) => ({ tid, ticks: t - (before.threads[tid] ?? 0) }));
      const main = deltas.find((d) => d.tid === String(child.pid))?.ticks ?? 0;
      const others = deltas.filter((d) => d.tid !== String(child.pid)).sort((a, b) => b.ticks - a.ticks);
      const busiest = others[0]?.ticks ?? 0;
      const rest = others.slice(1).reduce((sum, d) => sum + d.ticks, 0);
      const split = `event loop ${fixed(usPerEvent(main), 2)}, busiest other thread ${fixed(usPerEvent(busiest), 2)}, rest ${fixed(usPerEvent(rest), 2)}`;
      return { ...result, cpuUsPerEvent: (after.cpuUs - before.cpuUs) / result.events, split };
    };
    const baseline = await measured(ports.baseline);
    const app = await measured(ports.app);
    const label = `${values['http-batch']} lines a request, ${values['http-inflight']} in flight`;
    return [
      [
        `(c) baseline: bare Fastify reads the NDJSON body (${label})`,
        fixed(baseline.perSecond, 0),
        fixed(baseline.cpuUsPerEvent, 2),
        '1.00',
      ],
      [
        `(c) POST /t/events → durable local log (${label}${app.failures ? `, ${app.failures} failed` : ''}; µs/event: ${app.split})`,
        fixed(app.perSecond, 0),
        fixed(app.cpuUsPerEvent, 2),
        fixed(app.perSecond / baseline.perSecond, 2),
      ],
    ];
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  }
}

if (values.serve) {
  await serveChild();
} else {
  console.log(
    `# Ingest: events/s through the pipeline, ${SECONDS} s a case, ${PRODUCERS} producers × batches of ${BATCH} in process (shared machine: compare ratios)`,
  );
  printFacts(machineFacts(), { 'event JSON bytes': String(JSON.stringify(impression(1)).length) });
  const rows: string[][] = [];
  if (ONLY.has('a')) rows.push(...(await caseA()));
  if (ONLY.has('b')) rows.push(...(await caseB()));
  if (ONLY.has('c')) rows.push(...(await caseC()));
  console.log(`\n${markdownTable(['case', 'events/s', 'CPU µs/event (in process; (c): the server)', '× baseline'], rows)}`);
}
