// Analytics ingest and report, in process, on the embedded DuckDB store: events/s ingested in
// batches (appender → staging → dedupe anti-join → events + hourly rollup, one transaction per
// batch), the cost of a batch that is all duplicates (a replay), and a grouped report
// (campaign × day over 30 days, Europe/Berlin) at the size reached, p50 of several runs.
// Run: node --import tsx bench/src/ingest.bench.ts [--events 2000000] [--batch 100000] [--path :memory:]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDuckDbAnalytics } from '@adplatform/adapter-duckdb';
import type { DeliveryEvent, DeliveryEventType } from '@adplatform/ports';
import { fixed, machineFacts, markdownTable, median, printFacts } from './report.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000000' },
    batch: { type: 'string', default: '100000' },
    path: { type: 'string' },
    reports: { type: 'string', default: '7' },
  },
});
const TOTAL = Number(values.events);
const BATCH = Number(values.batch);
const ORG = '0190f5c2-0000-7000-8000-000000000001';
const T0 = Date.UTC(2026, 10, 1);
const SPAN_MS = 30 * 86_400_000;

// A delivery-like mix: a request, most filled, some viewable, few clicks, fewer conversions.
const TYPES: [DeliveryEventType, number][] = [
  ['request', 0.42],
  ['impression', 0.36],
  ['viewable', 0.2],
  ['click', 0.018],
  ['conversion', 0.002],
];
const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'ES', 'IT', 'NL', 'PL', 'SE', 'BR', 'JP', 'IN'];
const DEVICES = ['desktop', 'mobile', 'tablet'];
const OSES = ['windows', 'macos', 'android', 'ios', 'linux'];
const BROWSERS = ['chrome', 'safari', 'firefox', 'edge', 'samsung', 'other'];

let seed = 42;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)] as T;

function typeOf(r: number): DeliveryEventType {
  let acc = 0;
  for (const [type, share] of TYPES) {
    acc += share;
    if (r < acc) return type;
  }
  return 'request';
}

/** Events n… of a 30-day stream in time order (the order a log holds them), over 500 campaigns. */
function makeBatch(from: number, count: number): DeliveryEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const type = typeOf(rand());
    const campaign = Math.floor(rand() * 500);
    const paid = type === 'impression';
    return {
      id: `0190f5c2-${n.toString(16).padStart(12, '0')}`,
      type,
      at: T0 + Math.floor((n / TOTAL) * SPAN_MS),
      organizationId: ORG,
      advertiserId: `adv-${campaign % 50}`,
      campaignId: `cmp-${campaign}`,
      lineItemId: `li-${campaign}-${Math.floor(rand() * 4)}`,
      creativeId: `cr-${campaign}-${Math.floor(rand() * 3)}`,
      publisherId: `pub-${Math.floor(rand() * 20)}`,
      siteId: `site-${Math.floor(rand() * 200)}`,
      placementId: `pl-${Math.floor(rand() * 1000)}`,
      country: pick(COUNTRIES),
      deviceType: pick(DEVICES),
      os: pick(OSES),
      browser: pick(BROWSERS),
      ...(paid ? { costMicros: '2500', revenueMicros: '1750' } : {}),
    };
  });
}

const dir = values.path ? undefined : mkdtempSync(path.join(tmpdir(), 'adp-ingest-bench-'));
const dbPath = values.path ?? path.join(dir as string, 'analytics.duckdb');
const store = await createDuckDbAnalytics({ path: dbPath });
const facts = machineFacts();
printFacts(facts, { events: String(TOTAL), batch: String(BATCH), database: dbPath });

let ingestMs = 0;
let generateMs = 0;
const batchMs: number[] = [];
for (let from = 0; from < TOTAL; from += BATCH) {
  const g0 = performance.now();
  const batch = makeBatch(from, Math.min(BATCH, TOTAL - from));
  const t0 = performance.now();
  const result = await store.ingest(batch);
  const t1 = performance.now();
  if (result.inserted !== batch.length) throw new Error(`expected ${batch.length} inserted, got ${result.inserted}`);
  generateMs += t0 - g0;
  ingestMs += t1 - t0;
  batchMs.push(t1 - t0);
  if (batchMs.length % 10 === 0) console.error(`  ${from + batch.length} events, last batch ${fixed(t1 - t0, 0)} ms`);
}

// A replay of a batch from the middle: every event a duplicate.
const replay = makeBatch(0, Math.min(BATCH, TOTAL));
const r0 = performance.now();
const replayed = await store.ingest(replay);
const replayMs = performance.now() - r0;
if (replayed.inserted !== 0) throw new Error('a replay inserted events');

const sizes = await store.tableSizes();
const query = {
  organizationId: ORG,
  dimensions: ['campaign', 'day'] as const,
  metrics: ['impressions', 'clicks', 'ctr', 'spend', 'ecpm'] as const,
  from: '2026-11-01',
  to: '2026-11-30',
  timeZone: 'Europe/Berlin',
};
const reportMs: number[] = [];
let rows = 0;
for (let i = 0; i < Number(values.reports); i += 1) {
  const q0 = performance.now();
  const result = await store.report({ ...query, dimensions: [...query.dimensions], metrics: [...query.metrics] });
  reportMs.push(performance.now() - q0);
  rows = result.totalRows;
}
await store.close();
const fileBytes = values.path === ':memory:' ? 0 : statSync(dbPath).size;
if (dir) rmSync(dir, { recursive: true, force: true });

const sorted = [...batchMs].sort((a, b) => a - b);
console.log(
  markdownTable(
    ['measure', 'value'],
    [
      ['events ingested', TOTAL.toLocaleString('en-US')],
      ['batch size', BATCH.toLocaleString('en-US')],
      ['ingest throughput (store only)', `${Math.round(TOTAL / (ingestMs / 1000)).toLocaleString('en-US')} events/s`],
      [
        'ingest throughput (incl. generating events)',
        `${Math.round(TOTAL / ((ingestMs + generateMs) / 1000)).toLocaleString('en-US')} events/s`,
      ],
      ['batch time p50 / max', `${fixed(median(batchMs), 0)} / ${fixed(sorted[sorted.length - 1] ?? 0, 0)} ms`],
      ['replayed batch (all duplicates)', `${fixed(replayMs, 0)} ms for ${replay.length.toLocaleString('en-US')} events`],
      ['rows: events', sizes.events.toLocaleString('en-US')],
      ...Object.entries(sizes.rollups).map(([table, rows]) => [`rows: ${table}`, rows.toLocaleString('en-US')]),
      ['database file', `${fixed(fileBytes / 1e6, 0)} MB`],
      ['report campaign × day, 30 days: rows', rows.toLocaleString('en-US')],
      ['report p50 / first / max', `${fixed(median(reportMs), 1)} / ${fixed(reportMs[0] ?? 0, 1)} / ${fixed(Math.max(...reportMs), 1)} ms`],
    ],
  ),
);
