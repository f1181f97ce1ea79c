import { createDuckDbAnalyticsWorker } from '@adplatform/adapter-duckdb';
import { localLogRangeDecoder } from '@adplatform/adapter-local-log';
import { loadConfig } from '@adplatform/config';
import { describe, expect, it } from 'vitest';
import { analyticsStoreOptions } from './deps.js';

describe('the analytics store from the configuration', () => {
  it("gives the worker the local log's range decoder, and none over NATS", () => {
    expect(analyticsStoreOptions(loadConfig({})).decoders?.map((d) => d.format)).toEqual(['local-log/chunks']);
    expect(analyticsStoreOptions(loadConfig({ NATS_URL: 'nats://127.0.0.1:4222' })).decoders).toEqual([]);
  });

  it("passes ADPLATFORM_ANALYTICS_MEMORY_MB to DuckDB as its memory limit, and leaves DuckDB's default without it", async () => {
    const config = loadConfig({ ADPLATFORM_DATA_DIR: '/srv/adplatform', ADPLATFORM_ANALYTICS_MEMORY_MB: '512' });
    expect(analyticsStoreOptions(config)).toEqual({
      path: '/srv/adplatform/analytics.duckdb',
      niceness: 10,
      decoders: [localLogRangeDecoder()],
      memoryLimit: '512MB',
    });
    expect(analyticsStoreOptions(loadConfig({ ADPLATFORM_DATA_DIR: '/srv/adplatform' }))).not.toHaveProperty('memoryLimit');
    // DuckDB takes the value as written (a value it cannot read fails the store's start).
    const store = await createDuckDbAnalyticsWorker({ ...analyticsStoreOptions(config), path: ':memory:' });
    await store.close();
  });
});
