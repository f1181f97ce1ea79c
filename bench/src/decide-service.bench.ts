// One decision on the main thread, in process: DecisionService.decide (the service the route and the fast path
// call) and the answer's JSON, over the embedded stores `serve` uses (PGlite metadata, the local event log, memory
// counters), against the catalog bench:http-decide seeds through the management API and the same request mix
// (one placement, a US IP, an iPhone, a page URL, 0-2 keywords, a user key from a pool). No HTTP, no analytics
// consumer: what a decision itself costs the event loop. Prints CPU µs per decision (process and main thread) for
// several rounds; --cpu-prof <dir> writes a V8 profile of the measured rounds only, for the per-step split.
// Run: node --import tsx bench/src/decide-service.bench.ts [--line-items 1000 --decisions 20000 --rounds 5 --users 20000]
//      --data-dir <dir> keeps the seeded catalog there and reuses it on the next run (seeding takes ~40 s), so two builds
//      can be compared on the same catalog in alternating runs; --split also times the steps of a decision one at a
//      time over the same requests (context extraction, the frequency read, the core, the commit of allowance and
//      frequency, rendering and signing the ad, the answer's JSON, the request event's append with the local log's
//      encoding and commit on later turns as main-thread CPU), and what a sampled explanation costs.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@adplatform/config';
import { type DecisionResult, type DirectSelection, decide } from '@adplatform/decision-core';
import { newId } from '@adplatform/domain';
import type { DeliveryEvent } from '@adplatform/ports';
import { buildApp } from '../../apps/server/src/app.js';
import { ensureOperator } from '../../apps/server/src/bootstrap.js';
import { budgetKeysOf } from '../../apps/server/src/delivery/budget/budget-keys.js';
import { renderDirectAd } from '../../apps/server/src/delivery/decisions/ad-answer.js';
import type { DecisionCaller } from '../../apps/server/src/delivery/decisions/decision.service.js';
import { deliveryStateFor } from '../../apps/server/src/delivery/decisions/decision-state.js';
import type { DecisionRequestBody } from '../../apps/server/src/delivery/decisions/decisions.schemas.js';
import { createTrackingSigner } from '../../apps/server/src/delivery/tracking/tracking-signer.js';
import { createDeps } from '../../apps/server/src/deps.js';
import { processCpuSeconds, threadCpuSeconds } from './children.js';
import { KEYWORDS, type SeededCatalog, seedCatalog } from './http-decide-seed.js';
import { fixed, machineFacts, printFacts } from './report.js';

const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

const { values } = parseArgs({
  options: Object.fromEntries(
    ['line-items', 'decisions', 'rounds', 'users', 'cpu-prof', 'data-dir', 'split'].map((n) => [n, { type: 'string' as const }]),
  ),
});
const lineItems = Number(values['line-items'] ?? 1000);
const decisionsPerRound = Number(values.decisions ?? 20_000);
const rounds = Number(values.rounds ?? 5);
const users = Number(values.users ?? 20_000);
const cpuProfDir = typeof values['cpu-prof'] === 'string' ? resolve(values['cpu-prof']) : undefined;

/** The bodies of bench:http-decide's requests, parsed as the route would hand them over. */
function bodies(placementId: string, count: number): DecisionRequestBody[] {
  return Array.from({ length: count }, (_, n) => {
    const i = n % 64;
    const keywords = i % 3 === 0 ? [] : KEYWORDS.slice(i % KEYWORDS.length, (i % KEYWORDS.length) + (i % 3));
    return JSON.parse(
      JSON.stringify({
        placements: [{ divName: 'a', placementId }],
        ip: '8.8.8.8',
        userAgent: IPHONE_UA,
        url: 'https://news.example/sports/today',
        ...(keywords.length > 0 ? { keywords } : {}),
        user: { key: `user-${(n * 7919) % users}` },
      }),
    );
  });
}

const keptDir = typeof values['data-dir'] === 'string' ? resolve(values['data-dir']) : undefined;
if (keptDir) await mkdir(keptDir, { recursive: true });
const dataDir = keptDir ?? (await mkdtemp(join(tmpdir(), 'adp-decide-service-')));
const catalogFile = join(dataDir, 'bench-catalog.json');
const config = loadConfig({
  ADPLATFORM_DATA_DIR: dataDir,
  ADPLATFORM_HOST: '127.0.0.1',
  ADPLATFORM_PORT: '0',
  ADPLATFORM_LOG_LEVEL: 'warn',
});
const deps = await createDeps(config);
const app = await buildApp(deps, {
  tracking: { secret: 'bench-tracking-secret-0123456789abcdef', ttlMs: 3_600_000, attributionWindowMs: 86_400_000 },
  delivery: { dataDir, userKeySalt: config.userKeySalt, explainSampleRate: config.explainSampleRate },
});
try {
  await ensureOperator({ store: deps.store, clock: deps.clock, dataDir, admin: config.admin, log: app.log });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const seedStarted = performance.now();
  const reused = keptDir !== undefined && existsSync(catalogFile);
  const catalog: SeededCatalog = reused
    ? JSON.parse(await readFile(catalogFile, 'utf8'))
    : await seedCatalog({ baseUrl, dataDir, lineItems, seed: 1 });
  if (!reused) await writeFile(catalogFile, JSON.stringify(catalog));
  console.log(`${reused ? 'reused' : 'seeded'} ${catalog.lineItems} line items in ${fixed((performance.now() - seedStarted) / 1000, 1)} s`);
  // The catalog rebuild is debounced: wait until the measured placement serves.
  const service = app.delivery.decisions;
  const caller: DecisionCaller = { ip: '127.0.0.1', userAgent: IPHONE_UA, origin: baseUrl };
  const stream = bodies(catalog.placementId, decisionsPerRound);
  for (let tries = 0; ; tries++) {
    const answer = await service.decide(stream[0]!, caller).catch(() => undefined);
    if (answer?.decisions.a?.some((ad) => 'lineItemId' in ad)) break;
    if (tries > 600) throw new Error('the measured placement never filled');
    await new Promise((r) => setTimeout(r, 100));
  }
  printFacts(machineFacts(), { workload: `${lineItems} line items, ${decisionsPerRound} decisions per round, ${users} user keys` });

  let filled = 0;
  let answerBytes = 0;
  const runRound = async () => {
    for (const body of stream) {
      const answer = await service.decide(body, caller);
      const json = JSON.stringify(answer);
      answerBytes += json.length;
      if (json.includes('"lineItemId"')) filled++;
    }
  };
  await runRound(); // warm-up
  const session = cpuProfDir ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const perRound: { processUs: number; mainUs: number; wallUs: number }[] = [];
  filled = 0;
  answerBytes = 0;
  for (let r = 0; r < rounds; r++) {
    // Let the group commits of the previous round's events finish outside the window.
    await new Promise((done) => setTimeout(done, 200));
    const cpu0 = processCpuSeconds(process.pid);
    const main0 = threadCpuSeconds(process.pid).get('main') ?? 0;
    const t0 = performance.now();
    await runRound();
    const wallUs = ((performance.now() - t0) * 1000) / decisionsPerRound;
    await new Promise((done) => setTimeout(done, 50));
    const processUs = ((processCpuSeconds(process.pid) - cpu0) * 1e6) / decisionsPerRound;
    const mainUs = (((threadCpuSeconds(process.pid).get('main') ?? 0) - main0) * 1e6) / decisionsPerRound;
    perRound.push({ processUs, mainUs, wallUs });
    console.log(`round ${r + 1}: ${fixed(wallUs, 1)} µs wall, CPU ${fixed(processUs, 1)} µs (main ${fixed(mainUs, 1)}) per decision`);
  }
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    const file = join(cpuProfDir!, `decide-service-${Date.now()}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    console.log(`profile: ${file}`);
    session.disconnect();
  }
  if (values.split !== undefined) await printSplit(stream, caller);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(
    `median of ${rounds} rounds: ${fixed(median(perRound.map((r) => r.wallUs)), 1)} µs wall, ` +
      `CPU ${fixed(median(perRound.map((r) => r.processUs)), 1)} µs (main ${fixed(median(perRound.map((r) => r.mainUs)), 1)}) per decision; ` +
      `filled ${fixed((100 * filled) / (rounds * decisionsPerRound), 1)}%, answer ${fixed(answerBytes / (rounds * decisionsPerRound), 0)} B`,
  );
} finally {
  await app.close();
  await deps.eventLog.close();
  await deps.counters.close();
  await deps.analytics?.close();
  await deps.store.close();
  if (!keptDir) await rm(dataDir, { recursive: true, force: true });
}

/** Each step of a decision alone, over the same requests, in µs per decision (wall time of synchronous loops). */
async function printSplit(stream: readonly DecisionRequestBody[], caller: DecisionCaller): Promise<void> {
  const { catalog, contexts, spend, allowances } = app.delivery;
  const signer = createTrackingSigner({ secret: 'bench-tracking-secret-0123456789abcdef', ttlMs: 3_600_000, clock: deps.clock });
  const snapshot = catalog.forPlacement(stream[0]!.placements[0]!.placementId)!;
  const placement = snapshot.placements.get(stream[0]!.placements[0]!.placementId)!;
  const nowMs = deps.clock.now().getTime();
  const inputs = stream.map((body) => ({
    ip: body.ip ?? caller.ip,
    userAgent: body.userAgent ?? caller.userAgent,
    url: body.url,
    keywords: body.keywords,
    userKey: body.user?.key,
  }));
  const extracted = inputs.map((input) => contexts.extract(input));
  const frequencies = await Promise.all(extracted.map((e) => (e.userKey ? deps.counters.frequencyOf(e.userKey, nowMs) : undefined)));
  const results: DecisionResult[] = [];
  const decisionIds = stream.map(() => crypto.randomUUID());
  const context = (i: number) => {
    const e = extracted[i]!;
    return { ...e.context, domain: e.context.domain ?? placement.domain, categories: placement.categories, segments: [] };
  };
  const slots = [{ slotId: 'a', placementId: placement.id, count: 1 }];
  const selectionOf = (i: number) => results[i]!.slots.a?.[0] as DirectSelection | undefined;
  // Each step: its name, the step over request i, and how it is timed: `wall` (a synchronous loop) or `cpu` (the main
  // thread's CPU until every promise the loop made settles: work done on later turns, like the event log's commit).
  const steps: [string, (i: number) => unknown, 'wall' | 'cpu'][] = [
    ['context extraction (geo, user agent, user key)', (i) => contexts.extract(inputs[i]!), 'wall'],
    ['frequency read (memory counters; the await of the hot path)', (i) => frequencyOf(extracted[i]!.userKey, nowMs), 'cpu'],
    [
      'core decide (index scan, checks, ranking)',
      (i) => {
        const state = deliveryStateFor(frequencies[i], spend, allowances, nowMs);
        results[i] = decide(snapshot.index, { nowMs, slots, context: context(i), userKey: extracted[i]!.userKey }, state, {
          random: Math.random,
        });
      },
      'wall',
    ],
    [
      'commit (allowance taken, impression recorded against caps)',
      (i) => {
        const selection = selectionOf(i);
        if (!selection) return;
        allowances.consume(budgetKeysOf(selection.lineItem, nowMs), selection.costMicros, nowMs);
        const userKey = extracted[i]!.userKey;
        if (userKey !== undefined && (selection.lineItem.frequencyCaps?.length ?? 0) > 0)
          return deps.counters.recordImpression(userKey, [selection.lineItem.id, selection.lineItem.campaignId], nowMs);
      },
      'cpu',
    ],
    [
      'render + sign the ad (markup, tracking URLs, HMAC)',
      (i) => {
        const selection = selectionOf(i);
        const creative = selection && snapshot.creatives.get(selection.creative.id);
        if (!selection || !creative) return;
        ads[i] = renderDirectAd({ selection, creative, placement, signer, decisionId: decisionIds[i]!, nowMs, origin: caller.origin });
      },
      'wall',
    ],
    ['answer JSON (JSON.stringify of a filled answer)', (i) => JSON.stringify({ decisions: { a: [ads[i]] } }), 'wall'],
    [
      'request event into the local log (appended; encoded and written on later turns)',
      (i) => deps.eventLog.append([requestEventOf(i)]),
      'cpu',
    ],
  ];
  const requestEventOf = (i: number): DeliveryEvent => {
    const selection = selectionOf(i);
    const { country, deviceType, os, browser } = extracted[i]!.context;
    return {
      id: newId(),
      type: 'request',
      at: nowMs,
      organizationId: snapshot.organizationId,
      publisherId: placement.publisherId,
      siteId: placement.siteId,
      placementId: placement.id,
      ...(country ? { country } : {}),
      ...(deviceType ? { deviceType } : {}),
      ...(os ? { os } : {}),
      ...(browser ? { browser } : {}),
      ...(selection
        ? {
            decisionId: decisionIds[i]!,
            advertiserId: selection.lineItem.advertiserId,
            campaignId: selection.lineItem.campaignId,
            lineItemId: selection.lineItem.id,
            creativeId: selection.creative.id,
          }
        : {}),
    };
  };
  const ads: unknown[] = stream.map(() => undefined);
  console.log('per-step split (µs per decision, each step alone over the same requests, median of 3 passes):');
  for (const [name, step, timing] of steps) {
    const passes: number[] = [];
    for (let pass = 0; pass < 4; pass++) {
      const pending: unknown[] = [];
      const main0 = timing === 'cpu' ? (threadCpuSeconds(process.pid).get('main') ?? 0) : 0;
      const t0 = performance.now();
      for (let i = 0; i < stream.length; i++) {
        const out = step(i);
        if (timing === 'cpu') pending.push(out);
      }
      if (timing === 'cpu') await Promise.all(pending);
      const us = timing === 'cpu' ? ((threadCpuSeconds(process.pid).get('main') ?? 0) - main0) * 1e6 : (performance.now() - t0) * 1000;
      if (pass > 0) passes.push(us / stream.length);
    }
    console.log(`  ${name}${timing === 'cpu' ? ' [main-thread CPU]' : ''}: ${fixed(passes.sort((a, b) => a - b)[1]!, 2)}`);
  }
  // The explanation of a decision: what a sampled one (ADPLATFORM_EXPLAIN_SAMPLE_RATE, default 1 in 1,000) adds.
  const explained = Math.min(stream.length, 500);
  const t0 = performance.now();
  for (let i = 0; i < explained; i++) {
    const state = deliveryStateFor(frequencies[i], spend, allowances, nowMs);
    decide(snapshot.index, { nowMs, slots, context: context(i), userKey: extracted[i]!.userKey, explain: true }, state, {
      random: Math.random,
    });
  }
  console.log(
    `  core decide with its explanation (a sampled decision; not in the loop above): ${fixed(((performance.now() - t0) * 1000) / explained, 1)}`,
  );
}

/** The user's frequency record, as the service reads it. */
function frequencyOf(userKey: string | undefined, nowMs: number) {
  return userKey === undefined ? undefined : deps.counters.frequencyOf(userKey, nowMs);
}
