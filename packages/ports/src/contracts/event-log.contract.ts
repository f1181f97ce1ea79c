import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryEvent, EventLog } from '../event-log.js';

const ORG = '0190f5c2-0000-7000-8000-000000000001';

/** A JSON-safe event with every optional field set, so adapters that serialise must keep them all. */
function fullEvent(n: number): DeliveryEvent {
  return {
    id: `0190f5c2-${String(n).padStart(4, '0')}-7000-8000-00000000000a`,
    type: 'impression',
    at: 1_795_000_000_000 + n,
    organizationId: ORG,
    decisionId: '0190f5c2-0000-7000-8000-0000000000d1',
    advertiserId: '0190f5c2-0000-7000-8000-0000000000a1',
    campaignId: '0190f5c2-0000-7000-8000-0000000000c1',
    lineItemId: '0190f5c2-0000-7000-8000-0000000000b1',
    creativeId: '0190f5c2-0000-7000-8000-0000000000e1',
    publisherId: '0190f5c2-0000-7000-8000-0000000000f1',
    siteId: '0190f5c2-0000-7000-8000-0000000000f2',
    placementId: '0190f5c2-0000-7000-8000-0000000000f3',
    country: 'DE',
    region: 'BE',
    deviceType: 'mobile',
    os: 'android',
    browser: 'chrome',
    costMicros: '2500',
    revenueMicros: '1750',
    invalid: { reason: 'test' },
    data: { priceCpmMicros: 2_500_000, nested: { list: [1, 'two'] } },
  };
}

const event = (id: string, type: DeliveryEvent['type'] = 'click'): DeliveryEvent => ({
  id,
  type,
  at: 1_795_000_000_000,
  organizationId: ORG,
});

/** What the contract's `open` gives: a fresh, empty log, how to dispose of it, and for durable adapters how to reopen it. */
export interface OpenedEventLog {
  log: EventLog;
  /** Disposes of the log last opened (the reopened one, after `reopen`) and its storage. */
  dispose: () => Promise<void>;
  /**
   * Durable adapters only: closes `log` and opens a new instance on the same
   * storage, as a restart would. The contract then checks that events and
   * committed offsets survive it.
   */
  reopen?: () => Promise<EventLog>;
}

/** What an adapter may do differently from the local log, and the contract then accepts. */
export interface EventLogCapabilities {
  /**
   * The log drops an event whose id it already stored within a window (NATS
   * JetStream's duplicate window on `Nats-Msg-Id`), so a retried append is
   * stored once. Logs without it keep both copies; consumers dedupe either way.
   */
  dedupesIdsWithinWindow?: boolean;
}

/**
 * The behaviour every EventLog adapter must have. `open` returns a fresh,
 * empty log and a function that disposes of it; each test opens its own.
 */
export function runEventLogContract(name: string, open: () => Promise<OpenedEventLog>, capabilities: EventLogCapabilities = {}): void {
  describe(`EventLog contract: ${name}`, () => {
    let opened: OpenedEventLog | undefined;
    let current: EventLog | undefined;
    const log = () => {
      if (!current) throw new Error('the log did not open');
      return current;
    };
    beforeEach(async () => {
      opened = await open();
      current = opened.log;
    });
    afterEach(async () => {
      await opened?.dispose();
      opened = undefined;
      current = undefined;
    });

    it('reads nothing from an empty log, with next at 0', async () => {
      expect(await log().read(0, 10)).toEqual({ events: [], next: 0 });
      expect(typeof log().kind).toBe('string');
    });

    it('gives back appended events in order with every field and id as appended', async () => {
      const events = [fullEvent(1), fullEvent(2), event('0190f5c2-0000-7000-8000-0000000000ff', 'conversion')];
      await log().append(events);
      const read = await log().read(0, 10);
      expect(read.next).toBe(3);
      expect(read.events).toEqual(events);
    });

    it('pages by offset and limit, offsets counting across appends', async () => {
      await log().append([event('a'), event('b')]);
      await log().append([event('c')]);
      await log().append([event('d'), event('e')]);
      const first = await log().read(0, 2);
      expect(first.events.map((e) => e.id)).toEqual(['a', 'b']);
      const second = await log().read(first.next, 2);
      expect(second.events.map((e) => e.id)).toEqual(['c', 'd']);
      const third = await log().read(second.next, 2);
      expect(third).toEqual({ events: [expect.objectContaining({ id: 'e' })], next: 5 });
      expect((await log().read(3, 1)).events.map((e) => e.id)).toEqual(['d']);
    });

    it('answers no events and next = the end at or past the end, and for limit 0', async () => {
      await log().append([event('a'), event('b')]);
      expect(await log().read(2, 10)).toEqual({ events: [], next: 2 });
      expect(await log().read(99, 10)).toEqual({ events: [], next: 2 });
      expect(await log().read(1, 0)).toEqual({ events: [], next: 1 });
    });

    it(
      capabilities.dedupesIdsWithinWindow
        ? 'stores an id appended twice within its duplicate window once'
        : 'keeps an id appended twice (consumers dedupe, not the log)',
      async () => {
        await log().append([event('same', 'impression')]);
        await log().append([event('same', 'impression')]);
        await log().append([event('other', 'impression')]);
        const expected = capabilities.dedupesIdsWithinWindow ? ['same', 'other'] : ['same', 'same', 'other'];
        expect(await log().read(0, 10)).toEqual({ events: expected.map((id) => expect.objectContaining({ id })), next: expected.length });
      },
    );

    it('keeps the events of one call consecutive and in order when calls run concurrently', async () => {
      const calls = Array.from({ length: 40 }, (_, call) => Array.from({ length: 5 }, (_, i) => event(`${call}:${i}`)));
      await Promise.all(calls.map((events) => log().append(events)));
      const { events, next } = await log().read(0, 1_000);
      expect(next).toBe(200);
      const ids = events.map((e) => e.id);
      for (let at = 0; at < ids.length; at += 5) {
        const call = ids[at]!.split(':')[0];
        expect(ids.slice(at, at + 5)).toEqual([0, 1, 2, 3, 4].map((i) => `${call}:${i}`));
      }
      expect(new Set(ids).size).toBe(200);
    });

    it('accepts an empty append without moving the end', async () => {
      await log().append([]);
      await log().append([event('a')]);
      await log().append([]);
      expect((await log().read(0, 10)).next).toBe(1);
    });

    it('refuses appends once closed', async () => {
      await log().close();
      await expect(log().append([event('late')])).rejects.toThrow();
    });

    describe('consumer offsets', () => {
      it('answers 0 for a consumer that never committed', async () => {
        expect(await log().committedOffset('analytics')).toBe(0);
      });

      it('gives back the last committed offset, per consumer', async () => {
        await log().append([event('a'), event('b'), event('c')]);
        await log().commitOffset('analytics', 2);
        await log().commitOffset('billing', 3);
        await log().commitOffset('analytics', 3);
        expect(await log().committedOffset('analytics')).toBe(3);
        expect(await log().committedOffset('billing')).toBe(3);
        expect(await log().committedOffset('pacing')).toBe(0);
      });

      it('rewinds on a smaller offset, so a consumer can replay from it', async () => {
        await log().append([event('a'), event('b'), event('c')]);
        await log().commitOffset('analytics', 3);
        await log().commitOffset('analytics', 1);
        const resumeAt = await log().committedOffset('analytics');
        expect(resumeAt).toBe(1);
        expect((await log().read(resumeAt, 10)).events.map((e) => e.id)).toEqual(['b', 'c']);
      });

      it('accepts an offset past the end (the consumer waits for future events)', async () => {
        await log().commitOffset('analytics', 42);
        expect(await log().committedOffset('analytics')).toBe(42);
      });

      it('applies concurrent commits of one consumer in call order', async () => {
        await Promise.all([1, 2, 3, 4, 5].map((offset) => log().commitOffset('analytics', offset)));
        expect(await log().committedOffset('analytics')).toBe(5);
      });

      it('refuses bad consumer names and offsets with a RangeError', async () => {
        for (const consumer of ['', 'a/b', '../x', 'a.b', 'a b', 'x'.repeat(65)]) {
          await expect(log().commitOffset(consumer, 1)).rejects.toThrow(RangeError);
          await expect(log().committedOffset(consumer)).rejects.toThrow(RangeError);
        }
        for (const offset of [-1, 1.5, Number.NaN, 2 ** 53]) {
          await expect(log().commitOffset('analytics', offset)).rejects.toThrow(RangeError);
        }
      });
    });

    it('keeps events and committed offsets across a reopen (durable adapters)', async () => {
      if (!opened?.reopen) return; // an in-process log forgets everything by design
      const events = [fullEvent(1), fullEvent(2), event('c')];
      await log().append(events);
      await log().commitOffset('analytics', 2);
      current = await opened.reopen();
      expect(await log().read(0, 10)).toEqual({ events, next: 3 });
      expect(await log().committedOffset('analytics')).toBe(2);
      await log().append([event('d')]);
      expect(await log().read(2, 10)).toEqual({ events: [events[2], event('d')], next: 4 });
    });
  });
}
