import type { DeliveryEvent, EventLog } from '@adplatform/ports';
import { runEventLogContract } from '@adplatform/ports/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createNatsEventLog, type NatsEventLog, type NatsEventLogOptions } from './nats-event-log.js';
import { deleteNatsStreams, uniqueStreamNames } from './testing.js';

const NATS_URL = 'nats://127.0.0.1:4222';

const event = (id: string): DeliveryEvent => ({ id, type: 'impression', at: 1_795_000_000_000, organizationId: 'org-1' });
const ids = (read: { events: DeliveryEvent[] }) => read.events.map((e) => e.id);

/** A log on a stream of its own; `dispose` closes it and deletes its streams. */
async function openLog(options: Partial<NatsEventLogOptions> = {}) {
  const names = uniqueStreamNames();
  const settings = { url: NATS_URL, ...names, ...options };
  let log: NatsEventLog = await createNatsEventLog(settings);
  return {
    get log() {
      return log;
    },
    reopen: async (): Promise<EventLog> => {
      await log.close();
      log = await createNatsEventLog(settings);
      return log;
    },
    dispose: async () => {
      await log.close();
      await deleteNatsStreams(NATS_URL, [log.streams.events, log.streams.offsets]);
    },
  };
}

runEventLogContract(
  'nats',
  async () => {
    const opened = await openLog();
    return { log: opened.log, reopen: opened.reopen, dispose: opened.dispose };
  },
  { dedupesIdsWithinWindow: true },
);

describe('nats event log', () => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('stores a retried append of the same ids once within the duplicate window, and a new id after them', async () => {
    const opened = await openLog();
    dispose = opened.dispose;
    const batch = Array.from({ length: 50 }, (_, i) => event(`retry-${i}`));
    await opened.log.append(batch);
    await opened.log.append(batch); // the producer did not see the acks and tries again
    await opened.log.append([...batch.slice(40), event('fresh')]); // a partial retry plus a new event
    const read = await opened.log.read(0, 1_000);
    expect(ids(read)).toEqual([...batch.map((e) => e.id), 'fresh']);
    expect(read.next).toBe(51);
  });

  it('stores an id again once the duplicate window has passed', async () => {
    // nats-server 2.9 accepts a duplicate window down to 100 ms.
    const opened = await openLog({ duplicateWindowMs: 100 });
    dispose = opened.dispose;
    await opened.log.append([event('late-retry')]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await opened.log.append([event('late-retry')]);
    expect(ids(await opened.log.read(0, 10))).toEqual(['late-retry', 'late-retry']);
  });

  it("keeps a consumer's offset when the adapter closes and a new one opens on the stream", async () => {
    const opened = await openLog();
    dispose = opened.dispose;
    await opened.log.append(Array.from({ length: 10 }, (_, i) => event(`e${i}`)));
    const first = await opened.log.read(await opened.log.committedOffset('analytics'), 4);
    await opened.log.commitOffset('analytics', first.next);
    const reopened = await opened.reopen();
    const resumeAt = await reopened.committedOffset('analytics');
    expect(resumeAt).toBe(4);
    expect(ids(await reopened.read(resumeAt, 100))).toEqual(['e4', 'e5', 'e6', 'e7', 'e8', 'e9']);
  });

  it('reads from the middle of the stream, and on from there in pages', async () => {
    const opened = await openLog();
    dispose = opened.dispose;
    await opened.log.append(Array.from({ length: 1_000 }, (_, i) => event(`m${i}`)));
    const middle = await opened.log.read(500, 3);
    expect(middle).toEqual({ events: ['m500', 'm501', 'm502'].map((id) => expect.objectContaining({ id })), next: 503 });
    let offset = 503;
    const seen: string[] = [];
    while (offset < 1_000) {
      const page = await opened.log.read(offset, 128);
      seen.push(...ids(page));
      offset = page.next;
    }
    expect(seen).toEqual(Array.from({ length: 497 }, (_, i) => `m${i + 503}`));
    expect(ids(await opened.log.read(2, 2))).toEqual(['m2', 'm3']); // and back to the start
  });

  it('starts at the oldest kept event once retention removed older ones, offsets still counting', async () => {
    const opened = await openLog();
    dispose = opened.dispose;
    await opened.log.append(Array.from({ length: 6 }, (_, i) => event(`r${i}`)));
    const nc = await connect({ servers: NATS_URL });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.purge(opened.log.streams.events, { keep: 2 }); // as max_age would
    } finally {
      await nc.close();
    }
    expect(await opened.log.read(0, 10)).toEqual({ events: ['r4', 'r5'].map((id) => expect.objectContaining({ id })), next: 6 });
    await opened.log.append([event('r6')]);
    expect(await opened.log.read(6, 10)).toEqual({ events: [expect.objectContaining({ id: 'r6' })], next: 7 });
  });

  it('rejects an append no stream takes (the stream was deleted under it), and one after close', async () => {
    const opened = await openLog();
    dispose = opened.dispose;
    await deleteNatsStreams(NATS_URL, [opened.log.streams.events]);
    await expect(opened.log.append([event('orphan')])).rejects.toThrow(/no JetStream stream/);
    await opened.log.close();
    await expect(opened.log.commitOffset('analytics', 1)).rejects.toThrow(/closed/);
  });

  it('appends one call of 20,000 events whole and in order', async () => {
    const opened = await openLog();
    dispose = opened.dispose;
    const events = Array.from({ length: 20_000 }, (_, i) => event(`big-${i}`));
    await opened.log.append(events);
    const read = await opened.log.read(0, 20_000);
    expect(read.next).toBe(20_000);
    expect(ids(read)).toEqual(events.map((e) => e.id));
  });

  it('keeps the offsets of two logs on different streams apart', async () => {
    const a = await openLog();
    const b = await openLog();
    dispose = async () => {
      await a.dispose();
      await b.dispose();
    };
    await a.log.commitOffset('analytics', 7);
    expect(await b.log.committedOffset('analytics')).toBe(0);
  });
});
