import { runEventLogContract } from '@adplatform/ports/contracts';
import { describe, expect, it } from 'vitest';
import { createMemoryEventLog } from './memory-event-log.js';

runEventLogContract('memory', async () => {
  const log = createMemoryEventLog();
  return { log, dispose: () => log.close() };
});

const event = (id: string) => ({ id, type: 'impression' as const, at: 0, organizationId: 'org' });

describe('memory event log bound', () => {
  it('forgets the oldest events past maxEvents while offsets keep counting', async () => {
    const log = createMemoryEventLog({ maxEvents: 3 });
    await log.append(['a', 'b', 'c', 'd'].map(event));
    await log.append([event('e')]);
    // a and b are forgotten: offset 0 starts at the oldest kept one, c at offset 2.
    expect(await log.read(0, 10)).toEqual({ events: ['c', 'd', 'e'].map(event), next: 5 });
    expect(await log.read(3, 10)).toEqual({ events: ['d', 'e'].map(event), next: 5 });
    expect(await log.read(5, 10)).toEqual({ events: [], next: 5 });
  });

  it('refuses a maxEvents that is not a positive integer, and negative offsets', async () => {
    expect(() => createMemoryEventLog({ maxEvents: 0 })).toThrow(RangeError);
    expect(() => createMemoryEventLog({ maxEvents: 1.5 })).toThrow(RangeError);
    await expect(createMemoryEventLog().read(-1, 1)).rejects.toThrow(RangeError);
  });
});
