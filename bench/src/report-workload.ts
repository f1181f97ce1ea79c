// The synthetic delivery stream of the report benchmark, as JS events (the adapter's ingest path) and as
// SQL that fills the adapter's staging tables (the same dedupe, insert and rollup path, without building
// 100 M objects in JS). Both give the same events for the same numbers n: 500 campaigns of 50 advertisers
// (4 line items, 3 creatives each), 1,000 placements on 200 sites of 20 publishers, over 30 days.
import type { DeliveryEvent, DeliveryEventType } from '@adplatform/ports';

export const ORG = '0190f5c2-0000-7000-8000-000000000001';
export const T0 = Date.UTC(2026, 10, 1);
export const SPAN_MS = 30 * 86_400_000;

const TYPES: [DeliveryEventType, number][] = [
  ['request', 420],
  ['impression', 360],
  ['viewable', 200],
  ['click', 18],
  ['conversion', 2],
];
const COUNTRIES = ['US', 'DE', 'FR', 'GB', 'ES', 'IT', 'NL', 'PL', 'SE', 'BR', 'JP', 'IN'];
const DEVICES = ['desktop', 'mobile', 'tablet'];
const OSES = ['windows', 'macos', 'android', 'ios', 'linux'];
const BROWSERS = ['chrome', 'safari', 'firefox', 'edge', 'samsung', 'other'];
const range = (n: number, name: (i: number) => string) => Array.from({ length: n }, (_, i) => name(i));

/** Every value of each coded column, in the order of their dictionary codes. */
const VALUES = {
  type: TYPES.map(([t]) => t),
  organization_id: [ORG],
  advertiser_id: range(50, (i) => `adv-${i}`),
  campaign_id: range(500, (i) => `cmp-${i}`),
  line_item_id: range(2000, (i) => `li-${i}`),
  creative_id: range(1500, (i) => `cr-${i}`),
  publisher_id: range(20, (i) => `pub-${i}`),
  site_id: range(200, (i) => `site-${i}`),
  placement_id: range(1000, (i) => `pl-${i}`),
  country: COUNTRIES,
  device_type: DEVICES,
  os: OSES,
  browser: BROWSERS,
} as const;
type Coded = keyof typeof VALUES;

/** A 32-bit mix of (n, salt), the same in JS and in SQL. */
const mix = (n: number, salt: number) => {
  const a = (BigInt(n) * 2_654_435_761n + BigInt(salt * 40_503)) % 4_294_967_296n;
  return Number(((a ^ (a >> 13n)) * 1_274_126_177n) % 4_294_967_296n);
};
const mixSql = (salt: number) => {
  const a = `((n * 2654435761 + ${salt * 40_503}) % 4294967296)`;
  return `((xor(${a}, ${a} >> 13) * 1274126177) % 4294967296)`;
};

/** The parts of event n, as indexes into VALUES. */
function parts(n: number) {
  const roll = mix(n, 1) % 1000;
  let acc = 0;
  let type = 0;
  for (const [i, [, share]] of TYPES.entries()) {
    acc += share;
    if (roll < acc) {
      type = i;
      break;
    }
  }
  const campaign = mix(n, 2) % 500;
  const placement = mix(n, 3) % 1000;
  return { type, campaign, placement };
}

export function makeEvents(from: number, count: number, total: number): DeliveryEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const { type, campaign, placement } = parts(n);
    const site = Math.floor(placement / 5);
    const kind = TYPES[type]?.[0] ?? 'request';
    return {
      id: `0190f5c2-${n.toString(16).padStart(12, '0')}`,
      type: kind,
      at: T0 + Math.floor((n * SPAN_MS) / total),
      organizationId: ORG,
      advertiserId: `adv-${campaign % 50}`,
      campaignId: `cmp-${campaign}`,
      lineItemId: `li-${campaign * 4 + (mix(n, 4) % 4)}`,
      creativeId: `cr-${campaign * 3 + (mix(n, 5) % 3)}`,
      publisherId: `pub-${Math.floor(site / 10)}`,
      siteId: `site-${site}`,
      placementId: `pl-${placement}`,
      country: COUNTRIES[mix(n, 6) % COUNTRIES.length],
      deviceType: DEVICES[mix(n, 7) % DEVICES.length],
      os: OSES[mix(n, 8) % OSES.length],
      browser: BROWSERS[mix(n, 9) % BROWSERS.length],
      ...(kind === 'impression' ? { costMicros: '2500', revenueMicros: '1750' } : {}),
    };
  });
}

/** The dictionary codes: each coded column's values take consecutive codes from 1, in VALUES order. */
const OFFSETS = (() => {
  const offsets = {} as Record<Coded, number>;
  let next = 1;
  for (const key of Object.keys(VALUES) as Coded[]) {
    offsets[key] = next;
    next += VALUES[key].length;
  }
  return offsets;
})();

const DICTIONARY_SQL = `INSERT INTO staging_dict VALUES ${(Object.keys(VALUES) as Coded[])
  .flatMap((key) => VALUES[key].map((value, i) => `(${OFFSETS[key] + i}, '${value}')`))
  .join(', ')}`;

/** Statements for DuckDbAnalytics.ingestStagedSql: events n in [from, from + count) of `total`, as makeEvents gives them. */
export function stagedEventsSql(from: number, count: number, total: number): string[] {
  const typeCase = `CASE ${TYPES.map((_, i) => `WHEN roll < ${TYPES.slice(0, i + 1).reduce((a, [, s]) => a + s, 0)} THEN ${i}`).join(' ')} ELSE 0 END`;
  const code = (key: Coded, index: string) => `${OFFSETS[key]} + (${index})`;
  return [
    DICTIONARY_SQL,
    `INSERT INTO events_staging
      SELECT '0190f5c2-' || lpad(printf('%x', n), 12, '0'), NULL, ${T0} + (n * ${SPAN_MS}) // ${total},
        CASE WHEN type = 1 THEN 2500 END, CASE WHEN type = 1 THEN 1750 END, NULL,
        ${code('type', 'type')}, ${OFFSETS.organization_id},
        ${code('advertiser_id', 'campaign % 50')}, ${code('campaign_id', 'campaign')},
        ${code('line_item_id', `campaign * 4 + ${mixSql(4)} % 4`)}, ${code('creative_id', `campaign * 3 + ${mixSql(5)} % 3`)},
        ${code('publisher_id', 'placement // 50')}, ${code('site_id', 'placement // 5')}, ${code('placement_id', 'placement')},
        ${code('country', `${mixSql(6)} % ${COUNTRIES.length}`)}, NULL, ${code('device_type', `${mixSql(7)} % ${DEVICES.length}`)},
        ${code('os', `${mixSql(8)} % ${OSES.length}`)}, ${code('browser', `${mixSql(9)} % ${BROWSERS.length}`)}, NULL
      FROM (SELECT n, ${typeCase} AS type, campaign, placement
            FROM (SELECT n, ${mixSql(1)} % 1000 AS roll, ${mixSql(2)} % 500 AS campaign, ${mixSql(3)} % 1000 AS placement
                  FROM range(${from}, ${from + count}) r(n)))`,
  ];
}
