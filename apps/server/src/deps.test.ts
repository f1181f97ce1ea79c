import { createDuckDbAnalyticsWorker } from '@adplatform/adapter-duckdb';
import { loadConfig } from '@adplatform/config';
import { describe, expect, it } from 'vitest';
import { analyticsStoreOptions } from './deps.js';

describe('the analytics store from the configuration', () => {
  it("passes ADPLATFORM_ANALYTICS_MEMORY_MB to DuckDB as its memory limit, and leaves DuckDB's default without it", async () => {
    const config = loadConfig({ ADPLATFORM_DATA_DIR: '/srv/adplatform', ADPLATFORM_ANALYTICS_MEMORY_MB: '512' });
    expect(analyticsStoreOptions(config)).toEqual({ path: '/srv/adplatform/analytics.duckdb', niceness: 10, memoryLimit: '512MB' });
    expect(analyticsStoreOptions(loadConfig({ ADPLATFORM_DATA_DIR: '/srv/adplatform' }))).not.toHaveProperty('memoryLimit');
    // DuckDB takes the value as written (a value it cannot read fails the store's start).
    const store = await createDuckDbAnalyticsWorker({ ...analyticsStoreOptions(config), path: ':memory:' });
    await store.close();
  });
});
