import { describe, expect, it } from 'vitest';
import { generateIngestKey, INGEST_KEY_CACHE_MS, VerifiedIngestKeys } from './ingest-keys.js';

const verified = (keyId: string) => ({ organizationId: `org-of-${keyId}`, keyId });

describe('VerifiedIngestKeys', () => {
  it('answers a verified key until its time is up, then asks again', () => {
    let nowMs = 1_000;
    const keys = new VerifiedIngestKeys({ nowMs: () => nowMs });
    const { key } = generateIngestKey();
    expect(keys.get(key)).toBeUndefined();
    keys.remember(key, verified('k1'), keys.generation);
    expect(keys.get(key)).toEqual(verified('k1'));
    nowMs += INGEST_KEY_CACHE_MS - 1;
    expect(keys.get(key)).toEqual(verified('k1'));
    nowMs += 1;
    expect(keys.get(key)).toBeUndefined();
  });

  it('takes only the exact key: another secret with the same public prefix is not verified', () => {
    const keys = new VerifiedIngestKeys({ nowMs: () => 0 });
    const { key } = generateIngestKey();
    keys.remember(key, verified('k1'), keys.generation);
    const forged = `${key.slice(0, 17)}${key.at(17) === 'A' ? 'B' : 'A'}${key.slice(18)}`;
    expect(forged).not.toBe(key);
    expect(keys.get(forged)).toBeUndefined();
  });

  it('drops a forgotten (revoked) key at once and ignores the answer of a lookup that began before', () => {
    const keys = new VerifiedIngestKeys({ nowMs: () => 0 });
    const [a, b, c] = [generateIngestKey().key, generateIngestKey().key, generateIngestKey().key];
    keys.remember(a, verified('k1'), keys.generation);
    keys.remember(b, verified('k2'), keys.generation);
    const lookupBegan = keys.generation; // a store read of k1 in flight…
    keys.forget('k1'); // …while k1 is revoked
    keys.remember(c, verified('k1'), lookupBegan);
    expect(keys.get(a)).toBeUndefined();
    expect(keys.get(c)).toBeUndefined();
    expect(keys.get(b)).toEqual(verified('k2'));
  });

  it('holds at most maxEntries keys, dropping the oldest', () => {
    const keys = new VerifiedIngestKeys({ nowMs: () => 0, maxEntries: 2 });
    const [a, b, c] = [generateIngestKey().key, generateIngestKey().key, generateIngestKey().key];
    for (const [key, id] of [
      [a, 'a'],
      [b, 'b'],
      [c, 'c'],
    ] as const)
      keys.remember(key, verified(id), keys.generation);
    expect([keys.get(a), keys.get(b)?.keyId, keys.get(c)?.keyId]).toEqual([undefined, 'b', 'c']);
  });
});
