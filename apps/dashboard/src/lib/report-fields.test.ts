import { describe, expect, it } from 'vitest';
import { metricsFor, reportFieldsFrom } from './report-fields.js';

/** The part of /openapi.json this reads, in the shape the server writes it (enums inline in the request body). */
const DOCUMENT = {
  openapi: '3.1.0',
  paths: {
    '/api/v1/reports': {
      post: {
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  dimensions: { type: 'array', items: { enum: ['day', 'hour', 'country'] }, uniqueItems: true },
                  metrics: { type: 'array', items: { enum: ['impressions', 'ctr', 'spend'] }, minItems: 1 },
                  from: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  },
};

describe('reportFieldsFrom', () => {
  it("reads the report request's dimension and metric enums, in the server's order", () => {
    expect(reportFieldsFrom(DOCUMENT)).toEqual({ dimensions: ['day', 'hour', 'country'], metrics: ['impressions', 'ctr', 'spend'] });
  });

  it("reads the metrics a limited caller may request from the metrics' x-metrics-of-limited-callers", () => {
    const doc = structuredClone(DOCUMENT) as typeof DOCUMENT;
    const metrics = doc.paths['/api/v1/reports'].post.requestBody.content['application/json'].schema.properties.metrics;
    Object.assign(metrics, { 'x-metrics-of-limited-callers': { advertiser: ['impressions', 'spend'], publisher: ['impressions', 'ctr'] } });
    const fields = reportFieldsFrom(doc);
    expect(fields.metricsOfLimited).toEqual({ advertiser: ['impressions', 'spend'], publisher: ['impressions', 'ctr'] });
    expect(metricsFor(fields, 'publisher')).toEqual(['impressions', 'ctr']);
    expect(metricsFor(fields, undefined)).toEqual(['impressions', 'ctr', 'spend']);
    expect(metricsFor(reportFieldsFrom(DOCUMENT), 'advertiser')).toEqual(['impressions', 'ctr', 'spend']);
  });

  it('follows $refs into components and reads enums written as anyOf of consts', () => {
    const doc = {
      paths: {
        '/api/v1/reports': {
          post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ReportBody' } } } } },
        },
      },
      components: {
        schemas: {
          ReportBody: {
            properties: {
              dimensions: { type: 'array', items: { $ref: '#/components/schemas/Dimension' } },
              metrics: { type: 'array', items: { anyOf: [{ const: 'clicks' }, { const: 'revenue' }] } },
            },
          },
          Dimension: { enum: ['site', 'placement'] },
        },
      },
    };
    expect(reportFieldsFrom(doc)).toEqual({ dimensions: ['site', 'placement'], metrics: ['clicks', 'revenue'] });
  });

  it('throws, rather than offering an empty form, when the document lists no report fields', () => {
    expect(() => reportFieldsFrom({ paths: {} })).toThrow(/no report dimensions or metrics/);
    expect(() => reportFieldsFrom(null)).toThrow(/no report dimensions or metrics/);
    const noMetrics = structuredClone(DOCUMENT);
    noMetrics.paths['/api/v1/reports'].post.requestBody.content['application/json'].schema.properties.metrics.items.enum = [];
    expect(() => reportFieldsFrom(noMetrics)).toThrow(/no report dimensions or metrics/);
  });
});
