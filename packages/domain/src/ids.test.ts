import fc from 'fast-check';
import { parse, v7 as referenceV7, validate, version } from 'uuid';
import { afterEach, describe, expect, it, vi } from 'vitest';

const timeOf = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

/** A fresh copy of the module: its monotonic state starts empty, whatever another test did to the clock. */
async function freshIds() {
  vi.resetModules();
  return import('./ids.js');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('newId', () => {
  it('is a UUIDv7 with the RFC 9562 variant', async () => {
    const { newId, isId } = await freshIds();
    for (let i = 0; i < 10_000; i++) {
      const id = newId();
      expect(validate(id)).toBe(true);
      expect(version(id)).toBe(7);
      expect(isId(id)).toBe(true);
      expect((parse(id)[8]! & 0xc0) >>> 6).toBe(0b10);
    }
  });

  it('carries the millisecond it was minted in, for any time a 48-bit field holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 48 - 1 }), async (ms) => {
        const { newId } = await freshIds();
        vi.spyOn(Date, 'now').mockReturnValue(ms);
        expect(timeOf(newId())).toBe(ms);
      }),
      { numRuns: 200 },
    );
  });

  it('is strictly increasing within a millisecond and across a clock step back', async () => {
    const { newId } = await freshIds();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
    let previous = newId();
    for (let i = 0; i < 200_000; i++) {
      const id = newId();
      expect(id > previous).toBe(true);
      previous = id;
    }
    clock.mockReturnValue(1_800_000_000_000 - 1_000);
    const back = newId();
    expect(back > previous).toBe(true);
    expect(timeOf(back)).toBe(1_800_000_000_000);
    clock.mockReturnValue(1_800_000_000_001);
    expect(newId() > back).toBe(true);
  });

  it('counts its 31-bit sequence up by one within a millisecond, from a random start below 2^30', async () => {
    const { newId } = await freshIds();
    vi.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
    const sequenceOf = (id: string) => {
      const b = parse(id);
      const randA = ((b[6]! & 0x0f) << 8) | b[7]!;
      return randA * 2 ** 19 + (((b[8]! & 0x3f) << 13) | (b[9]! << 5) | (b[10]! >>> 3));
    };
    const first = newId();
    expect(sequenceOf(first)).toBeLessThan(2 ** 30);
    for (let i = 1; i <= 1000; i++) expect(sequenceOf(newId())).toBe(sequenceOf(first) + i);
  });

  it('sorts after ids the uuid library minted earlier (the ids already stored)', async () => {
    const { newId } = await freshIds();
    const earlier = referenceV7({ msecs: Date.now() - 1 });
    expect(newId() > earlier).toBe(true);
  });

  it('does not repeat in a million ids', async () => {
    const { newId } = await freshIds();
    const seen = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) seen.add(newId());
    expect(seen.size).toBe(1_000_000);
  });
});
