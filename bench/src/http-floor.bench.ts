// The floor under the HTTP throughput goals of issues 4 and 6: bench/src/floor-server.ts (raw http.Server, JSON body
// parsed, an answer of AdPlatform's size and shape written, nothing decided) next to the Fastify hello-world, both
// on CPU 0, load from CPU 1, alternating round by round. From the two CPU costs per request it prints, for each goal
// ratio, how many µs per request are left for everything the floor does not do (context, decision or auction,
// signing, the event log, counters): hello-world ÷ goal − floor.
// Run: node --import tsx bench/src/http-floor.bench.ts [--duration 8] [--rounds 3] [--connections 50] [--warmup 3]
import { parseArgs } from 'node:util';
import { type ChildServer, freePort, pinProcess, processCpuSeconds, waitUntilAnswers } from './children.js';
import { hasFailures, type Measurement, measure, type RequestShape } from './load.js';
import { fixed, machineFacts, markdownTable, median, printFacts } from './report.js';
import { buildServers, launchBaseline, launchFloor } from './servers.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '3' },
  },
});
const DURATION = Number(values.duration);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const WARMUP = Number(values.warmup);

/** The same user agent and request shapes as http-decide.bench.ts and openrtb-auction.bench.ts send. */
const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const PLACEMENT = '01a222db-666b-706e-9cd2-8eb16a121979';
const json = { 'content-type': 'application/json' };
const decisionShape: RequestShape = {
  method: 'POST',
  headers: json,
  body: (n) =>
    JSON.stringify({
      placements: [{ divName: 'a', placementId: PLACEMENT }],
      ip: '8.8.8.8',
      userAgent: IPHONE_UA,
      url: 'https://news.example/sport/article',
      ...(n % 3 === 0 ? {} : { keywords: ['sport', 'football'].slice(0, n % 3) }),
      user: { key: `user-${(n * 7919) % 20_000}` },
    }),
};
const auctionShape: RequestShape = {
  method: 'POST',
  headers: json,
  body: (n) =>
    JSON.stringify({
      id: `auction-${n}`,
      imp: [{ id: '1', tagid: PLACEMENT, banner: { format: [{ w: 300, h: 250 }] } }],
      site: { page: 'https://news.example/sports/today', domain: 'news.example' },
      device: { ip: '8.8.8.8', ua: IPHONE_UA },
      user: { buyeruid: `user-${(n * 7919) % 20_000}` },
      tmax: 500,
      ext: { prebid: { targeting: { pricegranularity: 'dense' } } },
    }),
};

/** One load run and the server's CPU (all threads) per answered request, µs. */
async function run(server: ChildServer, url: string, seconds: number, shape?: RequestShape): Promise<Measurement & { cpuUs: number }> {
  const before = processCpuSeconds(server.pid);
  const m = await measure(url, { connections: CONNECTIONS, durationSeconds: seconds }, shape);
  if (hasFailures(m)) throw new Error(`${url}: failures ${JSON.stringify(m.statusCodes)}, errors ${m.errors}`);
  return { ...m, cpuUs: ((processCpuSeconds(server.pid) - before) * 1e6) / (m.ok + m.non2xx) };
}

async function main(): Promise<void> {
  printFacts(machineFacts(), {
    load: `${CONNECTIONS} connections, warm-up ${WARMUP} s per target, ${ROUNDS} rounds of ${DURATION} s, alternating`,
  });
  await buildServers();
  pinProcess(1);
  const [basePort, floorPort] = [await freePort(), await freePort()];
  const baseline = launchBaseline({ cpu: '0', port: basePort });
  const floor = launchFloor({ cpu: '0', port: floorPort });
  try {
    const baseUrl = `http://127.0.0.1:${basePort}/`;
    const floorUrl = `http://127.0.0.1:${floorPort}`;
    await waitUntilAnswers(baseUrl, baseline, 30_000);
    await floor.waitForLine(/"floor is listening"/, 30_000);
    await run(baseline, baseUrl, WARMUP);
    await run(floor, `${floorUrl}/v1/decisions`, WARMUP, decisionShape);
    await run(floor, `${floorUrl}/openrtb2/auction`, WARMUP, auctionShape);
    const cpu = { hello: [] as number[], decision: [] as number[], auction: [] as number[] };
    const rows: string[][] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const hello = await run(baseline, baseUrl, DURATION);
      const decision = await run(floor, `${floorUrl}/v1/decisions`, DURATION, decisionShape);
      const auction = await run(floor, `${floorUrl}/openrtb2/auction`, DURATION, auctionShape);
      cpu.hello.push(hello.cpuUs);
      cpu.decision.push(decision.cpuUs);
      cpu.auction.push(auction.cpuUs);
      for (const [label, m] of [
        ['Fastify hello-world GET /', hello],
        ['floor POST /v1/decisions', decision],
        ['floor POST /openrtb2/auction', auction],
      ] as const) {
        rows.push([
          `round ${round} ${label}`,
          fixed(m.requestsPerSecond, 0),
          fixed(m.cpuUs, 1),
          fixed(hello.cpuUs / m.cpuUs, 2),
          fixed(m.requestsPerSecond / hello.requestsPerSecond, 2),
        ]);
      }
    }
    console.log(markdownTable(['target', 'req/s', 'server CPU µs/req', '× hello-world (CPU)', '× hello-world (req/s)'], rows));
    const hello = median(cpu.hello);
    const budget = (goal: number, floorUs: number) => hello / goal - floorUs;
    console.log('');
    console.log(
      `medians: hello-world ${fixed(hello, 1)} µs, decisions floor ${fixed(median(cpu.decision), 1)} µs, auction floor ${fixed(median(cpu.auction), 1)} µs`,
    );
    console.log(
      `issue 4 (≥ 0.60×): a decision may cost ${fixed(budget(0.6, median(cpu.decision)), 1)} µs of server CPU beyond the floor (floor alone ${fixed(hello / median(cpu.decision), 2)}×)`,
    );
    console.log(
      `issue 6 (≥ 0.50×): an auction may cost ${fixed(budget(0.5, median(cpu.auction)), 1)} µs of server CPU beyond the floor (floor alone ${fixed(hello / median(cpu.auction), 2)}×)`,
    );
  } finally {
    await Promise.all([baseline.stop(30_000), floor.stop(30_000)]);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
