import { AppError, invalidField, isAppError } from '@adplatform/domain';
import { type AnalyticsStore, checkReportQuery, type MetadataStore, type ReportQuery } from '@adplatform/ports';
import type { RequestContext } from '../audit/audit-recorder.js';
import type { ReportBody } from './reports.schemas.js';

/** Reports over the organization's events; the query always carries the caller's organization (tenancy). */
export class ReportsService {
  constructor(private readonly deps: { store: MetadataStore; analytics: AnalyticsStore | undefined }) {}

  async run(ctx: RequestContext, body: ReportBody) {
    const analytics = this.deps.analytics;
    if (!analytics) throw new AppError('SERVICE_UNAVAILABLE', 'Analytics is not enabled on this server');
    const organization = await this.deps.store.organizations.get(ctx.principal.organizationId);
    const timeZone = organization?.timezone ?? 'UTC';
    const query: ReportQuery = { ...body, organizationId: ctx.principal.organizationId, timeZone };
    try {
      checkReportQuery(query);
    } catch (error) {
      // The port names fields as JSON pointers into the query (`sort/0/by`); answer in the body's terms.
      const issue = isAppError(error) ? error.details?.issues?.[0] : undefined;
      if (!issue) throw error;
      throw invalidField(`body.${issue.path.replace(/\/(\d+)/g, '[$1]').replaceAll('/', '.')}`, issue.message);
    }
    return { ...(await analytics.report(query)), timeZone };
  }
}
