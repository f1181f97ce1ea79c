import { randomUUID } from 'node:crypto';
import { runCounterStoreContract } from '@adplatform/ports/contracts';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisCounterStore } from './redis-counters.js';
import { deleteRedisKeys } from './testing.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

const deleteKeys = (prefix: string) => deleteRedisKeys(REDIS_URL, prefix);

runCounterStoreContract('redis', async () => {
  const keyPrefix = `adp-test:${randomUUID()}:`;
  const store = createRedisCounterStore({ url: REDIS_URL, keyPrefix });
  return {
    store,
    dispose: async () => {
      await store.close();
      await deleteKeys(keyPrefix);
    },
  };
});

describe('redis counter store', () => {
  it('keeps a user key in one hash with an expiry, and reads it in one command', async () => {
    const keyPrefix = `adp-test:${randomUUID()}:`;
    const store = createRedisCounterStore({ url: REDIS_URL, keyPrefix, recordTtlMs: 60_000 });
    const client = new Redis(REDIS_URL);
    try {
      await store.recordImpression('u1', ['li-1', 'c-1'], Date.UTC(2026, 10, 27));
      const ttlMs = await client.pttl(`${keyPrefix}f:u1`);
      expect(ttlMs).toBeGreaterThan(0);
      expect(ttlMs).toBeLessThanOrEqual(60_000);
      expect(await client.hlen(`${keyPrefix}f:u1`)).toBe(8);
    } finally {
      client.disconnect();
      await store.close();
      await deleteKeys(keyPrefix);
    }
  });

  it('prunes buckets no window needs once a user hash grows', async () => {
    const keyPrefix = `adp-test:${randomUUID()}:`;
    const store = createRedisCounterStore({ url: REDIS_URL, keyPrefix });
    const client = new Redis(REDIS_URL);
    try {
      const t0 = Date.UTC(2026, 0, 1);
      // Every 37 minutes for 30 days: without pruning, about 1,170 minute buckets alone.
      for (let atMs = t0; atMs < t0 + 30 * 86_400_000; atMs += 37 * 60_000) await store.recordImpression('heavy', ['li'], atMs);
      expect(await client.hlen(`${keyPrefix}f:heavy`)).toBeLessThan(260);
      const record = await store.frequencyOf('heavy', t0 + 30 * 86_400_000);
      expect(record.count('li', null)).toBe(Math.ceil((30 * 86_400_000) / (37 * 60_000)));
    } finally {
      client.disconnect();
      await store.close();
      await deleteKeys(keyPrefix);
    }
  });
});
