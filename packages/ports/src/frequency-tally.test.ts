import { describe, expect, it } from 'vitest';
import { FREQUENCY_RESOLUTIONS, FrequencyTally, frequencyFieldsOf } from './frequency-tally.js';

const T0 = Date.UTC(2026, 10, 27);
const DAY_MS = 86_400_000;

describe('FrequencyTally', () => {
  it('keeps a bounded number of buckets for a scope shown every 37 minutes for two years', () => {
    const tally = new FrequencyTally();
    let shown = 0;
    let largest = 0;
    for (let atMs = T0; atMs < T0 + 730 * DAY_MS; atMs += 37 * 60_000) {
      tally.add('li', atMs);
      tally.prune(atMs);
      shown++;
      largest = Math.max(largest, tally.size);
    }
    const bound = 1 + FREQUENCY_RESOLUTIONS.reduce((sum, r) => sum + r.maxWindowMs / r.bucketMs + 3, 0);
    expect(largest).toBeLessThanOrEqual(bound);
    expect(tally.countAt('li', null, T0 + 730 * DAY_MS)).toBe(shown);
  });

  it('reads back the fields it writes, and ignores fields it does not know', () => {
    const tally = new FrequencyTally();
    for (const field of frequencyFieldsOf('c:1:x', T0 - 1)) expect(tally.addField(field, 2)).toBe(true);
    expect(tally.addField('zz:1', 1)).toBe(false);
    expect(tally.addField('m:1', 1)).toBe(false);
    expect(tally.countAt('c:1:x', 60_000, T0)).toBe(2);
    expect(tally.countAt('c:1:x', null, T0)).toBe(2);
  });
});
