import { appendFile, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '@adplatform/domain';
import { type DeliveryEvent, type EventTally, tallyEvents } from '@adplatform/ports';
import { runEventLogContract } from '@adplatform/ports/contracts';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ChunkWriter,
  decodeChunkRange,
  encodeChunk,
  encodeFramed,
  FRAMED_FORMAT,
  HEADER_BYTES,
  parseHeader,
  READ_FORMAT,
} from './chunk-codec.js';
import { createLocalEventLog, type LocalEventLog, type LocalEventLogOptions } from './local-event-log.js';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'adp-log-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

runEventLogContract('local-log', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'adp-log-contract-'));
  let log = await createLocalEventLog({ dir });
  return {
    log,
    reopen: async () => {
      await log.close();
      log = await createLocalEventLog({ dir });
      return log;
    },
    dispose: async () => {
      await log.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

const event = (n: number): DeliveryEvent => ({
  id: `0190f5c2-0000-7000-8000-${String(n).padStart(12, '0')}`,
  type: 'impression',
  at: 1_795_000_000_000 + n,
  organizationId: 'org',
  data: { n },
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => event(from + i));
const ids = (events: DeliveryEvent[]) => events.map((e) => e.id);

async function openLog(dir: string, options: Partial<LocalEventLogOptions> = {}): Promise<LocalEventLog> {
  return createLocalEventLog({ dir, ...options });
}
async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
}

describe('local event log: crash recovery', () => {
  it('keeps every fully written chunk and drops a torn one at the end', async () => {
    const dir = await freshDir();
    const log = await openLog(dir);
    await log.append(range(0, 10));
    await log.append(range(10, 15));
    await log.close();
    const [segment] = await segmentFiles(dir);
    const file = path.join(dir, segment as string);
    // A crash mid-write: half of the next chunk reached the disk.
    const [header, payload] = encodeChunk(range(15, 20), 15);
    const torn = Buffer.concat([header, payload]).subarray(0, 40);
    const sizeBefore = (await stat(file)).size;
    await appendFile(file, torn);

    const reopened = await openLog(dir);
    expect(reopened.recovery.truncatedBytes).toBe(torn.byteLength);
    expect((await stat(file)).size).toBe(sizeBefore);
    expect(await reopened.read(0, 100)).toEqual({ events: range(0, 15), next: 15 });
    await reopened.append([event(15)]);
    expect(ids((await reopened.read(14, 10)).events)).toEqual(ids([event(14), event(15)]));
    await reopened.close();
  });

  it('drops a last chunk whose CRC does not match, and garbage after it', async () => {
    const dir = await freshDir();
    const log = await openLog(dir);
    await log.append(range(0, 3));
    await log.append(range(3, 6));
    await log.close();
    const file = path.join(dir, (await segmentFiles(dir))[0] as string);
    const bytes = await readFile(file);
    // Flip one byte inside the last chunk's payload: its length is intact, its CRC is not.
    const corrupt = Buffer.from(bytes);
    corrupt[corrupt.byteLength - 5] = (corrupt[corrupt.byteLength - 5] ?? 0) ^ 0xff;
    await writeFile(file, Buffer.concat([corrupt, Buffer.from('garbage after the tail')]));

    const reopened = await openLog(dir);
    expect(reopened.recovery.truncatedBytes).toBeGreaterThan(0);
    expect(await reopened.read(0, 100)).toEqual({ events: range(0, 3), next: 3 });
    await reopened.close();
  });

  it('recovers a tail of zeros (a file extended but never written)', async () => {
    const dir = await freshDir();
    const log = await openLog(dir);
    await log.append(range(0, 2));
    await log.close();
    await appendFile(path.join(dir, (await segmentFiles(dir))[0] as string), Buffer.alloc(4096));
    const reopened = await openLog(dir);
    expect(reopened.recovery.truncatedBytes).toBe(4096);
    expect((await reopened.read(0, 10)).next).toBe(2);
    await reopened.close();
  });
});

describe('local event log: segments', () => {
  it('rotates at segmentBytes, names segments by first offset and reads across them', async () => {
    const dir = await freshDir();
    const log = await openLog(dir, { segmentBytes: 4096 });
    for (let n = 0; n < 200; n += 10) await log.append(range(n, n + 10));
    const files = await segmentFiles(dir);
    expect(files.length).toBeGreaterThan(3);
    expect(files[0]).toBe('00000000000000000000.log');
    for (const file of files) expect((await stat(path.join(dir, file))).size).toBeLessThanOrEqual(4096);
    expect(await log.read(0, 1_000)).toEqual({ events: range(0, 200), next: 200 });
    // From any offset, in pages that cross segment boundaries.
    const seen: DeliveryEvent[] = [];
    for (let next = 37; next < 200; ) {
      const page = await log.read(next, 23);
      seen.push(...page.events);
      next = page.next;
    }
    expect(seen).toEqual(range(37, 200));
    await log.close();
    const reopened = await openLog(dir, { segmentBytes: 4096 });
    expect(await reopened.read(150, 100)).toEqual({ events: range(150, 200), next: 200 });
    await reopened.close();
  });

  it('deletes whole old segments past maxBytes; offsets keep counting and reads start at the oldest kept', async () => {
    const dir = await freshDir();
    const log = await openLog(dir, { segmentBytes: 4096, retention: { maxBytes: 10_000 } });
    for (let n = 0; n < 300; n += 10) await log.append(range(n, n + 10));
    const files = await segmentFiles(dir);
    let totalBytes = 0;
    for (const file of files) totalBytes += (await stat(path.join(dir, file))).size;
    expect(totalBytes).toBeLessThanOrEqual(10_000 + 4096);
    const oldest = log.oldestOffset();
    expect(oldest).toBeGreaterThan(0);
    expect(files[0]).toBe(`${String(oldest).padStart(20, '0')}.log`);
    // A consumer behind retention resumes at the oldest kept event.
    expect(await log.read(0, 1_000)).toEqual({ events: range(oldest, 300), next: 300 });
    await log.close();
  });

  it('deletes segments older than maxAgeMs but never the one being written', async () => {
    const dir = await freshDir();
    let nowMs = 1_000_000;
    const log = await openLog(dir, { segmentBytes: 2048, retention: { maxAgeMs: 60_000 }, nowMs: () => nowMs });
    for (let n = 0; n < 100; n += 10) await log.append(range(n, n + 10));
    const before = (await segmentFiles(dir)).length;
    expect(before).toBeGreaterThan(2);
    nowMs += 61_000;
    await log.applyRetention();
    expect(await segmentFiles(dir)).toHaveLength(1);
    const end = (await log.read(0, 0)).next;
    const kept = await log.read(0, 1_000);
    expect(kept.next).toBe(100);
    expect(kept.events).toEqual(range(end, 100));
    await log.append([event(100)]);
    expect((await log.read(0, 1_000)).next).toBe(101);
    await log.close();
  });
});

describe('local event log: group commit and offsets', () => {
  it('writes concurrent appends with one write and one fsync, resolving each after it', async () => {
    const dir = await freshDir();
    const log = await openLog(dir);
    const before = log.stats();
    await Promise.all(Array.from({ length: 100 }, (_, call) => log.append(range(call * 3, call * 3 + 3))));
    const after = log.stats();
    expect(after.appendCalls - before.appendCalls).toBe(100);
    expect(after.fsyncs - before.fsyncs).toBe(1);
    expect(after.writes - before.writes).toBe(1);
    expect(after.events).toBe(300);
    // Sequential appends each wait for their own fsync.
    await log.append([event(300)]);
    await log.append([event(301)]);
    expect(log.stats().fsyncs - after.fsyncs).toBe(2);
    await log.close();
  });

  it('splits a large append into bounded chunks that read back in order', async () => {
    const dir = await freshDir();
    const log = await openLog(dir);
    await log.append(range(0, 5_000));
    expect(log.stats().fsyncs).toBe(1);
    expect(await log.read(4_990, 100)).toEqual({ events: range(4_990, 5_000), next: 5_000 });
    expect((await log.read(1_000, 3_000)).events).toEqual(range(1_000, 4_000));
    await log.close();
  });

  it('keeps committed offsets in one small file per consumer across a reopen', async () => {
    const dir = await freshDir();
    const log = await openLog(dir);
    await log.commitOffset('analytics', 7);
    await log.commitOffset('billing', 3);
    await log.close();
    expect((await readFile(path.join(dir, 'consumers', 'analytics.offset'), 'utf8')).trim()).toBe('7');
    const reopened = await openLog(dir);
    expect(await reopened.committedOffset('analytics')).toBe(7);
    expect(await reopened.committedOffset('billing')).toBe(3);
    await reopened.close();
  });

  it('with a group-commit wait, appends arriving during a write wait their turn too: one fsync per wait, not per append', async () => {
    const dir = await freshDir();
    // A disk whose fsync takes 8 ms, so appends always arrive while a write is in flight.
    const slowSync = async (file: string) => {
      const handle = await open(file, 'a');
      const datasync = handle.datasync.bind(handle);
      handle.datasync = async () => {
        await new Promise((resolve) => setTimeout(resolve, 8));
        return datasync();
      };
      return handle;
    };
    const log = await openLog(dir, { groupCommitMs: 20, openForAppend: slowSync });
    // A steady trickle: an append every millisecond for ~120 ms (each resolves only once durable).
    const appends: Promise<void>[] = [];
    for (let n = 0; n < 120; n++) {
      appends.push(log.append([event(n)]));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(appends);
    // Commits are ≥ 20 ms + one fsync apart, so ~120 ms of appends (longer on a slow machine) share about five
    // writes; committing whatever arrived during the previous fsync at once gives one write per fsync (~15).
    expect(log.stats().fsyncs).toBeGreaterThan(0);
    expect(log.stats().fsyncs).toBeLessThanOrEqual(9);
    expect((await log.read(0, 200)).events.map((e) => e.id)).toEqual(range(0, 120).map((e) => e.id));
    await log.close();
  });

  it('frames the small appends of one commit as one chunk, not a chunk per append', async () => {
    const dir = await freshDir();
    const log = await openLog(dir, { groupCommitMs: 5 });
    // Forty appends of one or two events, as decisions make them, land in one group commit.
    await Promise.all(Array.from({ length: 40 }, (_, n) => log.append(n % 2 === 0 ? [event(2 * n)] : [event(2 * n - 1), event(2 * n)])));
    expect(log.stats().writes).toBe(1);
    const bytes = await readFile(path.join(dir, (await segmentFiles(dir))[0] as string));
    const counts: number[] = [];
    for (let at = 0; at < bytes.byteLength; ) {
      const header = parseHeader(bytes, at);
      if (header === undefined) break;
      counts.push(header.count);
      at += HEADER_BYTES + header.payloadBytes;
    }
    expect(counts).toEqual([60]);
    const read = (await log.read(0, 100)).events;
    expect(read).toHaveLength(60);
    expect(read.map((e) => e.data)).toEqual(
      Array.from({ length: 40 }, (_, n) => (n % 2 === 0 ? [{ n: 2 * n }] : [{ n: 2 * n - 1 }, { n: 2 * n }])).flat(),
    );
    await log.close();
  });

  it('holds background appends for backgroundCommitMs and shares one fsync among them', async () => {
    const dir = await freshDir();
    const log = await openLog(dir, { groupCommitMs: 2, backgroundCommitMs: 300 });
    let durable = 0;
    const appends = Array.from({ length: 20 }, (_, n) => log.append([event(n)], { background: true }).then(() => void durable++));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(durable).toBe(0); // awaited appends would be on disk after 2 ms + one fsync
    expect(log.stats().fsyncs).toBe(0);
    await Promise.all(appends);
    expect(log.stats().fsyncs).toBe(1);
    expect(ids((await log.read(0, 50)).events)).toEqual(ids(range(0, 20)));
    await log.close();
  });

  it('commits queued background appends with an awaited one, at groupCommitMs', async () => {
    const dir = await freshDir();
    const log = await openLog(dir, { groupCommitMs: 2, backgroundCommitMs: 10_000 });
    const background = log.append(range(0, 3), { background: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    await log.append([event(3)]);
    await background;
    expect(performance.now() - started).toBeLessThan(2_000); // not the 10 s background wait
    expect(log.stats().fsyncs).toBe(1);
    expect(ids((await log.read(0, 10)).events)).toEqual(ids(range(0, 4)));
    await log.close();
  });

  it('commits background appends at groupCommitMs once they hold a full buffer of events', async () => {
    const dir = await freshDir();
    const log = await openLog(dir, { groupCommitMs: 2, backgroundCommitMs: 10_000 });
    const started = performance.now();
    await log.append(range(0, 4096), { background: true });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((await log.read(0, 5000)).next).toBe(4096);
    await log.close();
  });

  it('commits waiting background appends at close without waiting out backgroundCommitMs', async () => {
    const dir = await freshDir();
    const log = await openLog(dir, { groupCommitMs: 2, backgroundCommitMs: 10_000 });
    const background = log.append(range(0, 5), { background: true });
    const started = performance.now();
    await log.close();
    await background;
    expect(performance.now() - started).toBeLessThan(2_000);
    const reopened = await openLog(dir);
    expect((await reopened.read(0, 10)).next).toBe(5);
    await reopened.close();
  });

  it('refuses a backgroundCommitMs shorter than groupCommitMs', async () => {
    await expect(openLog(await freshDir(), { groupCommitMs: 5, backgroundCommitMs: 1 })).rejects.toThrow(RangeError);
  });

  it('finishes appends accepted before close, and refuses later ones', async () => {
    const dir = await freshDir();
    const log = await openLog(dir, { groupCommitMs: 20 });
    const accepted = log.append(range(0, 5));
    await log.close();
    await accepted;
    await expect(log.append([event(5)])).rejects.toThrow(/closed/);
    const reopened = await openLog(dir);
    expect((await reopened.read(0, 10)).next).toBe(5);
    await reopened.close();
  });

  it('rejects the appends of a failed write and stays consistent', async () => {
    const dir = await freshDir();
    const log = await openLog(dir);
    await log.append(range(0, 2));
    const file = path.join(dir, (await segmentFiles(dir))[0] as string);
    // An append JSON cannot encode is refused alone, before any byte is written; its neighbours are kept.
    const cyclic = { ...event(2), data: {} as Record<string, unknown> };
    (cyclic.data as Record<string, unknown>).self = cyclic.data;
    const sizeBefore = (await stat(file)).size;
    await expect(log.append([cyclic])).rejects.toThrow();
    expect((await stat(file)).size).toBe(sizeBefore);
    const [refused, kept] = await Promise.allSettled([log.append([cyclic]), log.append([event(2)])]);
    expect(refused.status).toBe('rejected');
    expect(kept.status).toBe('fulfilled');
    expect(await log.read(0, 10)).toEqual({ events: range(0, 3), next: 3 });
    await log.close();
  });
});

describe('a disk that refuses writes', () => {
  it('rejects the append with SERVICE_UNAVAILABLE naming ENOSPC, keeps what was stored, and appends again once the disk has room', async () => {
    const dir = await freshDir();
    let full = false;
    const log = await createLocalEventLog({
      dir,
      openForAppend: async (file) => {
        const handle = await open(file, 'a');
        const writev = handle.writev.bind(handle);
        handle.writev = (async (buffers: NodeJS.ArrayBufferView[], position?: number) => {
          if (!full) return writev(buffers, position);
          // A partial write, then the error, as a filling disk does.
          await writev([Buffer.from('torn')], position);
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
        }) as typeof handle.writev;
        return handle;
      },
    });
    const event = (n: number): DeliveryEvent => ({ id: `e${n}`, type: 'impression', at: n, organizationId: 'org' });
    await log.append([event(1), event(2)]);
    full = true;
    const refused = await log.append([event(3)]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'SERVICE_UNAVAILABLE', details: { errno: 'ENOSPC' } });
    expect((refused as Error).message).toMatch(/disk is full/);
    full = false;
    await log.append([event(4)]);
    expect((await log.read(0, 10)).events.map((e) => e.id)).toEqual(['e1', 'e2', 'e4']);
    await log.close();
    const reopened = await createLocalEventLog({ dir });
    expect((await reopened.read(0, 10)).events.map((e) => e.id)).toEqual(['e1', 'e2', 'e4']);
    await reopened.close();
  });
});

describe('durable taps', () => {
  it('hands each append to a tap once durable, in offset order, before the append resolves, and stops after removal', async () => {
    const dir = await freshDir();
    const log = await openLog(dir);
    await log.append(range(0, 2));
    const seen: { ids: string[]; firstOffset: number }[] = [];
    let pendingReads: Promise<void>[] = [];
    const remove = log.onDurable(({ events = [], firstOffset, count }) => {
      // What a tap sees is already readable: the same events at the same offsets.
      expect(count).toBe(events.length);
      pendingReads.push(
        log.read(firstOffset, events.length).then((read) => {
          expect(read.events).toEqual(events);
        }),
      );
      seen.push({ ids: ids([...events]), firstOffset });
    });
    let resolvedBeforeTap = false;
    const appended = Promise.all([log.append(range(2, 5)), log.append(range(5, 6))]).then(() => {
      resolvedBeforeTap = seen.length < 2;
    });
    await appended;
    expect(resolvedBeforeTap).toBe(false);
    expect(seen).toEqual([
      { ids: ids(range(2, 5)), firstOffset: 2 },
      { ids: ids(range(5, 6)), firstOffset: 5 },
    ]);
    await Promise.all(pendingReads);
    remove();
    pendingReads = [];
    await log.append(range(6, 7));
    expect(seen).toHaveLength(2);
    await log.close();
  });

  it('keeps an append durable and resolved when a tap throws', async () => {
    const dir = await freshDir();
    const log = await openLog(dir);
    log.onDurable(() => {
      throw new Error('a broken tap');
    });
    await log.append(range(0, 3));
    expect(await log.read(0, 10)).toEqual({ events: range(0, 3), next: 3 });
    await log.close();
  });
});

describe('appendEncoded: events framed elsewhere', () => {
  const writer = new ChunkWriter();
  const encoded = (events: DeliveryEvent[]) => ({
    format: FRAMED_FORMAT,
    bytes: encodeFramed(events, writer),
    count: events.length,
    tally: tallyEvents(events),
  });
  const withCost = (n: number): DeliveryEvent => ({ ...event(n), organizationId: `org-${n % 3}`, costMicros: String(n * 7) });

  it('takes their place among object appends in call order, in one commit or many, and reads back the same after a reopen', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ size: fc.integer({ min: 1, max: 2_500 }), encoded: fc.boolean(), background: fc.boolean(), await: fc.boolean() }),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        async (appends) => {
          const dir = await freshDir();
          const log = await openLog(dir, { groupCommitMs: 1 });
          const seen: { firstOffset: number; count: number; objects: boolean; tally: readonly EventTally[] }[] = [];
          log.onDurable((batch) =>
            seen.push({ firstOffset: batch.firstOffset, count: batch.count, objects: batch.events !== undefined, tally: batch.tally }),
          );
          const expected: DeliveryEvent[] = [];
          let inFlight: Promise<void>[] = [];
          for (const { size, encoded: framed, background, await: wait } of appends) {
            const events = Array.from({ length: size }, (_, i) => withCost(expected.length + i));
            expected.push(...events);
            inFlight.push(framed ? log.appendEncoded(encoded(events), { background }) : log.append(events, { background }));
            if (wait) {
              await Promise.all(inFlight);
              inFlight = [];
            }
          }
          await Promise.all(inFlight);
          expect(await log.read(0, expected.length + 1)).toEqual({ events: expected, next: expected.length });
          // The taps saw every append once, in offset order, objects or the producer's tally.
          let offset = 0;
          for (const [i, batch] of seen.entries()) {
            expect(batch.firstOffset).toBe(offset);
            expect(batch.objects).toBe(!appends[i]?.encoded);
            expect(batch.tally).toEqual(tallyEvents(expected.slice(offset, offset + batch.count)));
            offset += batch.count;
          }
          expect(offset).toBe(expected.length);
          await log.close();
          // Every chunk's CRC and offset hold: a reopen cuts nothing and reads from the middle of any chunk.
          const reopened = await openLog(dir);
          expect(reopened.recovery.truncatedBytes).toBe(0);
          const middle = Math.floor(expected.length / 2);
          expect((await reopened.read(middle, 3)).events).toEqual(expected.slice(middle, middle + 3));
          expect((await reopened.read(0, expected.length)).events).toEqual(expected);
          await reopened.close();
        },
      ),
      { numRuns: 25 },
    );
  });

  it('refuses bytes of another format, torn framing or a wrong count, and appends nothing', async () => {
    const dir = await freshDir();
    const log = await openLog(dir);
    const good = encoded(range(0, 5));
    await expect(log.appendEncoded({ ...good, format: 'json' })).rejects.toThrow(RangeError);
    await expect(log.appendEncoded({ ...good, bytes: good.bytes.subarray(0, good.bytes.byteLength - 1) })).rejects.toThrow(
      /no codec-3 chunk/,
    );
    await expect(log.appendEncoded({ ...good, count: 6 })).rejects.toThrow(/hold 5 events, not 6/);
    await expect(log.appendEncoded({ ...good, bytes: new Uint8Array(0), count: 0 })).rejects.toThrow(RangeError);
    expect(await log.read(0, 10)).toEqual({ events: [], next: 0 });
    await log.appendEncoded(good);
    expect(await log.read(0, 10)).toEqual({ events: range(0, 5), next: 5 });
    await log.close();
  });
});

describe('readEncoded: a range left for the reader to decode', () => {
  /** What `read` answers, from `readEncoded`'s bytes. */
  const decoded = async (log: LocalEventLog, offset: number, limit: number) => {
    const range = await log.readEncoded(offset, limit);
    expect(range.format).toBe(READ_FORMAT);
    const events = decodeChunkRange(range.bytes, range.first, range.next);
    expect(range.events).toBe(events.length);
    // The bytes are a buffer of their own: they can be moved to another thread.
    expect(range.bytes.byteOffset).toBe(0);
    expect(range.bytes.buffer.byteLength).toBe(range.bytes.byteLength);
    return { events, next: range.next };
  };

  it('answers the events and next of read for any range, across chunks, segments and retention', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 1_500 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat({ max: 6_000 }), fc.nat({ max: 3_000 })), { minLength: 1, maxLength: 8 }),
        async (appends, reads) => {
          const dir = await freshDir();
          const log = await openLog(dir, { segmentBytes: 64 * 1024, retention: { maxBytes: 256 * 1024 } });
          try {
            let n = 0;
            for (const count of appends) {
              await log.append(range(n, n + count));
              n += count;
            }
            for (const [offset, limit] of reads) expect(await decoded(log, offset, limit)).toEqual(await log.read(offset, limit));
          } finally {
            await log.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('refuses bytes that are not whole chunks, or whose CRC fails', async () => {
    const dir = await freshDir();
    const log = await openLog(dir);
    await log.append(range(0, 50));
    const { bytes } = await log.readEncoded(0, 50);
    expect(() => decodeChunkRange(bytes.subarray(0, bytes.byteLength - 1), 0, 50)).toThrow(/no whole chunk at byte 0/);
    const flipped = new Uint8Array(bytes);
    flipped[HEADER_BYTES + 3] = (flipped[HEADER_BYTES + 3] ?? 0) ^ 0xff;
    expect(() => decodeChunkRange(flipped, 0, 50)).toThrow(/fails its CRC/);
    expect(decodeChunkRange(bytes, 10, 20)).toEqual(range(10, 20));
    await log.close();
  });
});
