import { MAX_REPORT_LIMIT, REPORT_DIMENSIONS, REPORT_EXPORT_FORMATS, REPORT_FILTER_FIELDS, REPORT_METRICS } from '@adplatform/ports';
import Type, { type Static } from 'typebox';
import { METRICS_BY_SIDE } from './report-scope.js';

/** Rows per JSON page when the body sets no `limit`. */
export const DEFAULT_JSON_LIMIT = 1000;

const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A date `YYYY-MM-DD` in the organization’s time zone.' });
const Dimension = Type.Enum([...REPORT_DIMENSIONS]);
const Metric = Type.Enum([...REPORT_METRICS]);

export const ReportBody = Type.Object(
  {
    dimensions: Type.Array(Dimension, {
      maxItems: REPORT_DIMENSIONS.length,
      uniqueItems: true,
      description: 'Group rows by these, in order.',
    }),
    metrics: Type.Array(Metric, {
      minItems: 1,
      maxItems: REPORT_METRICS.length,
      uniqueItems: true,
      description:
        'A credential limited to some advertisers or publishers (ADR 0017) may request only its side’s metrics, listed in `x-metrics-of-limited-callers`; any other answers 403 naming it.',
      'x-metrics-of-limited-callers': METRICS_BY_SIDE,
    }),
    from: LocalDate,
    to: { ...LocalDate, description: 'Inclusive.' },
    filters: Type.Optional(
      Type.Object(
        Object.fromEntries(
          REPORT_FILTER_FIELDS.map((field) => [
            field,
            Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 1000 })),
          ]),
        ),
        { additionalProperties: false, description: 'Keep rows whose field is one of the listed values; fields combine with AND.' },
      ),
    ),
    sort: Type.Optional(
      Type.Array(
        Type.Object(
          { by: Type.Enum([...REPORT_DIMENSIONS, ...REPORT_METRICS]), direction: Type.Enum(['asc', 'desc']) },
          { additionalProperties: false },
        ),
        { maxItems: 5 },
      ),
    ),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_REPORT_LIMIT,
        description: `Rows per page. JSON: default ${DEFAULT_JSON_LIMIT}. Export: every row unless set.`,
      }),
    ),
    offset: Type.Optional(Type.Integer({ minimum: 0, description: 'Rows to skip before the page; default 0.' })),
    format: Type.Optional(
      Type.Enum(['json', ...REPORT_EXPORT_FORMATS], {
        description:
          '`json` (default): a page of rows with totals. `csv` or `parquet`: every row (sort honoured) as a streamed file download, no totals.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ReportBody = Static<typeof ReportBody>;

const Value = Type.Union([Type.String(), Type.Number(), Type.Null()]);
export const ReportAnswer = Type.Object({
  rows: Type.Array(Type.Record(Type.String(), Value)),
  totals: Type.Record(Type.String(), Value, { description: 'The metrics over every row of the query, not only this page.' }),
  totalRows: Type.Integer(),
  timeZone: Type.String({ description: 'The organization’s zone: `day`, `hour`, `from` and `to` are local to it.' }),
});
