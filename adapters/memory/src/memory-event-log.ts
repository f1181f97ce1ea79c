import { assertConsumerOffset, type DeliveryEvent, type EventLog } from '@adplatform/ports';

export interface MemoryEventLogOptions {
  /** How many events are kept; older ones are forgotten (their offsets stay counted). Default 100,000. */
  maxEvents?: number;
}

/**
 * In-process event log: a ring buffer of the last `maxEvents` events with
 * offsets that keep counting over the whole history. Not durable — a restart
 * forgets everything — so it serves a single process and tests until the
 * durable log arrives. Appends are synchronous under the hood, so the events
 * of one call are always consecutive and in order. Consumer offsets live in
 * a map, as volatile as the events.
 */
export function createMemoryEventLog(options: MemoryEventLogOptions = {}): EventLog {
  const capacity = options.maxEvents ?? 100_000;
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError('maxEvents must be a positive integer');
  const ring: (DeliveryEvent | undefined)[] = new Array(capacity);
  let end = 0; // offset of the next append
  let closed = false;
  const committed = new Map<string, number>();
  const oldest = () => Math.max(0, end - capacity);

  return {
    kind: 'memory',
    async append(events) {
      if (closed) throw new Error('the event log is closed');
      for (const event of events) {
        ring[end % capacity] = event;
        end++;
      }
    },
    async read(offset, limit) {
      if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('offset must be a non-negative integer');
      if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError('limit must be a non-negative integer');
      const from = Math.min(Math.max(offset, oldest()), end);
      const to = Math.min(end, from + limit);
      const events: DeliveryEvent[] = [];
      for (let at = from; at < to; at++) events.push(ring[at % capacity] as DeliveryEvent);
      return { events, next: to };
    },
    async committedOffset(consumer) {
      assertConsumerOffset(consumer);
      return committed.get(consumer) ?? 0;
    },
    async commitOffset(consumer, offset) {
      assertConsumerOffset(consumer, offset);
      committed.set(consumer, offset);
    },
    async close() {
      closed = true;
    },
  };
}
