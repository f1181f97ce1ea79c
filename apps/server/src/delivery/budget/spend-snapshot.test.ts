import { createMemoryCounterStore } from '@adplatform/adapter-memory';
import { createManualClock } from '@adplatform/domain';
import { describe, expect, it } from 'vitest';
import { SpendReporter } from './spend-reporter.js';
import { SpendSnapshot } from './spend-snapshot.js';

function setUp() {
  const counters = createMemoryCounterStore();
  const clock = createManualClock(new Date('2026-11-27T12:00:00Z'));
  const spend = new SpendReporter({ counters });
  return { counters, clock, spend, snapshot: new SpendSnapshot({ counters, spend, clock, idleMs: 60_000 }) };
}

describe('SpendSnapshot', () => {
  it('answers the stored spend after a refresh, plus local spend not yet flushed', async () => {
    const { counters, spend, snapshot } = setUp();
    await counters.addSpend([{ key: 'k', micros: 5_000n }]); // another process's spend
    expect(snapshot.spent('k')).toBe(0n);
    expect(snapshot.isKnown('k')).toBe(false);
    await snapshot.refresh();
    expect(snapshot.isKnown('k')).toBe(true);
    spend.recordSpend('k', 300n);
    expect(snapshot.spent('k')).toBe(5_300n);
  });

  it('keeps counting local spend once it is flushed, before the next refresh', async () => {
    const { counters, spend, snapshot } = setUp();
    await snapshot.refresh();
    snapshot.spent('k');
    await snapshot.refresh();
    spend.recordSpend('k', 300n);
    await spend.flush();
    expect(snapshot.spent('k')).toBe(300n);
    await counters.addSpend([{ key: 'k', micros: 1_000n }]);
    await snapshot.refresh();
    expect(snapshot.spent('k')).toBe(1_300n);
  });

  it('stops refreshing keys nobody asked about for idleMs', async () => {
    const { counters, clock, snapshot } = setUp();
    snapshot.spent('old');
    clock.advance(60_000);
    snapshot.spent('new');
    let asked: readonly string[] = [];
    const spent = counters.spent.bind(counters);
    counters.spent = (keys) => {
      asked = keys;
      return spent(keys);
    };
    await snapshot.refresh();
    expect(asked).toEqual(['new']);
  });
});
