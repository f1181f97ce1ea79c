/**
 * A decoder module for the worker's tests (format `test/json`): the range's
 * bytes are the JSON of an array of events, and `first`/`next` index into it.
 * The real one is the local log's (`localLogRangeDecoder`), which this adapter
 * does not import.
 */
import type { DeliveryEvent, EncodedRange } from '@adplatform/ports';

export const TEST_FORMAT = 'test/json';

export function decodeRange(range: EncodedRange): DeliveryEvent[] {
  if (range.format !== TEST_FORMAT) throw new RangeError(`encoded events: format ${range.format}, not ${TEST_FORMAT}`);
  const events = JSON.parse(new TextDecoder().decode(range.bytes)) as DeliveryEvent[];
  return events.slice(range.first, range.next);
}

/** `events` as a range of this format (a buffer of its own). */
export function testRange(events: readonly DeliveryEvent[], first = 0, next = events.length): EncodedRange {
  return { format: TEST_FORMAT, bytes: new TextEncoder().encode(JSON.stringify(events)), first, next, events: next - first };
}
