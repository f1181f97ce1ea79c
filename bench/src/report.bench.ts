// Reports over a large analytics store (issue 5: campaign × day over 30 days at 100 M events, p50 < 1 s).
// 1. Ingest figure: --ingest-events events built in JS go through DuckDbAnalytics.ingest in batches of
//    --batch (the log consumer's path: data chunks → staging → dedupe → events + rollups), events/s.
// 2. Load: the rest up to --events is generated inside DuckDB (SQL over range()) into the adapter's staging
//    tables and committed by the same code as ingest (dedupe, events, every rollup, compaction), 1 M a call.
// 3. Reports: campaign × day over the 30 days in Europe/Berlin (hourly rollup), in UTC (daily rollup), and
//    the same grouping forced onto raw events (Asia/Kolkata, a half-hour zone) as the baseline: p50/p95.
// Run: npm run bench:report -- [--events 100000000] [--ingest-events 1000000] [--batch 50000] [--runs 9]
//      [--raw-runs 3] [--path file] [--keep]   (the database goes to a temp dir, deleted after, unless --path)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDuckDbAnalytics } from '@adplatform/adapter-duckdb';
import type { ReportQuery } from '@adplatform/ports';
import { fixed, machineFacts, markdownTable, median, printFacts } from './report.js';
import { makeEvents, ORG, stagedEventsSql } from './report-workload.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000000' },
    'ingest-events': { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '50000' },
    'load-batch': { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '9' },
    'raw-runs': { type: 'string', default: '3' },
    path: { type: 'string' },
    'memory-limit': { type: 'string', default: '6GB' },
    keep: { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.events);
const JS_EVENTS = Math.min(TOTAL, Number(values['ingest-events']));
const BATCH = Number(values.batch);
const LOAD_BATCH = Number(values['load-batch']);

const dir = values.path ? undefined : mkdtempSync(path.join(tmpdir(), 'adp-report-bench-'));
const dbPath = values.path ?? path.join(dir as string, 'analytics.duckdb');
const store = await createDuckDbAnalytics({ path: dbPath, threads: 2, memoryLimit: values['memory-limit'] });
printFacts(machineFacts(), { events: TOTAL.toLocaleString('en-US'), database: dbPath });

const percentile = (list: readonly number[], p: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

// 1. The ingest figure, through the adapter's JS path.
let ingestMs = 0;
for (let from = 0; from < JS_EVENTS; from += BATCH) {
  const batch = makeEvents(from, Math.min(BATCH, JS_EVENTS - from), TOTAL);
  const t0 = performance.now();
  const result = await store.ingest(batch);
  ingestMs += performance.now() - t0;
  if (result.inserted !== batch.length) throw new Error(`expected ${batch.length} inserted, got ${result.inserted}`);
}
const replay = makeEvents(0, Math.min(BATCH, JS_EVENTS), TOTAL);
const r0 = performance.now();
const replayed = await store.ingest(replay);
const replayMs = performance.now() - r0;
if (replayed.inserted !== 0) throw new Error('a replay inserted events');

// 2. The bulk load, through the same commit path.
let loadMs = 0;
for (let from = JS_EVENTS; from < TOTAL; from += LOAD_BATCH) {
  const count = Math.min(LOAD_BATCH, TOTAL - from);
  const t0 = performance.now();
  const result = await store.ingestStagedSql(stagedEventsSql(from, count, TOTAL));
  loadMs += performance.now() - t0;
  if (result.inserted !== count) throw new Error(`expected ${count} inserted, got ${result.inserted}`);
  if (((from - JS_EVENTS) / LOAD_BATCH) % 10 === 9) console.error(`  ${(from + count).toLocaleString('en-US')} events loaded`);
}

// 3. Reports.
const campaignByDay = (timeZone: string): ReportQuery => ({
  organizationId: ORG,
  dimensions: ['campaign', 'day'],
  metrics: ['impressions', 'clicks', 'ctr', 'spend', 'ecpm'],
  from: '2026-11-01',
  to: '2026-11-30',
  timeZone,
});
async function timeReport(query: ReportQuery, runs: number) {
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    rows = (await store.report(query)).totalRows;
    ms.push(performance.now() - t0);
  }
  return { ms, rows, source: store.sourceOf(query) };
}
const reports = [
  ['campaign × day, Europe/Berlin', await timeReport(campaignByDay('Europe/Berlin'), Number(values.runs))],
  ['campaign × day, UTC', await timeReport(campaignByDay('UTC'), Number(values.runs))],
  ['campaign × day, Asia/Kolkata (raw events)', await timeReport(campaignByDay('Asia/Kolkata'), Number(values['raw-runs']))],
] as const;

const sizes = await store.tableSizes();
await store.close();
const fileBytes = statSync(dbPath).size;
if (dir && !values.keep) rmSync(dir, { recursive: true, force: true });

console.log(
  markdownTable(
    ['measure', 'value'],
    [
      ['events', TOTAL.toLocaleString('en-US')],
      [
        `ingest through DuckDbAnalytics.ingest (${JS_EVENTS.toLocaleString('en-US')} events, batches of ${BATCH.toLocaleString('en-US')})`,
        `${Math.round(JS_EVENTS / (ingestMs / 1000)).toLocaleString('en-US')} events/s`,
      ],
      ['replayed batch (all duplicates)', `${fixed(replayMs, 0)} ms for ${replay.length.toLocaleString('en-US')} events`],
      [
        `bulk load through ingestStagedSql (batches of ${LOAD_BATCH.toLocaleString('en-US')})`,
        TOTAL > JS_EVENTS ? `${Math.round((TOTAL - JS_EVENTS) / (loadMs / 1000)).toLocaleString('en-US')} events/s` : 'n/a',
      ],
      ['rows: events', sizes.events.toLocaleString('en-US')],
      ...Object.entries(sizes.rollups).map(([table, rows]) => [`rows: ${table}`, rows.toLocaleString('en-US')]),
      ['database file', `${fixed(fileBytes / 1e9, 2)} GB`],
      ...reports.map(([name, r]) => [
        `${name}: ${r.rows.toLocaleString('en-US')} rows from ${r.source}, p50 / p95 (${r.ms.length} runs)`,
        `${fixed(median(r.ms), 1)} / ${fixed(percentile(r.ms, 95), 1)} ms`,
      ]),
    ],
  ),
);
