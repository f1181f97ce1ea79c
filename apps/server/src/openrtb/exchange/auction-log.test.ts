import { createMemoryEventLog } from '@adplatform/adapter-memory';
import type { DeliveryEvent, EventLog } from '@adplatform/ports';
import { describe, expect, it } from 'vitest';
import { AuctionLog } from './auction-log.js';

const event = (n: number): DeliveryEvent => ({ id: `e${n}`, type: 'decision', at: n, organizationId: 'org' });

/** Records each append's events (their ids), then stores them in a memory log. */
function recordingLog(): EventLog & { calls: string[][] } {
  const inner = createMemoryEventLog();
  const calls: string[][] = [];
  return {
    ...inner,
    calls,
    async append(events) {
      calls.push(events.map((e) => e.id));
      await inner.append(events);
    },
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('AuctionLog', () => {
  it('appends the events of one turn of the event loop in one call, after that turn', async () => {
    const log = recordingLog();
    const auctions = new AuctionLog(log);
    auctions.add([event(1)]);
    auctions.add([event(2), event(3)]);
    expect(log.calls).toEqual([]);
    await nextTurn();
    expect(log.calls).toEqual([['e1', 'e2', 'e3']]);
    auctions.add([event(4)]);
    await nextTurn();
    expect(log.calls).toEqual([['e1', 'e2', 'e3'], ['e4']]);
  });

  it('appends at once when maxEvents are gathered, without waiting for the turn to end', () => {
    const log = recordingLog();
    const auctions = new AuctionLog(log, { maxEvents: 3 });
    auctions.add([event(1), event(2)]);
    expect(log.calls).toEqual([]);
    auctions.add([event(3)]);
    expect(log.calls).toEqual([['e1', 'e2', 'e3']]);
    auctions.add([event(4), event(5), event(6), event(7)]);
    expect(log.calls).toEqual([
      ['e1', 'e2', 'e3'],
      ['e4', 'e5', 'e6', 'e7'],
    ]);
  });

  it('flush appends what is left and resolves once every append has settled, in order', async () => {
    const log = recordingLog();
    const auctions = new AuctionLog(log, { maxEvents: 2 });
    auctions.add([event(1), event(2)]);
    auctions.add([event(3)]);
    await auctions.flush();
    expect(log.calls).toEqual([['e1', 'e2'], ['e3']]);
    const { events } = await log.read(0, 10);
    expect(events.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
    await nextTurn();
    expect(log.calls).toHaveLength(2); // the turn's scheduled flush was cancelled: nothing appended twice
  });

  it('logs a refused append and keeps going', async () => {
    const errors: unknown[] = [];
    let refuse = true;
    const inner = createMemoryEventLog();
    const log: EventLog = {
      ...inner,
      async append(events) {
        if (refuse) throw new Error('disk full');
        await inner.append(events);
      },
    };
    const auctions = new AuctionLog(log, { log: { error: (obj) => errors.push(obj) } });
    auctions.add([event(1)]);
    await auctions.flush();
    expect(errors).toEqual([expect.objectContaining({ events: 1 })]);
    refuse = false;
    auctions.add([event(2)]);
    await auctions.flush();
    expect((await inner.read(0, 10)).events.map((e) => e.id)).toEqual(['e2']);
  });
});
