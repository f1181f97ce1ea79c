import { ROLES } from '@adplatform/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { contextOf } from '../../http/context.js';
import { ReportAnswer, ReportBody } from './reports.schemas.js';
import type { ReportsService } from './reports.service.js';

/** `POST /api/v1/reports`: every role of the organization may read its reports (analysts included). */
export const reportsRoutes: FastifyPluginAsyncTypebox<{ reports: ReportsService }> = async (app, { reports }) => {
  app.post(
    '/api/v1/reports',
    {
      config: { access: { roles: ROLES } },
      schema: {
        tags: ['reports'],
        summary: 'A report: dimensions × metrics over a date range',
        description:
          'Rows grouped by the dimensions, with the metrics, for dates in the organization’s time zone; totals over the whole query. Money in micros as strings; rates as decimals, null when their denominator is 0.',
        body: ReportBody,
        response: { 200: ReportAnswer },
      },
    },
    async (request) => reports.run(contextOf(request), request.body),
  );
};
