import { useQuery } from '@tanstack/solid-query';
import { api } from './api.js';

export type LimitedSide = 'advertiser' | 'publisher';

export interface ReportFields {
  dimensions: string[];
  metrics: string[];
  /** The metrics a credential limited to one side may request (ADR 0017), when the server lists them. */
  metricsOfLimited?: Partial<Record<LimitedSide, string[]>>;
}

/** The metrics a caller may request: all of them, or for a caller limited to one side, that side's. */
export function metricsFor(fields: ReportFields, side: LimitedSide | undefined): string[] {
  const allowed = side ? fields.metricsOfLimited?.[side] : undefined;
  return allowed ? fields.metrics.filter((metric) => allowed.includes(metric)) : fields.metrics;
}

type Schema = { $ref?: string; enum?: unknown[]; anyOf?: Schema[]; oneOf?: Schema[]; const?: unknown; [key: string]: unknown };

/** Follows a local `$ref` (`#/components/schemas/…`) to the schema it names. */
function resolve(doc: unknown, schema: Schema | undefined): Schema | undefined {
  if (!schema?.$ref?.startsWith('#/')) return schema;
  let node: unknown = doc;
  for (const part of schema.$ref.slice(2).split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return resolve(doc, node as Schema | undefined);
}

/** The string values an enum schema allows: `enum`, or `anyOf`/`oneOf` of `const`s. */
function enumValues(doc: unknown, schema: Schema | undefined): string[] {
  const s = resolve(doc, schema);
  if (Array.isArray(s?.enum)) return s.enum.filter((v): v is string => typeof v === 'string');
  const options = s?.anyOf ?? s?.oneOf ?? [];
  return options.map((o) => resolve(doc, o)?.const).filter((v): v is string => typeof v === 'string');
}

/**
 * The dimensions and metrics POST /api/v1/reports accepts, as the server's
 * OpenAPI document lists them (the request body's `dimensions` and `metrics`
 * item enums, and the metrics' `x-metrics-of-limited-callers`), so the
 * dashboard keeps no copy of its own. Throws when the
 * document lists none, which means its shape is not what this reads.
 */
export function reportFieldsFrom(doc: unknown): ReportFields {
  const paths = (doc as { paths?: Record<string, { post?: { requestBody?: unknown } }> } | null)?.paths;
  const body = resolve(doc, paths?.['/api/v1/reports']?.post?.requestBody as Schema | undefined) as
    | { content?: Record<string, { schema?: Schema }> }
    | undefined;
  const request = resolve(doc, body?.content?.['application/json']?.schema);
  const properties = request?.['properties'] as Record<string, Schema> | undefined;
  const itemsOf = (name: string) => enumValues(doc, resolve(doc, properties?.[name])?.['items'] as Schema | undefined);
  const fields: ReportFields = { dimensions: itemsOf('dimensions'), metrics: itemsOf('metrics') };
  if (fields.dimensions.length === 0 || fields.metrics.length === 0) {
    throw new Error('The server’s API document lists no report dimensions or metrics; reload the page, or update the dashboard.');
  }
  const limited = resolve(doc, properties?.['metrics'])?.['x-metrics-of-limited-callers'] as Record<string, unknown> | undefined;
  const listOf = (side: LimitedSide) => {
    const list = limited?.[side];
    return Array.isArray(list) ? { [side]: list.filter((m): m is string => typeof m === 'string') } : {};
  };
  if (limited) fields.metricsOfLimited = { ...listOf('advertiser'), ...listOf('publisher') };
  return fields;
}

/** The report fields from /openapi.json, fetched once per page load: they change only with the server's version. */
export function useReportFields() {
  return useQuery(() => ({
    queryKey: ['/openapi.json', 'report fields'],
    queryFn: async () => reportFieldsFrom(await api.get<unknown>('/openapi.json')),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  }));
}
