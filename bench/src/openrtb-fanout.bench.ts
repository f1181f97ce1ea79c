// The cost of the exchange's outside-demand fan-out: collect() to 3 local partners that answer at once,
// against a baseline of one direct keep-alive HTTP POST of the same bid request, in the same run.
// Partners run in a child process (pinned to CPU 1 when taskset exists), this process on CPU 0.
// Reports per-auction latency (sequential, p50/p99) and auctions/s with 16 in flight, for the baseline,
// the fan-out with gzip-compressed requests and the fan-out with plain JSON.
// Run: npm run bench:fanout [-- --seconds 5 --auctions 2000 --rounds 2]
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { createCurrencyRates } from '../../apps/server/src/openrtb/demand/currency-rates.js';
import { createDemandFanout } from '../../apps/server/src/openrtb/demand/demand-fanout.js';
import type { DemandFanout, DemandPartnerTarget, FanoutRequest } from '../../apps/server/src/openrtb/demand/demand-types.js';
import { fixed, machineFacts, markdownTable, printFacts } from './report.js';

const PARTNERS = 3;
const IN_FLIGHT = 16;

// The partners: answer every POST at once with one bid per imp (the body is read and parsed, like a real bidder).
const PARTNER_SCRIPT = `
const http = require('node:http'); const zlib = require('node:zlib');
const ports = [];
let pending = ${PARTNERS};
for (let i = 0; i < ${PARTNERS}; i++) {
  const server = http.createServer((req, res) => {
    const chunks = []; req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = zlib.gunzipSync(raw);
      const br = JSON.parse(raw.toString());
      const bid = br.imp.map((imp, n) => ({ id: 'b' + i + '-' + imp.id, impid: imp.id, price: 1.25 + n, adm: '<div>ad</div>', crid: 'c' + i, adomain: ['adv.example'], w: 300, h: 250 }));
      const body = JSON.stringify({ id: br.id, cur: 'USD', seatbid: [{ seat: 'seat' + i, bid }] });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  server.keepAliveTimeout = 60000;
  server.listen(0, '127.0.0.1', () => { ports[i] = server.address().port; if (--pending === 0) console.log('PORTS ' + ports.join(',')); });
}
`;

function readOptions() {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, auctions: { type: 'string' }, rounds: { type: 'string' } } });
  const positive = (flag: string | undefined, fallback: number) => {
    const value = Number(flag ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error('options must be positive numbers');
    return value;
  };
  return {
    seconds: positive(values.seconds, 5),
    auctions: Math.round(positive(values.auctions, 2000)),
    rounds: Math.round(positive(values.rounds, 2)),
  };
}

const hasTaskset = () => spawnSync('taskset', ['--version']).status === 0;

async function startPartners(): Promise<{ ports: number[]; stop(): void }> {
  const pin = hasTaskset();
  const child = pin
    ? spawn('taskset', ['-c', '1', process.execPath, '-e', PARTNER_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, ['-e', PARTNER_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (pin) spawnSync('taskset', ['-a', '-c', '-p', '0', String(process.pid)]);
  const ports = await new Promise<number[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('partners did not start')), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /PORTS ([\d,]+)/.exec(chunk.toString());
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]!.split(',').map(Number));
    });
  });
  return { ports, stop: () => child.kill('SIGTERM') };
}

let auctionCounter = 0;
function bidRequest(): FanoutRequest['request'] {
  return {
    id: `bench-${++auctionCounter}`,
    imp: [
      {
        id: '1',
        tagid: 'top',
        banner: {
          format: [
            { w: 300, h: 250 },
            { w: 728, h: 90 },
          ],
        },
        bidfloor: 0.5,
        bidfloorcur: 'USD',
      },
    ],
    site: { id: 's1', domain: 'news.example', page: 'https://news.example/a/b', publisher: { id: 'p1' } },
    device: { ua: 'Mozilla/5.0 (X11; Linux x86_64) bench', ip: '203.0.113.7', devicetype: 2, language: 'en' },
    user: { id: 'u1' },
    source: { tid: 't1', schain: { complete: 1, ver: '1.0', nodes: [{ asi: 'ads.example.com', sid: 'p1', hp: 1 }] } },
    regs: { gdpr: 0 },
    cur: ['USD'],
    tmax: 500,
  };
}

type Call = () => Promise<void>;

function directCall(port: number): Call {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return () =>
    new Promise<void>((resolve, reject) => {
      const body = Buffer.from(JSON.stringify(bidRequest()));
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const parsed = JSON.parse(Buffer.concat(chunks).toString()) as { seatbid?: unknown[] };
            if (!parsed.seatbid?.length) reject(new Error('no bid from the baseline partner'));
            else resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

function fanoutCall(fanout: DemandFanout, partners: DemandPartnerTarget[]): Call {
  return async () => {
    const outcome = await fanout.collect(partners, {
      organizationId: 'o1',
      request: bidRequest(),
      placementOfImp: new Map([['1', 'pl1']]),
      deadlineMs: Date.now() + 1000,
      currency: 'USD',
    });
    if (outcome.bids.length !== PARTNERS) throw new Error(`expected ${PARTNERS} bids, got ${JSON.stringify(outcome.nonBids)}`);
  };
}

async function latencies(call: Call, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await call();
    out.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return out.sort((a, b) => a - b);
}

/** Calls per second with IN_FLIGHT in flight, and this process's CPU µs per call (our own cost, partners excluded). */
async function throughput(call: Call, seconds: number): Promise<{ perSecond: number; cpuUs: number }> {
  const endAt = performance.now() + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  let done = 0;
  const worker = async () => {
    while (performance.now() < endAt) {
      await call();
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  return { perSecond: done / ((performance.now() - start) / 1000), cpuUs: (cpu.user + cpu.system) / done };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;

async function main(): Promise<void> {
  const options = readOptions();
  const facts = machineFacts();
  const partners = await startPartners();
  const targets = (requestGzip: boolean) =>
    partners.ports.map(
      (port, i): DemandPartnerTarget => ({
        id: `partner-${i}`,
        organizationId: 'o1',
        name: `Partner ${i}`,
        endpointUrl: `http://127.0.0.1:${port}/bid`,
        timeoutMs: 1000,
        bidAdjustment: 1,
        placementIds: [],
        qpsLimit: 1_000_000,
        requestGzip,
      }),
    );
  const rates = createCurrencyRates();
  // gzipMinBytes 0: the ~600-byte request is compressed when the partner asks for gzip (the default skips bodies under 1 KiB).
  const fanout = createDemandFanout({ rates, allowPrivateOutbound: true, breaker: { consecutiveFailures: 1_000_000 }, gzipMinBytes: 0 });
  const calls: Record<string, Call> = {
    'baseline: 1 direct POST': directCall(partners.ports[0]!),
    'fan-out to 3, gzip requests': fanoutCall(fanout, targets(true)),
    'fan-out to 3, plain JSON': fanoutCall(fanout, targets(false)),
  };
  try {
    for (const call of Object.values(calls)) await latencies(call, 200); // warm-up: sockets, JIT
    const lat: Record<string, number[]> = {};
    const rps: Record<string, number[]> = {};
    const cpu: Record<string, number[]> = {};
    for (let round = 0; round < options.rounds; round++) {
      for (const [label, call] of Object.entries(calls)) {
        lat[label] = [...(lat[label] ?? []), ...(await latencies(call, options.auctions))].sort((a, b) => a - b);
        const run = await throughput(call, options.seconds);
        rps[label] = [...(rps[label] ?? []), run.perSecond];
        cpu[label] = [...(cpu[label] ?? []), run.cpuUs];
      }
    }
    const baseP50 = pct(lat['baseline: 1 direct POST']!, 50);
    const baseP99 = pct(lat['baseline: 1 direct POST']!, 99);
    const baseRps = Math.max(...rps['baseline: 1 direct POST']!);
    const baseCpu = Math.min(...cpu['baseline: 1 direct POST']!);
    printFacts(facts, {
      'partners process pinned': hasTaskset() ? 'CPU 1 (bench on CPU 0)' : 'no (taskset missing)',
      'sequential auctions per target and round': String(options.auctions),
      [`throughput: seconds per target and round, ${IN_FLIGHT} in flight`]: String(options.seconds),
      rounds: String(options.rounds),
    });
    console.log('');
    console.log(
      `(a fan-out auction makes ${PARTNERS} partner calls: the partners' single CPU caps its rate near 1/${PARTNERS} of the baseline's)`,
    );
    console.log(
      markdownTable(
        [
          'target',
          'p50 µs',
          'p99 µs',
          'added p50 µs',
          'added p99 µs',
          'per s (best round)',
          '× baseline per s',
          'our CPU µs per call',
          '× baseline CPU',
        ],
        Object.keys(calls).map((label) => {
          const p50 = pct(lat[label]!, 50);
          const p99 = pct(lat[label]!, 99);
          const best = Math.max(...rps[label]!);
          const cpuUs = Math.min(...cpu[label]!);
          return [
            label,
            fixed(p50, 0),
            fixed(p99, 0),
            fixed(p50 - baseP50, 0),
            fixed(p99 - baseP99, 0),
            fixed(best, 0),
            fixed(best / baseRps, 2),
            fixed(cpuUs, 0),
            fixed(cpuUs / baseCpu, 2),
          ];
        }),
      ),
    );
  } finally {
    await fanout.close();
    partners.stop();
  }
}

await main();
