import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, renderConfigDoc } from './index.js';

describe('loadConfig', () => {
  it('uses the documented defaults on an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.rateLimit).toEqual({ perSecond: 50, burst: 200 });
  });

  it('converts numbers and booleans from strings', () => {
    const config = loadConfig({ ADPLATFORM_PORT: '9090', ADPLATFORM_TRUST_PROXY: 'true', DATABASE_URL: 'postgres://u@h:5432/db' });
    expect(config.port).toBe(9090);
    expect(config.trustProxy).toBe(true);
    expect(config.databaseUrl).toBe('postgres://u@h:5432/db');
  });

  it('reports every bad variable at once, by name', () => {
    try {
      loadConfig({ ADPLATFORM_PORT: 'eighty', DATABASE_URL: 'mysql://x', ADPLATFORM_LOG_LEVEL: 'loud' });
      expect.unreachable('loadConfig accepted a bad environment');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const variables = (error as ConfigError).problems.map((p) => p.variable);
      expect(variables).toEqual(expect.arrayContaining(['ADPLATFORM_PORT', 'DATABASE_URL', 'ADPLATFORM_LOG_LEVEL']));
      expect((error as Error).message).toContain('ADPLATFORM_PORT');
    }
  });

  it("takes the analytics store's memory limit in MiB, refusing one below 64", () => {
    expect(loadConfig({}).analyticsMemoryMb).toBeUndefined();
    expect(loadConfig({ ADPLATFORM_ANALYTICS_MEMORY_MB: '512' }).analyticsMemoryMb).toBe(512);
    expect(() => loadConfig({ ADPLATFORM_ANALYTICS_MEMORY_MB: '10' })).toThrow(/ADPLATFORM_ANALYTICS_MEMORY_MB/);
    expect(() => loadConfig({ ADPLATFORM_ANALYTICS_MEMORY_MB: 'lots' })).toThrow(/ADPLATFORM_ANALYTICS_MEMORY_MB/);
  });

  it('refuses a port out of range and a short admin password', () => {
    expect(() => loadConfig({ ADPLATFORM_PORT: '70000' })).toThrow(/ADPLATFORM_PORT/);
    expect(() => loadConfig({ ADPLATFORM_ADMIN_EMAIL: 'a@b.co', ADPLATFORM_ADMIN_PASSWORD: 'short' })).toThrow(/ADPLATFORM_ADMIN_PASSWORD/);
  });

  it('requires the admin e-mail when the admin password is given', () => {
    expect(() => loadConfig({ ADPLATFORM_ADMIN_PASSWORD: 'a-long-enough-password' })).toThrow(/ADPLATFORM_ADMIN_EMAIL/);
  });

  it('reads the supply-chain and demand settings, refusing a seller domain with a scheme', () => {
    const config = loadConfig({
      ADPLATFORM_SELLER_DOMAIN: 'ads.example.com',
      ADPLATFORM_SELLERS_CONTACT_EMAIL: 'ops@example.com',
      ADPLATFORM_CURRENCY_RATES_URL: 'https://rates.example.com/latest.json',
      ADPLATFORM_DEMAND_REQUEST_GZIP: 'false',
    });
    expect(config.supplyChain).toMatchObject({ sellerDomain: 'ads.example.com', contactEmail: 'ops@example.com' });
    expect(config.demand).toEqual({
      ratesUrl: 'https://rates.example.com/latest.json',
      ratesRefreshMinutes: 60,
      networkBufferMs: 15,
      minResponseMs: 50,
      maxSocketsPerPartner: 64,
      requestGzip: false,
    });
    expect(() => loadConfig({ ADPLATFORM_SELLER_DOMAIN: 'https://ads.example.com' })).toThrow(/ADPLATFORM_SELLER_DOMAIN/);
  });

  it('reads the metrics token, and never repeats a refused one in the error', () => {
    const token = 'm'.repeat(40);
    expect(loadConfig({ ADPLATFORM_METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(loadConfig({}).metricsToken).toBeUndefined();
    for (const bad of ['short-secret-token', `${'x'.repeat(40)} with spaces`]) {
      try {
        loadConfig({ ADPLATFORM_METRICS_TOKEN: bad });
        expect.unreachable(`accepted ${bad}`);
      } catch (error) {
        expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(['ADPLATFORM_METRICS_TOKEN']);
        expect((error as Error).message).not.toContain(bad);
      }
    }
  });

  it('keeps docs/config.md in sync with the schema', () => {
    const doc = readFileSync(new URL('../../../docs/config.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderConfigDoc());
  });
});
