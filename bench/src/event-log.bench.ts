// The durable local event log (adapters/local-log) in process: events per second appended with group commit
// (every append resolves only after its fdatasync), for batch sizes 1, 100 and 1000 and concurrent producers;
// bytes per event on disk, fsyncs per second and events per fsync; then read back in pages. Two ceilings
// measured in the same run say what bounds it: the CPU cost of encoding a chunk (JSON + CRC-32, no I/O) and
// the disk's rate of small write + fdatasync pairs. Each round uses a fresh directory under the OS temp dir
// (or --dir), deleted afterwards.
// Run: node --import tsx bench/src/event-log.bench.ts [--events 200000] [--rounds 3] [--dir /path/on/the/data/disk]
import { randomUUID } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLocalEventLog, type LocalEventLog } from '@adplatform/adapter-local-log';
import type { DeliveryEvent } from '@adplatform/ports';
import { ChunkWriter, encodeChunk } from '../../adapters/local-log/src/chunk-codec.js';
import { fixed, machineFacts, markdownTable, median, printFacts } from './report.js';

interface Case {
  label: string;
  batchSize: number;
  /** Append calls in flight at once. */
  producers: number;
  events: number;
}

const { values } = parseArgs({ options: { events: { type: 'string' }, rounds: { type: 'string' }, dir: { type: 'string' } } });
const EVENTS = Number(values.events ?? 200_000);
const ROUNDS = Number(values.rounds ?? 3);
const BASE_DIR = values.dir ?? tmpdir();
if (!Number.isSafeInteger(EVENTS) || EVENTS < 1_000) throw new Error('--events must be an integer of at least 1000');
if (!Number.isSafeInteger(ROUNDS) || ROUNDS < 1) throw new Error('--rounds must be a positive integer');

const CASES: Case[] = [
  { label: 'batch 1, 1 producer (one fsync per event)', batchSize: 1, producers: 1, events: Math.min(EVENTS, 2_000) },
  { label: 'batch 1, 256 producers (group commit)', batchSize: 1, producers: 256, events: Math.min(EVENTS, 100_000) },
  { label: 'batch 100, 1 producer', batchSize: 100, producers: 1, events: EVENTS },
  { label: 'batch 100, 8 producers', batchSize: 100, producers: 8, events: EVENTS },
  { label: 'batch 1000, 1 producer', batchSize: 1_000, producers: 1, events: EVENTS },
  { label: 'batch 1000, 4 producers', batchSize: 1_000, producers: 4, events: EVENTS },
];

const ids = Array.from({ length: 9 }, () => randomUUID());
/** An impression as `/t/imp` logs it: nine ids, the cost, and the signed facts under `data`. */
function impression(n: number): DeliveryEvent {
  return {
    id: randomUUID(),
    type: 'impression',
    at: 1_795_000_000_000 + n,
    organizationId: ids[0] as string,
    decisionId: randomUUID(),
    advertiserId: ids[1] as string,
    campaignId: ids[2] as string,
    lineItemId: ids[3] as string,
    creativeId: ids[4] as string,
    publisherId: ids[5] as string,
    siteId: ids[6] as string,
    placementId: ids[7] as string,
    costMicros: '2000',
    data: { decidedAtMs: 1_795_000_000_000 + n, priceCpmMicros: 2_000_000, pricingModel: 'cpm' },
  };
}

async function withFreshLog<T>(run: (log: LocalEventLog) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(BASE_DIR, 'adp-log-bench-'));
  const log = await createLocalEventLog({ dir });
  try {
    return await run(log);
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function appendRound(log: LocalEventLog, c: Case) {
  const batches: DeliveryEvent[][] = [];
  for (let at = 0; at < c.events; at += c.batchSize) {
    batches.push(Array.from({ length: Math.min(c.batchSize, c.events - at) }, (_, i) => impression(at + i)));
  }
  let next = 0;
  const producer = async () => {
    while (next < batches.length) await log.append(batches[next++] as DeliveryEvent[]);
  };
  const before = log.stats();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: c.producers }, producer));
  const seconds = (performance.now() - started) / 1_000;
  const cpu = process.cpuUsage(cpuBefore);
  const after = log.stats();
  const fsyncs = after.fsyncs - before.fsyncs;

  const readStarted = performance.now();
  let offset = 0;
  while (offset < c.events) offset = (await log.read(offset, 10_000)).next;
  const readSeconds = (performance.now() - readStarted) / 1_000;
  return {
    perSecond: c.events / seconds,
    fsyncsPerSecond: fsyncs / seconds,
    eventsPerFsync: c.events / fsyncs,
    bytesPerEvent: (after.bytes - before.bytes) / c.events,
    cpuUsPerEvent: (cpu.user + cpu.system) / c.events,
    readPerSecond: c.events / readSeconds,
  };
}

/** Events/s that encoding alone allows on one core: chunks of 1000 framed (codec 3 + CRC-32) as the log does, no I/O. */
function encodeCeiling(): number {
  const events = Array.from({ length: 1_000 }, (_, i) => impression(i));
  const writer = new ChunkWriter();
  for (let i = 0; i < 50; i++) {
    writer.reset();
    writer.add(events, i * 1_000);
  }
  const started = performance.now();
  let encoded = 0;
  while (performance.now() - started < 2_000) {
    writer.reset();
    writer.add(events, encoded);
    encoded += events.length;
  }
  return encoded / ((performance.now() - started) / 1_000);
}

/** Small write + fdatasync pairs per second on the log's disk: what one producer waiting for each append gets at best. */
async function fsyncCeiling(): Promise<number> {
  const dir = await mkdtemp(path.join(BASE_DIR, 'adp-fsync-bench-'));
  const file = await open(path.join(dir, 'probe'), 'a');
  const chunk = Buffer.alloc(512, 1);
  let pairs = 0;
  const started = performance.now();
  try {
    while (performance.now() - started < 2_000) {
      await file.write(chunk);
      await file.datasync();
      pairs++;
    }
  } finally {
    await file.close();
    await rm(dir, { recursive: true, force: true });
  }
  return pairs / ((performance.now() - started) / 1_000);
}

const facts = machineFacts();
console.log(`# Local event log: append with group commit, ${EVENTS.toLocaleString('en')} events a round, ${ROUNDS} rounds`);
const oneChunk = Buffer.concat(encodeChunk([impression(1)], 0)).byteLength;
printFacts(facts, {
  dir: BASE_DIR,
  'event size': `${JSON.stringify(impression(1)).length} bytes of JSON, ${oneChunk} bytes as a chunk of one`,
});
console.log(`encode ceiling (JSON + CRC-32, chunks of 1000, one core): ${fixed(encodeCeiling(), 0)} events/s`);
console.log(`fsync ceiling (512-byte write + fdatasync, one after another): ${fixed(await fsyncCeiling(), 0)} pairs/s`);

const rows: string[][] = [];
for (const c of CASES) {
  const samples: Awaited<ReturnType<typeof appendRound>>[] = [];
  for (let round = 0; round < ROUNDS; round++) samples.push(await withFreshLog((log) => appendRound(log, c)));
  const perSecond = samples.map((s) => s.perSecond);
  const mid = (pick: (s: Awaited<ReturnType<typeof appendRound>>) => number, digits: number) => fixed(median(samples.map(pick)), digits);
  rows.push([
    c.label,
    c.events.toLocaleString('en'),
    fixed(median(perSecond), 0),
    `${fixed(Math.min(...perSecond), 0)}–${fixed(Math.max(...perSecond), 0)}`,
    mid((s) => s.fsyncsPerSecond, 0),
    mid((s) => s.eventsPerFsync, 1),
    mid((s) => s.bytesPerEvent, 1),
    mid((s) => s.cpuUsPerEvent, 2),
    mid((s) => s.readPerSecond, 0),
  ]);
  console.error(`done: ${c.label}`);
}
console.log(
  `\n${markdownTable(
    [
      'append',
      'events/round',
      'events/s (median)',
      'events/s (range)',
      'fsyncs/s',
      'events per fsync',
      'bytes/event',
      'CPU µs/event',
      'read events/s (pages of 10,000)',
    ],
    rows,
  )}`,
);
