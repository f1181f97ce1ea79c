import { Readable } from 'node:stream';
import { ROLES } from '@adplatform/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
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
        summary: 'A report: dimensions × metrics over a date range, as JSON, CSV or Parquet',
        description: [
          'Rows grouped by the dimensions, with the metrics, for dates in the organization’s time zone; totals over the whole query. Money in micros as strings; rates as decimals, null when their denominator is 0.',
          'Export: with `"format": "csv"` or `"format": "parquet"` the answer is a file download (`Content-Disposition: attachment`) of every row of the report in its order, streamed as the rows are read (a report of millions of rows is never held in memory), without totals and without the JSON envelope.',
          'CSV (`text/csv`, RFC 4180, CRLF): a header of the dimensions then the metrics, values as in JSON, null as an empty field. Parquet (`application/vnd.apache.parquet`): the same columns typed — dimensions strings, counts INT64, rates DOUBLE, money DECIMAL(38,0) micros.',
          'A refused body answers 400 before any byte of the file is sent.',
        ].join('\n\n'),
        body: ReportBody,
        response: { 200: ReportAnswer },
      },
    },
    async (request, reply) => {
      const format = request.body.format ?? 'json';
      if (format === 'json') return reports.run(contextOf(request), request.body);
      const file = await reports.export(contextOf(request), request.body, format);
      // A file, not the JSON answer the 200 schema types: sent as a byte stream, which Fastify never serializes.
      return (reply as FastifyReply)
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(Readable.from(file.body, { objectMode: false }));
    },
  );
};
