// The report benchmark's bulk load: events generated inside DuckDB (SQL over range(), dimensions from
// DuckDB's hash of the event number) straight into the adapter's `events` table, the columns its ingest
// writes. The same shape as report-workload's stream — the type shares, 500 campaigns of 50 advertisers
// (4 line items, 3 creatives each), 1,000 placements on 200 sites of 20 publishers, 12 countries, 3 device
// types, 5 OSes, 6 browsers, paid impressions, one organization, in time order over 30 days — but not
// the same events (hashes instead of report-workload's mix, which costs too much per row at 100 M).
import { ORG, SPAN_MS, T0 } from './report-workload.js';

const TYPES: [string, number][] = [
  ['request', 420],
  ['impression', 360],
  ['viewable', 200],
  ['click', 18],
  ['conversion', 2],
];
const list = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`;
const COUNTRIES = list(['US', 'DE', 'FR', 'GB', 'ES', 'IT', 'NL', 'PL', 'SE', 'BR', 'JP', 'IN']);
const DEVICES = list(['desktop', 'mobile', 'tablet']);
const OSES = list(['windows', 'macos', 'android', 'ios', 'linux']);
const BROWSERS = list(['chrome', 'safari', 'firefox', 'edge', 'samsung', 'other']);

/** Bits [from, from + width) of a 63-bit hash column, as a BIGINT. */
const bits = (hash: string, from: number, width: number) => `((${hash} >> ${from}) & ${2 ** width - 1})`;

/** An INSERT of events n in [from, from + count) of `total` into `events` (for DuckDbAnalytics.bulkLoadSql). */
export function eventsInsertSql(from: number, count: number, total: number): string {
  let share = 0;
  const typeCase = `CASE ${TYPES.map(([type, s]) => {
    share += s;
    return `WHEN roll < ${share} THEN '${type}'`;
  }).join(' ')} END`;
  return `INSERT INTO events
    SELECT 'e-' || n, type, ${T0} + (n * ${SPAN_MS}) // ${total}, '${ORG}', NULL,
      'adv-' || (campaign % 50), 'cmp-' || campaign,
      'li-' || (campaign * 4 + ${bits('g', 0, 10)} % 4), 'cr-' || (campaign * 3 + ${bits('g', 10, 10)} % 3),
      'pub-' || (placement // 50), 'site-' || (placement // 5), 'pl-' || placement,
      ${COUNTRIES}[1 + ${bits('g', 20, 10)} % 12], NULL, ${DEVICES}[1 + ${bits('g', 30, 10)} % 3],
      ${OSES}[1 + ${bits('g', 40, 10)} % 5], ${BROWSERS}[1 + ${bits('g', 50, 10)} % 6],
      CASE WHEN type = 'impression' THEN 2500 END, CASE WHEN type = 'impression' THEN 1750 END, NULL, NULL
    FROM (SELECT n, g, ${typeCase} AS type, campaign, placement
      FROM (SELECT n, g, ${bits('h', 0, 20)} % 1000 AS roll, ${bits('h', 20, 20)} % 500 AS campaign,
              ${bits('h', 40, 20)} % 1000 AS placement
            FROM (SELECT n, (hash(n) >> 1)::BIGINT AS h, (hash(n + ${total}) >> 1)::BIGINT AS g
                  FROM range(${from}, ${from + count}) r(n))))`;
}
