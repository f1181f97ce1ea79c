import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ReportQuery } from '@adplatform/ports';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { createDuckDbAnalytics } from './duckdb-analytics.js';
import { event, ORG, T0 } from './test-events.js';

const HOUR_MS = 3_600_000;

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of body) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces);
}

describe('duckdb report export', () => {
  it('writes CSV with the JSON answer values, quoting fields per RFC 4180 and leaving nulls empty', async () => {
    const store = await createDuckDbAnalytics({ path: ':memory:', threads: 1 });
    try {
      await store.ingest([
        event('a', T0, { campaignId: 'plain' }),
        event('b', T0 + 1, { campaignId: 'with, comma "and quotes"', costMicros: '2500' }),
        event('c', T0 + 2, { campaignId: undefined, type: 'request', costMicros: undefined }),
      ]);
      const query: ReportQuery = {
        organizationId: ORG,
        dimensions: ['campaign'],
        metrics: ['impressions', 'ctr', 'spend'],
        from: '2026-11-01',
        to: '2026-11-01',
        timeZone: 'UTC',
        sort: [{ by: 'spend', direction: 'desc' }],
      };
      const csv = (await collect(await store.exportReport(query, 'csv'))).toString('utf8');
      expect(csv).toBe(
        ['campaign,impressions,ctr,spend', '"with, comma ""and quotes""",1,0,2500', 'plain,1,0,1000', ',0,,0', ''].join('\r\n'),
      );
    } finally {
      await store.close();
    }
  });

  it('refuses a bad query before streaming anything', async () => {
    const store = await createDuckDbAnalytics({ path: ':memory:', threads: 1 });
    try {
      const bad = {
        organizationId: ORG,
        dimensions: ['nope'],
        metrics: ['impressions'],
        from: '2026-11-01',
        to: '2026-11-01',
        timeZone: 'UTC',
      };
      await expect(store.exportReport(bad as unknown as ReportQuery, 'csv')).rejects.toThrow(/unknown dimension/);
    } finally {
      await store.close();
    }
  });

  it('writes Parquet that DuckDB reads back as the same rows, money exact beyond 64 bits', async () => {
    const store = await createDuckDbAnalytics({ path: ':memory:', threads: 1 });
    const dir = mkdtempSync(path.join(tmpdir(), 'adp-parquet-test-'));
    try {
      const big = '9000000000000000000';
      await store.ingest([
        event('a', T0, { costMicros: big }),
        event('b', T0 + HOUR_MS, { costMicros: big }),
        event('c', T0 + 2 * HOUR_MS, { campaignId: 'c2', country: 'DE' }),
        event('d', T0 + 2 * HOUR_MS, { campaignId: 'c2', type: 'click', costMicros: undefined }),
      ]);
      const query: ReportQuery = {
        organizationId: ORG,
        dimensions: ['campaign', 'hour'],
        metrics: ['impressions', 'clicks', 'ctr', 'spend', 'ecpm', 'cpa'],
        from: '2026-11-01',
        to: '2026-11-02',
        timeZone: 'Europe/Berlin',
      };
      const file = path.join(dir, 'report.parquet');
      writeFileSync(file, await collect(await store.exportReport(query, 'parquet')));
      const reader = await DuckDBInstance.create(':memory:');
      const connection = await reader.connect();
      const read = await connection.runAndReadAll(
        `SELECT campaign, hour, impressions::INTEGER AS impressions, clicks::INTEGER AS clicks, ctr,
           spend::VARCHAR AS spend, ecpm::VARCHAR AS ecpm, cpa::VARCHAR AS cpa FROM read_parquet('${file}')`,
      );
      const json = await store.report(query);
      expect(read.getRowObjectsJS()).toEqual(json.rows);
      expect(json.rows.map((r) => r.spend)).toEqual([big, big, '1000']);
      connection.closeSync();
      reader.closeSync();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('streams a million-row CSV export with bounded memory', { timeout: 600_000 }, async () => {
    const store = await createDuckDbAnalytics({ path: ':memory:', threads: 2 });
    try {
      // 1,000 placements × 1,000 hours, one impression each: a million report rows (placement × hour).
      const placements = Array.from({ length: 1000 }, (_, i) => `(${i + 3}, 'pl-${i}')`).join(', ');
      await store.ingestStagedSql([
        `INSERT INTO staging_dict VALUES (1, 'impression'), (2, '${ORG}'), ${placements}`,
        `INSERT INTO events_staging (id, at_ms, cost_micros, type_c, organization_id_c, placement_id_c)
           SELECT 'e' || n, ${T0} + (n // 1000) * ${HOUR_MS}, 1000, 1, 2, 3 + n % 1000 FROM range(1000000) r(n)`,
      ]);
      const query: ReportQuery = {
        organizationId: ORG,
        dimensions: ['placement', 'hour'],
        metrics: ['impressions', 'viewableImpressions', 'clicks', 'ctr', 'spend', 'revenue', 'ecpm', 'ecpc'],
        from: '2026-11-01',
        to: '2026-12-15',
        timeZone: 'UTC',
      };
      const before = process.memoryUsage().heapUsed;
      let peak = before;
      let bytes = 0;
      let lines = 0;
      for await (const piece of await store.exportReport(query, 'csv')) {
        bytes += piece.byteLength;
        for (const byte of piece) if (byte === 10) lines += 1;
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
      expect(lines).toBe(1_000_001);
      // The file is far larger than the heap growth allowed: it cannot have been held whole.
      expect(bytes).toBeGreaterThan(40_000_000);
      expect(peak - before).toBeLessThan(32_000_000);
    } finally {
      await store.close();
    }
  });
});
