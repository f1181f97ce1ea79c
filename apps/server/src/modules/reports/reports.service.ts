import { AppError, invalidField, isAppError } from '@adplatform/domain';
import {
  type AnalyticsStore,
  checkReportQuery,
  type MetadataStore,
  REPORT_EXPORT_MEDIA_TYPES,
  type ReportExportFormat,
  type ReportQuery,
} from '@adplatform/ports';
import type { RequestContext } from '../audit/audit-recorder.js';
import { scopeReportQuery } from './report-scope.js';
import { DEFAULT_JSON_LIMIT, type ReportBody } from './reports.schemas.js';

export interface ReportFile {
  contentType: string;
  fileName: string;
  body: AsyncIterable<Uint8Array>;
}

/**
 * Reports over the organization's events; the query always carries the caller's
 * organization (tenancy) and, for a caller limited to some advertisers or
 * publishers, their ids (ADR 0017). JSON and exports go through `prepare` alike.
 */
export class ReportsService {
  constructor(private readonly deps: { store: MetadataStore; analytics: AnalyticsStore | undefined }) {}

  /** A page of rows with totals (`format` json or absent). */
  async run(ctx: RequestContext, body: ReportBody) {
    const { analytics, query, timeZone } = await this.prepare(ctx, { ...body, limit: body.limit ?? DEFAULT_JSON_LIMIT });
    return { ...(await analytics.report(query)), timeZone };
  }

  /** Every row as a CSV or Parquet stream; a refused query throws before the stream starts. */
  async export(ctx: RequestContext, body: ReportBody, format: ReportExportFormat): Promise<ReportFile> {
    const { analytics, query } = await this.prepare(ctx, body);
    const stream = await analytics.exportReport(query, format);
    return { contentType: REPORT_EXPORT_MEDIA_TYPES[format], fileName: `report-${query.from}-${query.to}.${format}`, body: stream };
  }

  private async prepare(ctx: RequestContext, body: ReportBody) {
    const analytics = this.deps.analytics;
    if (!analytics) throw new AppError('SERVICE_UNAVAILABLE', 'Analytics is not enabled on this server');
    const organization = await this.deps.store.organizations.get(ctx.principal.organizationId);
    const timeZone = organization?.timezone ?? 'UTC';
    const { format: _format, ...rest } = body;
    const query: ReportQuery = { ...rest, organizationId: ctx.principal.organizationId, timeZone };
    try {
      checkReportQuery(query);
    } catch (error) {
      // The port names fields as JSON pointers into the query (`sort/0/by`); answer in the body's terms.
      const issue = isAppError(error) ? error.details?.issues?.[0] : undefined;
      if (!issue) throw error;
      throw invalidField(`body.${issue.path.replace(/\/(\d+)/g, '[$1]').replaceAll('/', '.')}`, issue.message);
    }
    // After validation, so an unknown field is still a 400; a caller's limit narrows a valid query or refuses it (403).
    return { analytics, query: scopeReportQuery(ctx.principal, body, query), timeZone };
  }
}
