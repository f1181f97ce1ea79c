// The NATS JetStream event log (adapters/nats) against the local nats-server: events per second appended in
// batches with every PubAck awaited (one producer, and several producers with calls in flight at once), then
// read back in pages. Each round uses a fresh stream (file storage, 2-minute duplicate window) that is deleted
// afterwards. Needs nats-server -js on 127.0.0.1:4222 (or --url).
// Run: node --import tsx bench/src/nats-event-log.bench.ts [--events 50000] [--rounds 3] [--url nats://127.0.0.1:4222]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createNatsEventLog, type NatsEventLog } from '@adplatform/adapter-nats';
import { deleteNatsStreams, uniqueStreamNames } from '@adplatform/adapter-nats/testing';
import type { DeliveryEvent } from '@adplatform/ports';
import { fixed, machineFacts, markdownTable, median, printFacts } from './report.js';

interface Case {
  label: string;
  batchSize: number;
  /** Append calls in flight at once. */
  producers: number;
  /** Events per round; one-by-one appends get fewer, they are slow. */
  events: number;
}

const { values } = parseArgs({ options: { events: { type: 'string' }, rounds: { type: 'string' }, url: { type: 'string' } } });
const EVENTS = Number(values.events ?? 50_000);
const ROUNDS = Number(values.rounds ?? 3);
const URL = values.url ?? 'nats://127.0.0.1:4222';
if (!Number.isSafeInteger(EVENTS) || EVENTS < 1_000) throw new Error('--events must be an integer of at least 1000');
if (!Number.isSafeInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds must be a positive integer');

const CASES: Case[] = [
  { label: 'batch 1 (one publish, one ack, then the next)', batchSize: 1, producers: 1, events: Math.min(EVENTS, 2_000) },
  { label: 'batch 100', batchSize: 100, producers: 1, events: EVENTS },
  { label: 'batch 1000', batchSize: 1_000, producers: 1, events: EVENTS },
  { label: 'batch 100, 8 producers', batchSize: 100, producers: 8, events: EVENTS },
  { label: 'batch 1000, 4 producers', batchSize: 1_000, producers: 4, events: EVENTS },
];

/** An impression with every report dimension, about the size a real one has. */
function impression(n: number): DeliveryEvent {
  return {
    id: randomUUID(),
    type: 'impression',
    at: 1_795_000_000_000 + n,
    organizationId: '0190f5c2-0000-7000-8000-000000000001',
    decisionId: randomUUID(),
    advertiserId: '0190f5c2-0000-7000-8000-0000000000a1',
    campaignId: '0190f5c2-0000-7000-8000-0000000000c1',
    lineItemId: `0190f5c2-0000-7000-8000-0000000${String(n % 100_000).padStart(5, '0')}`,
    creativeId: '0190f5c2-0000-7000-8000-0000000000e1',
    publisherId: '0190f5c2-0000-7000-8000-0000000000f1',
    siteId: '0190f5c2-0000-7000-8000-0000000000f2',
    placementId: '0190f5c2-0000-7000-8000-0000000000f3',
    country: 'DE',
    region: 'BE',
    deviceType: 'mobile',
    os: 'android',
    browser: 'chrome',
    costMicros: '2500',
    revenueMicros: '1750',
  };
}

async function withFreshLog<T>(run: (log: NatsEventLog) => Promise<T>): Promise<T> {
  const log = await createNatsEventLog({ url: URL, ...uniqueStreamNames() });
  try {
    return await run(log);
  } finally {
    await log.close();
    await deleteNatsStreams(URL, [log.streams.events, log.streams.offsets]);
  }
}

/** Appends `c.events` events in batches, `c.producers` calls at a time; answers events/s and ms per batch. */
async function appendRound(log: NatsEventLog, c: Case): Promise<{ perSecond: number; batchMs: number; readPerSecond: number }> {
  const batches: DeliveryEvent[][] = [];
  for (let at = 0; at < c.events; at += c.batchSize) {
    batches.push(Array.from({ length: Math.min(c.batchSize, c.events - at) }, (_, i) => impression(at + i)));
  }
  let next = 0;
  const batchTimes: number[] = [];
  const producer = async () => {
    while (next < batches.length) {
      const batch = batches[next++] as DeliveryEvent[];
      const t0 = performance.now();
      await log.append(batch);
      batchTimes.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: c.producers }, producer));
  const seconds = (performance.now() - started) / 1_000;

  const readStarted = performance.now();
  let offset = 0;
  while (offset < c.events) offset = (await log.read(offset, 1_000)).next;
  const readSeconds = (performance.now() - readStarted) / 1_000;
  return { perSecond: c.events / seconds, batchMs: median(batchTimes), readPerSecond: c.events / readSeconds };
}

const facts = machineFacts();
console.log(`# NATS JetStream event log: append with acks, ${EVENTS.toLocaleString('en')} events a round, ${ROUNDS} rounds`);
printFacts(facts, { server: URL, 'event size': `${JSON.stringify(impression(1)).length} bytes of JSON` });

const rows: string[][] = [];
for (const c of CASES) {
  const samples = [];
  for (let round = 0; round < ROUNDS; round++) samples.push(await withFreshLog((log) => appendRound(log, c)));
  const perSecond = samples.map((s) => s.perSecond);
  rows.push([
    c.label,
    c.events.toLocaleString('en'),
    fixed(median(perSecond), 0),
    `${fixed(Math.min(...perSecond), 0)}–${fixed(Math.max(...perSecond), 0)}`,
    fixed(median(samples.map((s) => s.batchMs)), 2),
    fixed(median(samples.map((s) => s.readPerSecond)), 0),
  ]);
  console.error(`done: ${c.label}`);
}
console.log(
  `\n${markdownTable(['append', 'events/round', 'events/s (median)', 'events/s (range)', 'ms per append call (median)', 'read events/s (pages of 1000)'], rows)}`,
);
