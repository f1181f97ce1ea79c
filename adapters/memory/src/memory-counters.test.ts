import { runCounterStoreContract } from '@adplatform/ports/contracts';
import { describe, expect, it } from 'vitest';
import { createMemoryCounterStore } from './memory-counters.js';

runCounterStoreContract('memory', async () => ({ store: createMemoryCounterStore(), dispose: async () => undefined }));

const T0 = Date.UTC(2026, 10, 27, 12);
const DAY_MS = 86_400_000;

describe('memory counter store', () => {
  it('counts an impression as soon as recordImpression is called, before its promise settles', async () => {
    const store = createMemoryCounterStore();
    const record = await store.frequencyOf('u', T0);
    void store.recordImpression('u', ['li'], T0);
    expect(record.count('li', 60_000)).toBe(1);
    expect((await store.frequencyOf('u', T0)).count('li', null)).toBe(1);
  });

  it('forgets the least recently written user key beyond maxUsers, and counts the eviction', async () => {
    const store = createMemoryCounterStore({ maxUsers: 3 });
    for (const user of ['a', 'b', 'c']) await store.recordImpression(user, ['li'], T0);
    await store.recordImpression('a', ['li'], T0 + 1); // a is now the most recent
    await store.recordImpression('d', ['li'], T0 + 2);
    expect(store.userCount()).toBe(3);
    expect(store.evictedUsers()).toBe(1);
    expect((await store.frequencyOf('b', T0 + 3)).count('li', null)).toBe(0);
    expect((await store.frequencyOf('a', T0 + 3)).count('li', null)).toBe(2);
  });

  it('drops a user key whose last impression is older than the record TTL, without counting it as evicted', async () => {
    const store = createMemoryCounterStore({ maxUsers: 2, recordTtlMs: DAY_MS });
    await store.recordImpression('old', ['li'], T0);
    expect((await store.frequencyOf('old', T0 + DAY_MS)).count('li', null)).toBe(0);
    await store.recordImpression('x', ['li'], T0 + DAY_MS);
    await store.recordImpression('y', ['li'], T0 + DAY_MS);
    expect(store.userCount()).toBe(2);
    expect(store.evictedUsers()).toBe(0);
  });
});
