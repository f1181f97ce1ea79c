// Reports over a large analytics store (issue 5: campaign × day over 30 days at 100 M events, p50 < 1 s).
// 1. Load: --events events generated inside DuckDB (SQL over range(), hashed dimensions: report-load.ts)
//    straight into the adapter's `events` table by bulkLoadSql, --load-batch a statement; no dedupe, no
//    rollups (100 M through ingest, at 10–50 k events/s on this machine, would take hours).
// 2. Rollups: rebuildRollups() refills every rollup from the events with the adapter's own SQL (timed).
// 3. Reports through the port's report(): campaign × day over the 30 days for the organization in UTC (its
//    rollup zone: the local-day rollup), in Europe/Berlin before its rebuild (hourly rollup) and after
//    useTimeZone (local-day rollup), in Asia/Kolkata before (raw events) and after (local-day rollup, rebuilt
//    from raw events). Each rollup answer is checked equal to the fallback's. p50/p99 of --runs runs.
// 4. Ingest figure: --ingest-events more events through DuckDbAnalytics.ingest in batches of --batch.
// Run: npm run bench:report -- [--events 100000000] [--load-batch 10000000] [--runs 15] [--fallback-runs 5]
//      [--rebuild-runs 3] [--ingest-events 200000] [--batch 50000] [--threads 2] [--path file] [--keep]
//      [--reuse]  (the database goes to a temp dir, deleted after, unless --path; --reuse keeps the events
//      of an earlier run at --path, delete the file yourself)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDuckDbAnalytics } from '@adplatform/adapter-duckdb';
import type { ReportQuery, ReportResult } from '@adplatform/ports';
import { fixed, machineFacts, markdownTable, median, printFacts } from './report.js';
import { eventsInsertSql } from './report-load.js';
import { makeEvents, ORG } from './report-workload.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000000' },
    'load-batch': { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '15' },
    'fallback-runs': { type: 'string', default: '5' },
    'rebuild-runs': { type: 'string', default: '3' },
    'ingest-events': { type: 'string', default: '200000' },
    batch: { type: 'string', default: '50000' },
    threads: { type: 'string', default: '2' },
    path: { type: 'string' },
    'memory-limit': { type: 'string', default: '6GB' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.events);
const LOAD_BATCH = Number(values['load-batch']);
const RUNS = Number(values.runs);
const FALLBACK_RUNS = Number(values['fallback-runs']);

const dir = values.path ? undefined : mkdtempSync(path.join(tmpdir(), 'adp-report-bench-'));
const dbPath = values.path ?? path.join(dir as string, 'analytics.duckdb');
const store = await createDuckDbAnalytics({
  path: dbPath,
  threads: Number(values.threads),
  memoryLimit: values['memory-limit'],
  rebuildZonesOnReport: false,
});
printFacts(machineFacts(), { events: TOTAL.toLocaleString('en-US'), database: dbPath, threads: values.threads });

const percentile = (list: readonly number[], p: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const seconds = (ms: number) => `${fixed(ms / 1000, 1)} s`;
const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const result = await work();
  return [result, performance.now() - t0];
};

// 1. Load (--reuse with --path: keep the events an earlier run loaded there, when they are --events many).
const reused = values.reuse && (await store.tableSizes()).events === TOTAL;
let loadMs = 0;
for (let from = 0; from < (reused ? 0 : TOTAL); from += LOAD_BATCH) {
  const count = Math.min(LOAD_BATCH, TOTAL - from);
  const [inserted, ms] = await timed(() => store.bulkLoadSql([eventsInsertSql(from, count, TOTAL)]));
  loadMs += ms;
  if (inserted !== count) throw new Error(`expected ${count} loaded, got ${inserted}`);
  console.error(`  ${(from + count).toLocaleString('en-US')} events loaded (${seconds(loadMs)})`);
}

// 2. Rollups, with the organization's rollup zone at UTC (the default; a reused database may hold another).
await store.useTimeZone(ORG, 'UTC');
const [, rollupMs] = await timed(() => store.rebuildRollups());
console.error(`  rollups built (${seconds(rollupMs)})`);

// 3. Reports.
const campaignByDay = (timeZone: string): ReportQuery => ({
  organizationId: ORG,
  dimensions: ['campaign', 'day'],
  metrics: ['impressions', 'clicks', 'ctr', 'spend', 'ecpm'],
  from: '2026-11-01',
  to: '2026-11-30',
  timeZone,
});
interface Timing {
  name: string;
  ms: number[];
  result: ReportResult;
  source: string;
}
async function timeReport(name: string, query: ReportQuery, runs: number): Promise<Timing> {
  const ms: number[] = [];
  let result: ReportResult | undefined;
  for (let i = 0; i < runs; i += 1) {
    const [answer, took] = await timed(() => store.report(query));
    ms.push(took);
    result = answer;
  }
  if (!result) throw new Error('no runs');
  console.error(`  ${name}: p50 ${fixed(median(ms), 0)} ms`);
  return { name, ms, result, source: await store.sourceOf(query) };
}
function expectSameRows(a: Timing, b: Timing): void {
  if (JSON.stringify(a.result) !== JSON.stringify(b.result)) throw new Error(`${a.name} and ${b.name} differ`);
}
async function timeRebuild(timeZone: string) {
  const ms: number[] = [];
  let used: Record<string, string> = {};
  for (let i = 0; i < Number(values['rebuild-runs']); i += 1) {
    const [answer, took] = await timed(() => store.useTimeZone(ORG, timeZone));
    ms.push(took);
    used = answer;
  }
  return { timeZone, ms, from: [...new Set(Object.values(used))].join(', ') };
}

const utc = await timeReport('UTC (rollup zone)', campaignByDay('UTC'), RUNS);
const berlinHourly = await timeReport('Europe/Berlin, before its rebuild', campaignByDay('Europe/Berlin'), FALLBACK_RUNS);
const kolkataRaw = await timeReport('Asia/Kolkata, before its rebuild', campaignByDay('Asia/Kolkata'), FALLBACK_RUNS);
const berlinRebuild = await timeRebuild('Europe/Berlin');
const berlin = await timeReport('Europe/Berlin (rollup zone)', campaignByDay('Europe/Berlin'), RUNS);
expectSameRows(berlin, berlinHourly);
const kolkataRebuild = await timeRebuild('Asia/Kolkata');
const kolkata = await timeReport('Asia/Kolkata (rollup zone)', campaignByDay('Asia/Kolkata'), RUNS);
expectSameRows(kolkata, kolkataRaw);
const reports = [utc, berlinHourly, kolkataRaw, berlin, kolkata];

// 4. Ingest figure, after the reports (its events follow the 30 days).
const JS_EVENTS = Number(values['ingest-events']);
let ingestMs = 0;
for (let from = TOTAL; from < TOTAL + JS_EVENTS; from += Number(values.batch)) {
  const batch = makeEvents(from, Math.min(Number(values.batch), TOTAL + JS_EVENTS - from), TOTAL);
  const [result, ms] = await timed(() => store.ingest(batch));
  ingestMs += ms;
  if (result.inserted !== batch.length) throw new Error(`expected ${batch.length} inserted, got ${result.inserted}`);
}

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
        `bulk load through bulkLoadSql (SQL-generated, batches of ${LOAD_BATCH.toLocaleString('en-US')})`,
        reused ? 'reused' : `${seconds(loadMs)} (${Math.round(TOTAL / (loadMs / 1000)).toLocaleString('en-US')} events/s)`,
      ],
      ['every rollup built from the events (rebuildRollups)', seconds(rollupMs)],
      ...[berlinRebuild, kolkataRebuild].map((r) => [
        `local-day rollups rebuilt for ${r.timeZone} from ${r.from}, median of ${r.ms.length}`,
        `${fixed(median(r.ms), 0)} ms`,
      ]),
      ['rows: events', sizes.events.toLocaleString('en-US')],
      ...Object.entries(sizes.rollups).map(([table, rows]) => [`rows: ${table}`, rows.toLocaleString('en-US')]),
      ['database file', `${fixed(fileBytes / 1e9, 2)} GB`],
      ...reports.map((r) => [
        `campaign × day, ${r.name}: ${r.result.totalRows.toLocaleString('en-US')} rows from ${r.source}, p50 / p99 (${r.ms.length} runs)`,
        `${fixed(median(r.ms), 1)} / ${fixed(percentile(r.ms, 99), 1)} ms`,
      ]),
      [
        `ingest through DuckDbAnalytics.ingest (${JS_EVENTS.toLocaleString('en-US')} events, batches of ${values.batch}, Asia/Kolkata rollup zone)`,
        JS_EVENTS > 0 ? `${Math.round(JS_EVENTS / (ingestMs / 1000)).toLocaleString('en-US')} events/s` : 'n/a',
      ],
    ],
  ),
);
