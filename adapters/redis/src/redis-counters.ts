import { randomUUID } from 'node:crypto';
import {
  type CounterStore,
  FREQUENCY_RECORD_TTL_MS,
  FrequencyTally,
  frequencyCutoffs,
  frequencyFieldsOf,
  type Lease,
  type LeaseRequest,
} from '@adplatform/ports';
import { Redis } from 'ioredis';
import { LEASE_LUA, RECORD_IMPRESSION_LUA, RELEASE_LUA } from './redis-counter-scripts.js';

export interface RedisCounterStoreOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** Prepended to every key (default `adp:`), so several deployments or test runs can share a server. */
  keyPrefix?: string;
  /** A user key's hash expires this long after its last impression (default 401 days). */
  recordTtlMs?: number;
}

interface CounterScripts {
  adpRecordImpression(key: string, ...args: (string | number)[]): Promise<number>;
  adpLease(spentKey: string, leasesKey: string, grantsKey: string, ...args: (string | number)[]): Promise<string>;
  adpRelease(leasesKey: string, grantsKey: string, leaseId: string, keepMicros: string): Promise<number>;
}

const INT64_MAX = 2n ** 63n - 1n;

function checkMicros(name: string, micros: bigint): string {
  if (micros < 0n || micros > INT64_MAX) throw new RangeError(`${name} must be between 0 and 2^63 - 1 micros`);
  return micros.toString();
}

/**
 * Counters in Redis, shared by every delivery process. A user key is one hash
 * (`<prefix>f:<userKey>`: bucket fields of FrequencyTally, one HGETALL per
 * read); a budget key is three keys with one hash tag so a Cluster keeps them
 * in one slot: `<prefix>b:{<key>}:s` (spent, INCRBY), `:l` (lease ids by
 * expiry) and `:g` (grant per lease id). Leases are granted and released by
 * Lua scripts, so they are atomic across processes.
 */
export function createRedisCounterStore(options: RedisCounterStoreOptions): CounterStore {
  const prefix = options.keyPrefix ?? 'adp:';
  const recordTtlMs = options.recordTtlMs ?? FREQUENCY_RECORD_TTL_MS;
  const client = new Redis(options.url, { maxRetriesPerRequest: 2, lazyConnect: false });
  // Without a listener a lost connection would crash the process; commands fail (and ping reports) instead.
  client.on('error', () => undefined);
  client.defineCommand('adpRecordImpression', { numberOfKeys: 1, lua: RECORD_IMPRESSION_LUA });
  client.defineCommand('adpLease', { numberOfKeys: 3, lua: LEASE_LUA });
  client.defineCommand('adpRelease', { numberOfKeys: 2, lua: RELEASE_LUA });
  const scripts = client as unknown as CounterScripts;

  const userKeyOf = (userKey: string) => `${prefix}f:${userKey}`;
  const budgetKeysOf = (key: string) => {
    const base = `${prefix}b:{${key}}`;
    return { spent: `${base}:s`, leases: `${base}:l`, grants: `${base}:g` };
  };

  return {
    kind: 'redis',
    async recordImpression(userKey, scopeIds, atMs) {
      if (scopeIds.length === 0) return;
      const cutoffs = frequencyCutoffs(atMs);
      const fields = scopeIds.flatMap((scopeId) => frequencyFieldsOf(scopeId, atMs));
      await scripts.adpRecordImpression(userKeyOf(userKey), recordTtlMs, cutoffs.m ?? 0, cutoffs.h ?? 0, cutoffs.d ?? 0, ...fields);
    },
    async frequencyOf(userKey, nowMs) {
      const fields = await client.hgetall(userKeyOf(userKey));
      const tally = new FrequencyTally();
      for (const [field, value] of Object.entries(fields)) tally.addField(field, Number(value));
      return tally.at(nowMs);
    },
    async addSpend(entries) {
      const amounts = entries.map((entry) => checkMicros('spend', entry.micros));
      if (entries.length === 0) return;
      const pipeline = client.pipeline();
      entries.forEach((entry, i) => {
        pipeline.incrby(budgetKeysOf(entry.key).spent, amounts[i] as string);
      });
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error);
      if (failed) throw failed[0];
    },
    async spent(keys) {
      if (keys.length === 0) return [];
      const values = await client.mget(keys.map((key) => budgetKeysOf(key).spent));
      return values.map((value) => BigInt(value ?? '0'));
    },
    async lease(key: string, request: LeaseRequest): Promise<Lease> {
      const limit = checkMicros('limitMicros', request.limitMicros < 0n ? 0n : request.limitMicros);
      const want = checkMicros('wantMicros', request.wantMicros < 0n ? 0n : request.wantMicros);
      const leaseId = randomUUID();
      const expiresAtMs = request.nowMs + request.ttlMs;
      if (want === '0' || limit === '0') return { leaseId, grantedMicros: 0n, expiresAtMs };
      const keys = budgetKeysOf(key);
      const granted = await scripts.adpLease(keys.spent, keys.leases, keys.grants, request.nowMs, limit, want, request.ttlMs, leaseId);
      return { leaseId, grantedMicros: BigInt(granted), expiresAtMs };
    },
    async release(key, leaseId, keepMicros = 0n) {
      const keys = budgetKeysOf(key);
      await scripts.adpRelease(keys.leases, keys.grants, leaseId, checkMicros('keepMicros', keepMicros < 0n ? 0n : keepMicros));
    },
    async ping() {
      await client.ping();
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
