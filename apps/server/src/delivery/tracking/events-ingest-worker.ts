/**
 * The worker thread of `createEventLinesPool`: parses NDJSON bodies with the
 * same `parseEventLines` as the route's thread. For the local log it answers
 * the events encoded as the log writes them (framed codec-3 chunks and their
 * tally), so the event loop neither rebuilds nor encodes them; for any other
 * log, packed (events-ingest-packed.ts), so the event loop only rebuilds them.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkWriter, encodeFramed, FRAMED_FORMAT } from '@adplatform/adapter-local-log';
import { type DeliveryEvent, type EncodedEvents, tallyEvents } from '@adplatform/ports';
import { parseEventLines } from './events-ingest-lines.js';
import { packEvents, packedTransferList } from './events-ingest-packed.js';
import type { LinesWorkerData, LinesWorkerReply, LinesWorkerRequest } from './events-ingest-pool.js';

if (!parentPort) throw new Error('events-ingest-worker runs as a worker thread');
const port = parentPort;
const data = workerData as LinesWorkerData;

// Linux keeps a nice value per thread: pid 0 is this thread only.
if (data.niceness !== undefined) {
  try {
    setPriority(0, data.niceness);
  } catch {
    // Not permitted or not supported: run at the process's priority.
  }
}

/** One writer for every body of this thread: its buffer is reused, and each answer gets a copy of its own. */
const writer = new ChunkWriter();

/** The events as the local log writes them, or undefined when it cannot (then they go packed, and the log refuses them). */
function encoded(events: DeliveryEvent[], format: string | undefined): EncodedEvents | undefined {
  if (format !== FRAMED_FORMAT || events.length === 0) return undefined;
  try {
    return { format, bytes: encodeFramed(events, writer), count: events.length, tally: tallyEvents(events) };
  } catch {
    return undefined;
  }
}

port.on('message', (request: LinesWorkerRequest) => {
  let reply: LinesWorkerReply;
  try {
    const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const { events, rejected, tooMany } = parseEventLines(body, request.options);
    const framed = tooMany ? undefined : encoded(events, request.encodedFormat);
    if (framed) {
      reply = { id: request.id, ok: true, encoded: framed, rejected, tooMany };
      port.postMessage(reply, [framed.bytes.buffer as ArrayBuffer]);
      return;
    }
    const packed = packEvents(events);
    reply = { id: request.id, ok: true, packed, rejected, tooMany };
    port.postMessage(reply, packedTransferList(packed));
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
    port.postMessage(reply);
  }
});
