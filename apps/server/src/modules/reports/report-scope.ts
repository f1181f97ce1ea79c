import type { Principal } from '@adplatform/domain';
import { REPORT_METRICS, type ReportMetric, type ReportQuery } from '@adplatform/ports';
import { accessScopeOf, outsideScope, type ScopeSide } from '../auth/access-scope.js';
import type { ReportBody } from './reports.schemas.js';

/**
 * What a caller limited to some advertisers or publishers may read in a report
 * (ADR 0017, docs/reports.md "Who sees what"). Rows are confined to its side:
 * the advertiser filter (or the publisher filter) is set to its list, or must
 * stay inside it. Metrics are confined to what that side of the market owns:
 * an advertiser sees what it bought (delivery and what it paid), not what
 * publishers earned nor how much inventory went unfilled; a publisher sees its
 * traffic and what it earned, not what advertisers paid nor their conversions.
 */
const BOTH: readonly ScopeSide[] = ['advertiser', 'publisher'];
const BUYER: readonly ScopeSide[] = ['advertiser'];
const SELLER: readonly ScopeSide[] = ['publisher'];

/**
 * Which limited sides may read each metric. A `Record` over every metric, so
 * a metric added to REPORT_METRICS (packages/ports) does not compile until
 * someone decides who may see it; an unlimited caller sees them all.
 */
const SIDES_OF_METRIC: Record<ReportMetric, readonly ScopeSide[]> = {
  requests: SELLER,
  impressions: BOTH,
  fillRate: SELLER,
  viewableImpressions: BOTH,
  viewableRate: BOTH,
  clicks: BOTH,
  ctr: BOTH,
  conversions: BUYER,
  conversionRate: BUYER,
  spend: BUYER,
  revenue: SELLER,
  ecpm: BUYER,
  ecpc: BUYER,
  cpa: BUYER,
};

/** The metrics a caller limited to one side may request, in REPORT_METRICS order. */
export const METRICS_BY_SIDE: Record<ScopeSide, readonly ReportMetric[]> = {
  advertiser: REPORT_METRICS.filter((metric) => SIDES_OF_METRIC[metric].includes('advertiser')),
  publisher: REPORT_METRICS.filter((metric) => SIDES_OF_METRIC[metric].includes('publisher')),
};

const FILTER_OF_SIDE = { advertiser: 'advertiserId', publisher: 'publisherId' } as const;

/**
 * The query narrowed to the caller's limit, or unchanged for an unlimited
 * caller. Throws 403 FORBIDDEN naming the field for a metric (requested or
 * sorted by) the side may not see, or a filter value outside the limit.
 */
export function scopeReportQuery(principal: Principal, body: ReportBody, query: ReportQuery): ReportQuery {
  const scope = accessScopeOf(principal);
  if (!scope) return query;
  const allowed = new Set<string>(METRICS_BY_SIDE[scope.side]);
  const refuse = (metric: string) => `is not available to a credential limited to some ${scope.side}s ("${metric}")`;
  body.metrics.forEach((metric, i) => {
    if (!allowed.has(metric)) throw outsideScope(`body.metrics[${i}]`, refuse(metric));
  });
  (body.sort ?? []).forEach((sort, i) => {
    if (!(query.dimensions as readonly string[]).includes(sort.by) && !allowed.has(sort.by)) {
      throw outsideScope(`body.sort[${i}].by`, refuse(sort.by));
    }
  });
  const field = FILTER_OF_SIDE[scope.side];
  const asked = body.filters?.[field];
  asked?.forEach((id, i) => {
    if (!scope.ids.has(id)) throw outsideScope(`body.filters.${field}[${i}]`, `is outside the ${scope.side}s this credential may see`);
  });
  return { ...query, filters: { ...query.filters, [field]: asked ?? [...scope.ids] } };
}
